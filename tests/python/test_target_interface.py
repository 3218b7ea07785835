"""The compile-target interface (issue 15, part 1): jit/ compiles for any
target through one descriptor (jit/target.h); CUDA registers one from gpu/
(docs/targets.md).

- the registry lists the CPU and CUDA targets with the fields they declare;
- an intrinsic (any object with _jitprofile_intrinsic = (target, name[, spelling])) used
  outside its target's compile is a TypingError at its file:line:col naming
  the decorator it needs; one of an unknown target says so; a CPU function
  using a CUDA intrinsic still works when a kernel calls it;
- device-code refusals keep their CUDA wording (kernel_noun, local_array);
- jit/ includes nothing from gpu/ and its code names no target (a scan);
- the PTX of the CUDA suite (tests/python/test_cuda_ptx.py, test_cuda_gpu.py)
  is byte-for-byte what it was before the refactor (hashes in
  data/cuda_ptx_golden.json, taken from the build before it; the
  per-compile salt in private symbol names is normalised away).  After a
  deliberate change to CUDA code generation, regenerate them with
  ``JP_UPDATE_PTX_GOLDEN=1 python -m pytest tests/python/test_target_interface.py``
  and say why in the commit.
"""
import hashlib
import json
import math
import os
import re

import numpy as np
import pytest

import jitprofile
from conftest import line_of
from jitprofile import cuda

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(HERE, "data", "cuda_ptx_golden.json")

needs_libdevice = pytest.mark.skipif(jitprofile._core.cuda_libdevice() is None,
                                     reason="CUDA libdevice not installed")


def _normalise(ptx):
    # private (device) sessions salt their symbol names per compile, and the
    # NVPTX target machine numbers its call sequences across compiles (a
    # comment only: the PTX of a kernel depends on how many came before)
    return re.sub(r"callseq \d+", "callseq N", re.sub(r"_c[0-9a-f]{16}", "_cSALT", ptx))


def _math_dev(x):
    return math.sin(x) + math.cos(x) + math.exp(x) + math.log(x) + math.tanh(x) + math.atan2(x, 1.0)


def _ptx_cases():
    import test_cuda_gpu
    import test_cuda_ptx
    cases = []
    for mod, suite in (("test_cuda_ptx", test_cuda_ptx.KERNELS), ("test_cuda_gpu", test_cuda_gpu.SUITE)):
        for func, sig in suite:
            for cc in ((7, 5), (9, 0)):
                cases.append((f"{mod}.{func.__name__}:{sig}:sm_{cc[0]}{cc[1]}", func, sig, cc, False))
    cases.append(("device:_math_dev:float64(float64)", _math_dev, "float64(float64)", (7, 5), True))
    cases.append(("device:mul_add:int64(int64, int64)", lambda a, b: a * b + 1, "int64(int64, int64)",
                  (7, 5), True))
    return cases


@needs_libdevice
def test_cuda_suite_ptx_is_unchanged():
    got = {}
    for key, func, sig, cc, device in _ptx_cases():
        ptx, _ = cuda.compile_ptx(func, sig, cc=cc, device=device)
        got[key] = hashlib.sha256(_normalise(ptx).encode()).hexdigest()
    if os.environ.get("JP_UPDATE_PTX_GOLDEN"):
        with open(GOLDEN, "w") as f:
            json.dump(got, f, indent=1, sort_keys=True)
            f.write("\n")
    with open(GOLDEN) as f:
        want = json.load(f)
    assert sorted(got) == sorted(want)
    changed = [k for k in got if got[k] != want[k]]
    assert changed == [], f"PTX changed for {changed}"


# ---- the registry ---------------------------------------------------------------------------

def _targets():
    return {t["name"]: t for t in jitprofile._core.compile_targets()}


def test_registry_has_the_cpu_and_cuda_targets():
    t = _targets()
    assert t["cpu"]["device"] is False and t["cpu"]["triple"] is None
    cu = t["cuda"]
    assert cu["device"] is True and cu["triple"] == "nvptx64-nvidia-cuda"
    assert cu["kernel_noun"] == "CUDA kernels" and cu["decorator"] == "@cuda.jit"
    assert cu["intrinsics"] and cu["emits"]
    assert len(t) == len(jitprofile._core.compile_targets())     # one entry per name


# ---- intrinsics -----------------------------------------------------------------------------

def test_cuda_markers_are_the_generic_intrinsic_attribute():
    assert cuda.threadIdx.x._jitprofile_intrinsic == ("cuda", "sreg:tid.x", "threadIdx.x")
    assert cuda.grid._jitprofile_intrinsic == ("cuda", "grid", "grid")
    assert cuda.atomic.add._jitprofile_intrinsic == ("cuda", "atomic.add", "atomic.add")
    assert not hasattr(cuda.grid, "_jitprofile_cuda")


def test_an_intrinsic_in_njit_code_is_a_typing_error_with_its_location():
    @jitprofile.njit
    def cpu(a):
        return a + cuda.threadIdx.x  # TAG_TID
    with pytest.raises(jitprofile.TypingError) as e:
        cpu(1)
    line = line_of(__file__, "TAG_TID")
    msg = str(e.value)
    assert re.search(rf"test_target_interface\.py:{line}:\d+", msg), msg
    # named as the user wrote it, not by its register (it said "cuda.tid.x")
    assert "cuda.threadIdx.x can only be used in CUDA kernels and device functions" in msg
    assert "hint: decorate the function with @cuda.jit" in msg


def test_an_intrinsic_call_in_njit_code_names_the_decorator():
    @jitprofile.njit
    def cpu(a):
        cuda.atomic.add(a, 0, 1)  # TAG_ATOMIC
    with pytest.raises(jitprofile.TypingError) as e:
        cpu(np.zeros(2))
    msg = str(e.value)
    assert re.search(rf"test_target_interface\.py:{line_of(__file__, 'TAG_ATOMIC')}:\d+", msg), msg
    assert "cuda.atomic.add can only be used in CUDA kernels" in msg and "@cuda.jit" in msg


class _Foreign:
    """An intrinsic of a target this build does not register."""
    _jitprofile_intrinsic = ("nosuchtarget", "get_thing")

    def __call__(self):
        raise RuntimeError("only in nosuchtarget code")


foreign = _Foreign()


def test_an_intrinsic_of_an_unknown_target_is_a_clean_error():
    @jitprofile.njit
    def cpu():
        return foreign()  # TAG_FOREIGN
    with pytest.raises(jitprofile.TypingError) as e:
        cpu()
    msg = str(e.value)
    assert re.search(rf"test_target_interface\.py:{line_of(__file__, 'TAG_FOREIGN')}:\d+", msg), msg
    assert "nosuchtarget.get_thing needs the 'nosuchtarget' compile target" in msg


@needs_libdevice
def test_an_intrinsic_of_another_target_in_a_kernel_is_a_clean_error():
    def kern(out):
        out[0] = foreign()  # TAG_FOREIGN_KERNEL
    with pytest.raises(jitprofile.TypingError) as e:
        cuda.compile_ptx(kern, "void(int64[::1])")
    assert re.search(rf"test_target_interface\.py:{line_of(__file__, 'TAG_FOREIGN_KERNEL')}:\d+", str(e.value))


@jitprofile.njit
def _cpu_index():
    # a CPU function: its intrinsic is typed in the compile of whoever calls it
    return cuda.grid(1) + cuda.blockDim.x


@needs_libdevice
def test_a_cuda_intrinsic_in_a_cpu_function_called_from_a_kernel_works():
    def kern(out):
        i = _cpu_index()
        if i < out.shape[0]:
            out[i] = i
    ptx, restype = cuda.compile_ptx(kern, "void(int64[::1])")
    assert restype == jitprofile.none
    assert "%tid.x" in ptx and "%ctaid.x" in ptx and "%ntid.x" in ptx
    with pytest.raises(jitprofile.TypingError, match="only be used in CUDA kernels"):
        _cpu_index()        # the same function called on the CPU


# ---- device-code messages name the target through its kernel_noun ---------------------------

@needs_libdevice
@pytest.mark.parametrize("body, message, hint", [
    ("out[0] = len([1, 2])", "lists are not supported in CUDA kernels",
     "use a local array (cuda.local.array) instead"),
    ("out[0] = len({1: 2})", "dicts are not supported in CUDA kernels", "use a local array"),
    ("out[0] = len({1, 2})", "sets are not supported in CUDA kernels", "use a local array"),
    ("out[0] = len('ab')", "strings are not supported in CUDA kernels", "pass numbers or arrays to the kernel"),
    ("out[0] = np.array([1, 2])[0]", "array() is not supported in CUDA kernels", "use cuda.local.array in a kernel"),
])
def test_device_code_refusals_are_worded_as_before(body, message, hint, tmp_path):
    src = tmp_path / "kmod.py"
    src.write_text("import numpy as np\n\ndef kern(out):\n    " + body + "\n")
    ns = {}
    exec(compile(src.read_text(), str(src), "exec"), ns)
    with pytest.raises(jitprofile.UnsupportedError) as e:
        cuda.compile_ptx(ns["kern"], "void(int64[::1])")
    msg = str(e.value)
    assert re.search(r"kmod\.py:4:\d+", msg), msg
    assert message in msg and f"hint: {hint}" in msg


# ---- jit/ names no target -------------------------------------------------------------------

def _strip_c_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def _jit_sources():
    jit = os.path.join(ROOT, "jit")
    return sorted(os.path.join(jit, f) for f in os.listdir(jit) if f.endswith((".c", ".h")))


def test_jit_includes_nothing_from_gpu():
    offenders = []
    for path in _jit_sources():
        with open(path) as f:
            for no, line in enumerate(f, 1):
                if re.match(r'\s*#\s*include\s*[<"]gpu/', line):
                    offenders.append(f"{os.path.basename(path)}:{no}")
    assert offenders == []


def test_jit_code_names_no_target():
    # outside comments (which may give a target as an example), jit/ has no
    # identifier, string or message naming a device target
    offenders = []
    for path in _jit_sources():
        with open(path) as f:
            code = _strip_c_comments(f.read())
        for word in ("cuda", "nvptx", "ptx", "hsa", "amdgpu", "roc_"):
            for m in re.finditer(word, code, flags=re.I):
                offenders.append(f"{os.path.basename(path)}: {code[max(0, m.start() - 30):m.end() + 30]!r}")
    assert offenders == []


def test_gpu_registers_its_targets_and_jit_module_init_is_generic():
    with open(os.path.join(ROOT, "jit", "jit_module.c")) as f:
        text = f.read()
    assert "jp_device_targets_init(m)" in text
    with open(os.path.join(ROOT, "gpu", "targets.c")) as f:
        text = f.read()
    assert "jp_target_register(&jp_target_cuda)" in text


# ---- device runtime: refusals found after lowering name the function (jit/device_runtime.c) ----

@needs_libdevice
def test_allocation_in_a_kernel_names_the_function_that_allocates(tmp_path):
    # before: "allocating arrays or jitclass instances is not supported in
    # CUDA kernels", with no file, line or function
    src = tmp_path / "kalloc.py"
    src.write_text("import numpy as np\nimport jitprofile\n\n\n@jitprofile.njit\ndef dev(x):\n"
                   "    print(x)\n    return x\n\n\ndef kern(out):\n    t = np.zeros(3)\n    out[0] = t[0]\n\n\n"
                   "def kern2(out):\n    out[0] = dev(out[0])\n")
    ns = {}
    exec(compile(src.read_text(), str(src), "exec"), ns)
    with pytest.raises(jitprofile.UnsupportedError) as e:
        cuda.compile_ptx(ns["kern"], "void(float64[::1])")
    msg = str(e.value)
    assert msg.startswith(f"{src}:11:1: in function 'kern': allocating arrays or jitclass instances "
                          "is not supported in CUDA kernels"), msg
    with pytest.raises(jitprofile.UnsupportedError) as e:
        cuda.compile_ptx(ns["kern2"], "void(float64[::1])")
    msg = str(e.value)
    assert msg.startswith(f"{src}:6:1: in function 'dev': print() is not supported in CUDA kernels"), msg


def test_a_cuda_intrinsic_in_a_roc_kernel_is_named_as_written():
    from jitprofile import roc

    def k(a):
        a[cuda.blockIdx.y] = 1  # TAG_ROC_CUDA
    with pytest.raises(jitprofile.TypingError) as e:
        roc.compile_hsaco(k, "void(int64[::1])")
    msg = str(e.value)
    assert re.search(rf"test_target_interface\.py:{line_of(__file__, 'TAG_ROC_CUDA')}:\d+", msg), msg
    assert "cuda.blockIdx.y can only be used in CUDA kernels" in msg and "@cuda.jit" in msg
