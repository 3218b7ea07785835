"""The ROC (AMD GPU) target without a GPU: every kernel of a suite
mirroring tests/python/test_cuda_gpu.py compiles to an amdgcn-amd-amdhsa
code object that ld.lld-19 links with --no-undefined; llvm-readobj's notes
show the kernel metadata (symbol name.kd, kernarg size, LDS size,
wavefront size), llvm-objdump disassembles it for each supported ISA,
math resolves into the ROCm device libraries (ocml); bad ISAs, missing
tools and unsupported code are clean errors.  Tests that launch kernels
need an AMD GPU (roc.is_available()) and are skipped without one.
"""
import math
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import jitprofile
from jitprofile import float32, float64, njit, roc
from jitprofile._core import Type

READOBJ = shutil.which("llvm-readobj-19")
READELF = shutil.which("llvm-readelf-19")
OBJDUMP = shutil.which("llvm-objdump-19")
needs_tools = pytest.mark.skipif(not (READOBJ and READELF and OBJDUMP),
                                 reason="llvm-readobj-19 / llvm-readelf-19 / llvm-objdump-19 not installed")
pytestmark = pytest.mark.skipif(jitprofile._core.roc_lld() is None or jitprofile._core.roc_device_libs() is None,
                                reason="ld.lld-19 or rocm-device-libs not installed (scripts/system_deps.sh)")
needs_gpu = pytest.mark.skipif(not roc.is_available(), reason="roc.is_available() is False: no AMD GPU here")
ISAS = {d["isa"]: d for d in roc.isas()}


# ---- the suite's kernels (test_cuda_gpu.py's, in roc's spelling) ----------------------------

def k_axpy(a, x, y, out):
    i = roc.get_global_id(0)
    if i < out.shape[0]:
        out[i] = a * x[i] + y[i]


def k_ids_1d(out):
    i = roc.get_local_id(0) + roc.get_group_id(0) * roc.get_local_size(0)
    if i < out.shape[0]:
        out[i] = i


def k_grid_2d(out):
    x = roc.get_global_id(0)
    y = roc.get_global_id(1)
    if y < out.shape[0] and x < out.shape[1]:
        out[y, x] = y * 1000 + x


def k_grid_3d(out):
    x = roc.get_global_id(0)
    y = roc.get_global_id(1)
    z = roc.get_global_id(2)
    if z < out.shape[0] and y < out.shape[1] and x < out.shape[2]:
        out[z, y, x] = z * 1000000 + y * 1000 + x


def k_global_size_stride(x, out):
    i = roc.get_global_id(0)
    stride = roc.get_global_size(0)
    while i < x.shape[0]:
        out[i] = x[i] * 2.0 + 1.0
        i += stride


def k_dims(out):
    if roc.get_global_id(0) == 0:
        out[0] = roc.get_local_size(0)
        out[1] = roc.get_local_size(1)
        out[2] = roc.get_num_groups(0)
        out[3] = roc.get_num_groups(1)
        out[4] = roc.get_work_dim()


def k_block_sum(x, out):
    tmp = roc.shared.array(128, float64)
    i = roc.get_global_id(0)
    t = roc.get_local_id(0)
    tmp[t] = x[i] if i < x.shape[0] else 0.0
    roc.barrier(roc.CLK_LOCAL_MEM_FENCE)
    s = 128 // 2
    while s > 0:
        if t < s:
            tmp[t] += tmp[t + s]
        roc.barrier(roc.CLK_LOCAL_MEM_FENCE)
        s //= 2
    if t == 0:
        out[roc.get_group_id(0)] = tmp[0]


def k_transpose(a, out):
    tile = roc.shared.array((16, 17), float32)
    x = roc.get_global_id(0)
    y = roc.get_global_id(1)
    tx = roc.get_local_id(0)
    ty = roc.get_local_id(1)
    if y < a.shape[0] and x < a.shape[1]:
        tile[ty, tx] = a[y, x]
    roc.barrier()
    ox = roc.get_group_id(1) * 16 + tx
    oy = roc.get_group_id(0) * 16 + ty
    if oy < out.shape[0] and ox < out.shape[1]:
        out[oy, ox] = tile[tx, ty]


def k_atomic_int(values, bins, stats):
    i = roc.get_global_id(0)
    if i < values.shape[0]:
        v = values[i]
        roc.atomic.add(bins, v % bins.shape[0], 1)
        roc.atomic.max(stats, 0, v)
        roc.atomic.min(stats, 1, v)
        roc.atomic.sub(stats, 2, 1)


def k_atomic_float(x, acc):
    i = roc.get_global_id(0)
    if i < x.shape[0]:
        roc.atomic.add(acc, 0, x[i])
        roc.atomic.max(acc, 1, x[i])
        roc.atomic.min(acc, 2, x[i])


def k_atomic_2d(out):
    x = roc.get_global_id(0)
    y = roc.get_global_id(1)
    if y < 4 and x < 8:
        roc.atomic.add(out, (y, x % 2), 1)


def k_atomic_cas_exch(flag, winner, last):
    i = roc.get_global_id(0)
    if i < 256:
        if roc.atomic.cas(flag, 0, 0, i + 1) == 0:
            winner[0] = i + 1
        roc.atomic.exch(last, 0, 7)


def k_math64(x, out):
    i = roc.get_global_id(0)
    if i < x.shape[0]:
        v = x[i]
        out[0, i] = math.sin(v)
        out[1, i] = math.cos(v)
        out[2, i] = math.tan(v)
        out[3, i] = math.exp(v)
        out[4, i] = math.log(v)
        out[5, i] = math.log10(v)
        out[6, i] = math.sqrt(v)
        out[7, i] = math.tanh(v)
        out[8, i] = math.atan2(v, 0.5)
        out[9, i] = math.pow(v, 1.7)
        out[10, i] = math.erf(v)
        out[11, i] = math.floor(v * 3.0)
        out[12, i] = math.fabs(v - 1.0)
        out[13, i] = math.hypot(v, 2.0)
        out[14, i] = math.expm1(v)
        out[15, i] = math.log1p(v)


def k_math32(x, out):
    i = roc.get_global_id(0)
    if i < x.shape[0]:
        v = x[i]
        out[0, i] = math.sin(v)
        out[1, i] = math.exp(v)
        out[2, i] = math.sqrt(v)
        out[3, i] = math.log(v)


def k_frexp_modf(x, out):
    i = roc.get_global_id(0)
    if i < x.shape[0]:
        m, e = math.frexp(x[i])
        f, w = math.modf(x[i])
        out[0, i] = m
        out[1, i] = e
        out[2, i] = f
        out[3, i] = w


@roc.jit(device=True)
def d_escape(x, y, iters):
    c = complex(x, y)
    z = 0.0j
    for i in range(iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


@roc.jit(device=True)
def d_clamp(v, lo, hi):
    return min(max(v, lo), hi)


def k_mandel(img, iters):
    x = roc.get_global_id(0)
    y = roc.get_global_id(1)
    if y < img.shape[0] and x < img.shape[1]:
        img[y, x] = d_escape(-2.0 + x * (3.0 / img.shape[1]), -1.0 + y * (2.0 / img.shape[0]), iters)


def k_clamp(x, out):
    i = roc.get_global_id(0)
    if i < x.shape[0]:
        out[i] = d_clamp(x[i], -0.5, 0.5)


def k_fences(out):
    i = roc.get_global_id(0)
    if i < out.shape[0]:
        out[i] = 1
    roc.mem_fence(roc.CLK_GLOBAL_MEM_FENCE)
    roc.wavebarrier()
    roc.barrier()


def k_tuple_complex(p, z, out):
    i = roc.get_global_id(0)
    if i < out.shape[0]:
        out[i] = p[0] * i + p[1] + z.real * z.imag


def k_empty():
    pass


# (kernel, signature, explicit argument sizes in the kernarg segment, LDS bytes)
SUITE = [
    (k_axpy, "void(float64, float64[::1], float64[::1], float64[::1])", [8, 40, 40, 40], 0),
    (k_ids_1d, "void(int64[::1])", [40], 0),
    (k_grid_2d, "void(int64[:, ::1])", [56], 0),
    (k_grid_3d, "void(int64[:, :, ::1])", [72], 0),
    (k_global_size_stride, "void(float64[::1], float64[::1])", [40, 40], 0),
    (k_dims, "void(int64[::1])", [40], 0),
    (k_block_sum, "void(float64[::1], float64[::1])", [40, 40], 128 * 8),
    (k_transpose, "void(float32[:, ::1], float32[:, ::1])", [56, 56], 16 * 17 * 4),
    (k_atomic_int, "void(int64[::1], int64[::1], int64[::1])", [40, 40, 40], 0),
    (k_atomic_float, "void(float64[::1], float64[::1])", [40, 40], 0),
    (k_atomic_2d, "void(int32[:, ::1])", [56], 0),
    (k_atomic_cas_exch, "void(int32[::1], int32[::1], uint32[::1])", [40, 40, 40], 0),
    (k_math64, "void(float64[::1], float64[:, ::1])", [40, 56], 0),
    (k_math32, "void(float32[::1], float32[:, ::1])", [40, 56], 0),
    (k_frexp_modf, "void(float64[::1], float64[:, ::1])", [40, 56], 0),
    (k_mandel, "void(uint8[:, ::1], int64)", [56, 8], 0),
    (k_clamp, "void(float64[::1], float64[::1])", [40, 40], 0),
    (k_fences, "void(int32[::1])", [40], 0),
    (k_tuple_complex, "void(UniTuple(float64, 2), complex128, float64[::1])", [16, 16, 40], 0),
    (k_empty, "void()", [], 0),
]
SUITE_IDS = [k.__name__ for k, *_ in SUITE]
KERNELS = {k.__name__: roc.jit(k) for k, *_ in SUITE}


def _sig_args(sig):
    return jitprofile._sigutils.normalize_signature(sig)[0]


_built = {}


def build(name, isa="gfx90a", tmp=None):
    """(path of the code object, optimised IR) of a suite kernel, compiled once per module."""
    key = (name, isa)
    if key not in _built:
        sig = dict((k.__name__, s) for k, s, *_ in SUITE)[name]
        kern = KERNELS[name]
        code = kern.compile_hsaco(_sig_args(sig), isa)
        ir = kern.inspect_llvm(_sig_args(sig), isa)
        path = os.path.join(_tmpdir(), f"{name}-{isa}.hsaco")
        with open(path, "wb") as f:
            f.write(code)
        _built[key] = (path, ir, code)
    return _built[key]


_tmp = []


def _tmpdir():
    if not _tmp:
        import tempfile
        _tmp.append(tempfile.mkdtemp(prefix="jp-roc-test-"))
    return _tmp[0]


def teardown_module(module):
    for d in _tmp:
        shutil.rmtree(d, ignore_errors=True)


def run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def notes(path):
    text = run(READOBJ, "--notes", path)
    field = lambda f: re.search(rf"\.{f}:\s+(\S+)", text).group(1)
    args = [(int(o), int(s), v) for o, s, v in
            re.findall(r"\.offset:\s+(\d+)\s+\.size:\s+(\d+)\s+\.value_kind:\s+(\w+)", text)]
    return {"name": field("name"), "symbol": field("symbol"), "kernarg": int(field("kernarg_segment_size")),
            "lds": int(field("group_segment_fixed_size")), "wavefront": int(field("wavefront_size")),
            "target": re.search(r"amdhsa.target:\s+(\S+)", text).group(1), "args": args, "text": text}


# ---- every kernel: links, metadata, symbols -----------------------------------------------------

@needs_tools
@pytest.mark.parametrize("func, sig, arg_sizes, lds", SUITE, ids=SUITE_IDS)
def test_suite_kernel_links_with_the_expected_metadata(func, sig, arg_sizes, lds):
    path, ir, code = build(func.__name__)
    assert code[:4] == b"\x7fELF"
    n = notes(path)
    assert n["name"] == func.__name__ and n["symbol"] == func.__name__ + ".kd"
    assert n["target"] == "amdgcn-amd-amdhsa--gfx90a"
    assert n["wavefront"] == 64
    assert n["lds"] == lds
    # explicit arguments only (sizes come from the dispatch packet: no hidden arguments)
    assert [s for _, s, _ in n["args"]] == arg_sizes
    assert all(kind == "by_value" for _, _, kind in n["args"])
    assert n["kernarg"] == (max(o + s for o, s, _ in n["args"]) if n["args"] else 0)
    syms = run(READELF, "--dyn-syms", "-W", path)
    assert re.search(rf"FUNC\s+GLOBAL\s+\w+\s+\d+\s+{func.__name__}$", syms, re.M), syms
    assert re.search(rf"OBJECT\s+GLOBAL\s+\w+\s+\d+\s+{func.__name__}\.kd$", syms, re.M), syms
    assert not re.search(r"\bUND[ \t]+\S", syms), syms     # --no-undefined: nothing left to resolve
    header = run(READELF, "-h", path)
    assert "AMDGPU - HSA" in header or "AMDGPU_HSA" in header
    assert re.search(r"ABI Version:\s+3", header)       # code object v5


@needs_tools
@pytest.mark.parametrize("isa", sorted(ISAS))
def test_each_isa_compiles_links_and_disassembles(isa):
    want_wave = ISAS[isa]["wavefront"]
    for name in ("k_axpy", "k_block_sum", "k_math64", "k_atomic_float"):
        path, _, _ = build(name, isa)
        n = notes(path)
        assert n["target"] == f"amdgcn-amd-amdhsa--{isa}"
        assert n["wavefront"] == want_wave
        asm = run(OBJDUMP, "-d", f"--mcpu={isa}", path)
        assert f"<{name}>:" in asm and "s_endpgm" in asm
        if name == "k_block_sum":
            assert "s_barrier" in asm and re.search(r"\bds_(write|store)", asm), asm


@needs_tools
def test_wavefront_sizes_and_elf_flags_of_the_three_main_isas():
    flags = {"gfx90a": 0x53F, "gfx942": 0x54C, "gfx1100": 0x41}
    for isa, wave in (("gfx90a", 64), ("gfx942", 64), ("gfx1100", 32)):
        path, _, _ = build("k_axpy", isa)
        assert notes(path)["wavefront"] == wave
        header = run(READELF, "-h", path)
        assert int(re.search(r"Flags:\s+0x([0-9a-fA-F]+)", header).group(1), 16) == flags[isa], header


def test_isa_table():
    for isa in ("gfx90a", "gfx942", "gfx1100"):
        assert isa in ISAS
    assert ISAS["gfx90a"]["runtime_loadable"] and ISAS["gfx90a"]["wavefront"] == 64
    assert not ISAS["gfx942"]["runtime_loadable"] and not ISAS["gfx1100"]["runtime_loadable"]
    assert ISAS["gfx1100"]["wavefront"] == 32


# ---- math through ocml ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["k_math64", "k_math32", "k_frexp_modf"])
@pytest.mark.parametrize("isa", ["gfx90a", "gfx1100"])
def test_math_resolves_into_ocml(name, isa):
    _, ir, _ = build(name, isa)
    # the AMDGPU backend cannot select llvm.sin/cos/pow/exp/log.f64: none may be left
    for intrinsic in ("llvm.sin.", "llvm.cos.", "llvm.tan.", "llvm.pow.", "llvm.exp.f64", "llvm.log.f64",
                      "llvm.log10.", "llvm.exp2.f64", "llvm.log2.f64"):
        assert intrinsic not in ir, intrinsic
    undefined = [line for line in ir.splitlines()
                 if line.startswith("declare") and not re.search(r"@llvm\.", line)]
    assert undefined == []
    # ocml's out-parameters are private (addrspace 5): never passed a flat pointer
    assert not re.search(r"@__ocml_\w+\([^)]*\bptr %", ir)


def test_math_kernel_links_the_device_libraries():
    # the code object of the math kernel is far bigger than axpy's: ocml's code is in it
    assert len(build("k_math64")[2]) > 2 * len(build("k_axpy")[2])


# ---- intrinsics and kernels ---------------------------------------------------------------------

def test_ids_come_from_amdgcn_registers_and_the_dispatch_packet():
    ir = build("k_dims")[1] + build("k_grid_3d")[1]
    assert "llvm.amdgcn.workgroup.id.z" in ir and "llvm.amdgcn.workitem.id.z" in ir
    assert "llvm.amdgcn.dispatch.ptr" in ir
    assert "llvm.amdgcn.implicitarg.ptr" not in ir


def test_barrier_has_workgroup_fences_and_atomics_are_agent_scoped():
    ir = build("k_block_sum")[1]
    assert 'fence syncscope("workgroup") release' in ir and 'fence syncscope("workgroup") acquire' in ir
    assert "llvm.amdgcn.s.barrier" in ir
    assert re.search(r"@roc\.shared\S* = internal (unnamed_addr )?addrspace\(3\) global \[128 x double\]", ir), ir
    ir = build("k_atomic_int")[1]
    assert re.search(r'atomicrmw add ptr .* syncscope\("agent"\)', ir)
    ir = build("k_atomic_float")[1]
    assert re.search(r'atomicrmw fadd ptr .* syncscope\("agent"\)', ir)


def test_private_memory_is_address_space_5():
    ir = build("k_frexp_modf")[1]
    assert not re.search(r"= alloca [^,]+(, align \d+)?$", ir, re.M)     # no flat allocas left


def test_device_function_gets_a_c_abi_symbol():
    def scale(x, k):
        return x * k + 1.0
    code = roc.compile_hsaco(scale, "float64(float64, float64)", isa="gfx90a")
    path = os.path.join(_tmpdir(), "scale.hsaco")
    with open(path, "wb") as f:
        f.write(code)
    if READELF:
        syms = run(READELF, "--dyn-syms", "-W", path)
        assert re.search(r"FUNC\s+GLOBAL\s+\w+\s+\d+\s+scale$", syms, re.M), syms
        assert ".kd" not in syms


def test_compile_hsaco_takes_a_kernel_object_or_a_function():
    a = roc.compile_hsaco(KERNELS["k_axpy"], SUITE[0][1])
    b = roc.compile_hsaco(k_axpy, SUITE[0][1])
    assert a[:4] == b[:4] == b"\x7fELF" and len(a) == len(b)


def test_vectorize_roc_compiles_a_code_object():
    @jitprofile.vectorize(["float64(float64, float64)"], target="roc")
    def hyp(x, y):
        return math.sqrt(x * x + y * y)
    code = hyp.compile_hsaco(isa="gfx1100")
    assert code[:4] == b"\x7fELF"
    if not roc.is_available():
        with pytest.raises(RuntimeError, match="ROC"):
            hyp(np.ones(3), np.ones(3))


# ---- errors -------------------------------------------------------------------------------------

def _python(code, **env):
    """Run code as a script file (jit reads the source) in a fresh process."""
    import tempfile
    e = dict(os.environ)
    e.update(env)
    with tempfile.NamedTemporaryFile("w", suffix=".py", dir=_tmpdir(), delete=False) as f:
        f.write(code)
    return subprocess.run([sys.executable, f.name], capture_output=True, text=True, timeout=120, env=e)


def test_bad_isa_is_a_value_error_and_the_process_survives():
    r = _python(
        "from jitprofile import roc\n"
        "def k(a):\n    a[0] = 1.0\n"
        "for isa in ('gfx9999', 'gfx9-generic', 'sm_90', '', 'GFX90A'):\n"
        "    try:\n        roc.compile_hsaco(k, 'void(float64[::1])', isa=isa)\n"
        "    except ValueError as e:\n        assert 'gfx90a' in str(e), e\n"
        "    else:\n        raise SystemExit('no error for ' + isa)\n"
        "print('survived')\n")
    assert r.returncode == 0 and "survived" in r.stdout, r.stderr


def test_missing_lld_is_a_clear_error():
    r = _python(
        "from jitprofile import roc\n"
        "def k(a):\n    a[0] = 1.0\n"
        "try:\n    roc.compile_hsaco(k, 'void(float64[::1])')\n"
        "except RuntimeError as e:\n    print('ERR', e)\n",
        JP_ROC_LLD="/nonexistent/ld.lld-19")
    assert r.returncode == 0 and "ERR" in r.stdout and "lld-19" in r.stdout, r.stdout + r.stderr


def test_missing_device_libs_is_a_clear_error(tmp_path):
    r = _python(
        "import math\nfrom jitprofile import roc\n"
        "def k(a):\n    a[0] = math.sin(a[1])\n"
        "try:\n    roc.compile_hsaco(k, 'void(float64[::1])')\n"
        "except RuntimeError as e:\n    print('ERR', e)\n",
        JP_ROC_DEVICE_LIBS=str(tmp_path))
    assert r.returncode == 0 and "ERR" in r.stdout and "rocm-device-libs" in r.stdout, r.stdout + r.stderr


def test_a_device_function_the_libraries_lack_is_named(tmp_path):
    # device libs whose ocml.bc defines nothing: __ocml_sin_f64 stays undefined
    libs = jitprofile._core.roc_device_libs()
    for name in os.listdir(libs):
        os.symlink(os.path.join(libs, name), tmp_path / name)
    os.unlink(tmp_path / "ocml.bc")
    shutil.copy(os.path.join(libs, "oclc_daz_opt_off.bc"), tmp_path / "ocml.bc")
    r = _python(
        "import math\nfrom jitprofile import roc\nfrom jitprofile.errors import UnsupportedError\n"
        "def k(a):\n    a[0] = math.sin(a[1])\n"
        "try:\n    roc.compile_hsaco(k, 'void(float64[::1])')\n"
        "except UnsupportedError as e:\n    print('ERR', e)\n",
        JP_ROC_DEVICE_LIBS=str(tmp_path))
    assert r.returncode == 0 and "__ocml_sin_f64" in r.stdout, r.stdout + r.stderr


def test_roc_intrinsics_in_njit_code_are_a_typing_error():
    @njit
    def f(x):
        return roc.get_global_id(0) + x
    with pytest.raises(jitprofile.errors.TypingError, match=r"roc\.get_global_id can only be used in ROC kernels") as e:
        f(1)
    assert "test_roc_codeobj.py:" in str(e.value) and "@roc.jit" in str(e.value)


def test_roc_intrinsic_called_from_python_is_an_error():
    with pytest.raises(RuntimeError, match="@roc.jit"):
        roc.get_global_id(0)


def test_kernel_returning_a_value_is_a_typing_error():
    def k(a):
        return a[0]
    with pytest.raises(TypeError, match="void return type"):
        roc.jit("float64(float64[::1])")(k)
    with pytest.raises(jitprofile.errors.TypingError, match="cannot return a value"):
        roc.compile_hsaco(k, "void(float64[::1])")


def test_dimension_must_be_a_constant_0_1_or_2():
    def k(a, d):
        a[0] = roc.get_global_id(d)
    with pytest.raises(jitprofile.errors.TypingError, match="constant dimension 0, 1 or 2"):
        roc.compile_hsaco(k, "void(int64[::1], int64)")


def test_cuda_intrinsics_in_a_roc_kernel_are_a_clear_error():
    from jitprofile import cuda

    def k(a):
        a[cuda.threadIdx.x] = 1.0
    with pytest.raises((jitprofile.errors.UnsupportedError, jitprofile.errors.TypingError), match="cuda"):
        roc.compile_hsaco(k, "void(float64[::1])")


def test_unsupported_device_code_is_named():
    def k(a):
        a[0] = (complex(a[1], 1.0) / complex(a[2], 1.0)).real
    with pytest.raises(jitprofile.errors.UnsupportedError, match="complex division is not supported in ROC kernels"):
        roc.compile_hsaco(k, "void(float64[::1])")


@pytest.mark.skipif(roc.is_available(), reason="checks the error without a GPU")
def test_launch_without_a_gpu_is_a_clear_error():
    with pytest.raises(RuntimeError, match="ROC"):
        KERNELS["k_axpy"][4, 64](2.0, np.ones(256), np.ones(256), np.zeros(256))
    with pytest.raises(TypeError, match=r"\[groups, items\]"):
        KERNELS["k_axpy"](2.0, np.ones(256), np.ones(256), np.zeros(256))


def test_package_imports_without_the_runtime():
    r = _python("import sys, jitprofile.roc as r\n"
                "print('jitprofile.roc._runtime' in sys.modules)")
    assert r.returncode == 0 and r.stdout.strip() == "False", r.stderr


# ---- on an AMD GPU -----------------------------------------------------------------------------

@needs_gpu
def test_axpy_on_gpu():
    n = 10_007
    x, y = np.random.default_rng(1).random(n), np.random.default_rng(2).random(n)
    out = np.zeros(n)
    KERNELS["k_axpy"][(n + 255) // 256, 256](2.5, x, y, out)
    np.testing.assert_allclose(out, 2.5 * x + y, rtol=1e-15)


@needs_gpu
def test_block_sum_and_atomics_on_gpu():
    x = np.random.default_rng(3).random(128 * 8)
    out = np.zeros(8)
    KERNELS["k_block_sum"][8, 128](x, out)
    np.testing.assert_allclose(out, x.reshape(8, 128).sum(axis=1), rtol=1e-12)
    values = np.arange(1000, dtype=np.int64)
    bins, stats = np.zeros(10, np.int64), np.array([-1, 10 ** 9, 0], np.int64)
    KERNELS["k_atomic_int"][4, 256](values, bins, stats)
    np.testing.assert_array_equal(bins, np.bincount(values % 10, minlength=10))
    assert list(stats) == [999, 0, -1000]


@needs_gpu
def test_math_on_gpu_matches_numpy():
    x = np.linspace(0.1, 3.0, 1000)
    out = np.zeros((16, 1000))
    KERNELS["k_math64"][4, 256](x, out)
    np.testing.assert_allclose(out[0], np.sin(x), rtol=1e-14)
    np.testing.assert_allclose(out[9], x ** 1.7, rtol=1e-14)
    np.testing.assert_allclose(out[8], np.arctan2(x, 0.5), rtol=1e-14)


TABLE = np.array([1.5, 2.5, 3.5, 4.5])


def test_global_constant_array_is_in_constant_memory():
    def k(out):
        i = roc.get_global_id(0)
        if i < out.shape[0]:
            out[i] = TABLE[i % 4] * 2.0
    kern = roc.jit(k)
    argtypes = _sig_args("void(float64[::1])")
    assert kern.compile_hsaco(argtypes)[:4] == b"\x7fELF"
    ir = kern.inspect_llvm(argtypes)
    assert re.search(r"^@\S+ = internal unnamed_addr addrspace\(4\) constant \[32 x i8\]", ir, re.M), ir


@needs_tools
def test_atomics_on_a_shared_array_are_lds_atomics():
    def k(out):
        hist = roc.shared.array(16, jitprofile.int32)
        t = roc.get_local_id(0)
        if t < 16:
            hist[t] = 0
        roc.barrier()
        roc.atomic.add(hist, t % 16, 1)
        roc.barrier()
        if t < 16:
            roc.atomic.add(out, t, hist[t])
    code = roc.compile_hsaco(k, "void(int32[::1])")
    path = os.path.join(_tmpdir(), "lds_atomic.hsaco")
    with open(path, "wb") as f:
        f.write(code)
    asm = run(OBJDUMP, "-d", path)
    assert "ds_add_u32" in asm, asm
    assert notes(path)["lds"] == 64


# ---- array data in global memory (addrspace 1): global_*, not flat_* ----------------------------

def _memory_ops(name, isa):
    asm = run(OBJDUMP, "-d", f"--mcpu={isa}", build(name, isa)[0])
    return re.findall(r"^\s+((?:flat|global|ds|buffer|scratch)_\w+)", asm, re.M), asm


@needs_tools
@pytest.mark.parametrize("isa", ["gfx90a", "gfx1100"])
@pytest.mark.parametrize("name, uses_lds", [("k_axpy", False), ("k_transpose", True), ("k_block_sum", True),
                                            ("k_atomic_int", False), ("k_mandel", False)])
def test_array_accesses_are_global_memory_instructions(name, uses_lds, isa):
    ops, asm = _memory_ops(name, isa)
    assert [o for o in ops if o.startswith("flat_")] == [], asm
    assert any(o.startswith("global_store") or o.startswith("global_atomic") for o in ops), asm
    if name != "k_mandel":      # mandel only stores
        assert any(o.startswith("global_load") for o in ops), asm
    # shared arrays stay in LDS
    assert any(o.startswith("ds_") for o in ops) == uses_lds, asm


def test_kernel_takes_array_data_as_global_pointers():
    ir = build("k_axpy")[1]
    sig = re.search(r"^define amdgpu_kernel void @k_axpy\((.*)\)", ir, re.M).group(1)
    assert sig.count("ptr addrspace(1)") == 3, sig           # x, y, out; the scalar stays a double
    assert re.search(r"load double, ptr addrspace\(1\)", ir) and re.search(r"store double \S+, ptr addrspace\(1\)", ir)


# ---- roc.local.array: a per-work-item array in private memory (addrspace 5) ----------------------

def k_local_window(x, out, n):
    i = roc.get_global_id(0)
    acc = roc.local.array(64, float64)
    for j in range(n):
        acc[j % 64] = x[(i + j) % x.shape[0]]
    s = 0.0
    for j in range(n):
        s += acc[(j * 7) % 64]
    if i < out.shape[0]:
        out[i] = s


K_LOCAL_SIG = "void(float64[::1], float64[::1], int64)"


def _local_window_ref(x, n, m):
    out = np.zeros(m)
    for i in range(m):
        acc = np.zeros(64)
        for j in range(n):
            acc[j % 64] = x[(i + j) % x.shape[0]]
        out[i] = sum(acc[(j * 7) % 64] for j in range(n))
    return out


@needs_tools
@pytest.mark.parametrize("isa", ["gfx90a", "gfx1100"])
def test_local_array_is_private_memory(isa):
    kern = roc.jit(k_local_window)
    code = kern.compile_hsaco(_sig_args(K_LOCAL_SIG), isa)
    ir = kern.inspect_llvm(_sig_args(K_LOCAL_SIG), isa)
    assert re.search(r"= alloca \[64 x double\], align \d+, addrspace\(5\)", ir), ir
    path = os.path.join(_tmpdir(), f"local-{isa}.hsaco")
    with open(path, "wb") as f:
        f.write(code)
    text = run(READOBJ, "--notes", path)
    assert int(re.search(r"\.private_segment_fixed_size:\s+(\d+)", text).group(1)) >= 64 * 8, text
    assert notes(path)["lds"] == 0
    asm = run(OBJDUMP, "-d", f"--mcpu={isa}", path)
    ops = re.findall(r"^\s+((?:flat|global|ds|buffer|scratch)_\w+)", asm, re.M)
    # scratch: buffer_* with the private segment on gfx9, scratch_* on gfx11; never flat or LDS
    assert any(o.startswith(("buffer_store", "scratch_store")) for o in ops), asm
    assert not [o for o in ops if o.startswith(("flat_", "ds_"))], asm


def test_local_array_shapes_and_keywords():
    def k(out):
        i = roc.get_global_id(0)
        a = roc.local.array(shape=(4, 3), dtype=jitprofile.int32)
        for r in range(4):
            for c in range(3):
                a[r, c] = r * 10 + c + i
        if i < out.shape[0]:
            out[i] = a[i % 4, i % 3] + a.shape[0] * 100 + a.shape[1] * 1000
    assert roc.compile_hsaco(k, "void(int32[::1])")[:4] == b"\x7fELF"


def k_local_dynamic_shape(out, n):
    a = roc.local.array(n, float64)
    out[0] = a[0]


def k_local_no_dtype(out, n):
    a = roc.local.array(4)
    out[0] = a[0]


def k_local_negative(out, n):
    a = roc.local.array((2, -1), float64)
    out[0] = a[0, 0]


@pytest.mark.parametrize("func, message", [
    (k_local_dynamic_shape, "the shape of roc.local.array must be a constant int or tuple of ints"),
    (k_local_no_dtype, r"roc\.local\.array\(shape, dtype\)"),
    (k_local_negative, "the shape of roc.local.array must be a constant"),
])
def test_local_array_bad_shape_is_a_typing_error(func, message):
    with pytest.raises(jitprofile.TypingError, match=message) as e:
        roc.compile_hsaco(func, "void(float64[::1], int64)")
    assert "test_roc_codeobj.py:" in str(e.value)      # file:line:col


def test_refused_containers_point_at_roc_local_array():
    def k(out):
        out[0] = len([1, 2])
    with pytest.raises(jitprofile.errors.UnsupportedError) as e:
        roc.compile_hsaco(k, "void(int64[::1])")
    assert "not supported in ROC kernels" in str(e.value) and "roc.local.array" in str(e.value), str(e.value)


@needs_gpu
def test_local_array_on_gpu():
    x = np.random.default_rng(4).random(300)
    out = np.zeros(256)
    roc.jit(k_local_window)[2, 128](x, out, 100)
    np.testing.assert_allclose(out, _local_window_ref(x, 100, 256), rtol=1e-12)


# ---- dynamic shared memory: roc.shared.array(0, dtype), sized at launch ------------------------

def k_dynamic_shared(x, out):
    dyn = roc.shared.array(0, float32)
    more = roc.shared.array(0, float32)     # the same memory, as CUDA's extern __shared__
    stat = roc.shared.array(16, float64)
    t = roc.get_local_id(0)
    i = roc.get_global_id(0)
    stat[t % 16] = 1.0
    if t < dyn.shape[0] and i < x.shape[0]:
        dyn[t] = x[i]
    roc.barrier()
    if i < out.shape[0]:
        out[i] = more[(t + 1) % dyn.shape[0]] + stat[0] * 0.0


K_DYN_SIG = "void(float32[::1], float32[::1])"


@needs_tools
def test_dynamic_shared_array_is_sized_by_the_launch():
    kern = roc.jit(k_dynamic_shared)
    code = kern.compile_hsaco(_sig_args(K_DYN_SIG))
    ir = kern.inspect_llvm(_sig_args(K_DYN_SIG))
    # one zero-sized external LDS array, which LLVM places after the static LDS
    assert len(re.findall(r"^@roc\.dynamic_shared\S* = external .*addrspace\(3\) global \[0 x i8\]", ir, re.M)) == 1
    path = os.path.join(_tmpdir(), "dynamic_shared.hsaco")
    with open(path, "wb") as f:
        f.write(code)         # linked with --no-undefined: nothing left to resolve
    n = notes(path)
    assert n["lds"] == 16 * 8           # only the static array is fixed
    meta = re.findall(r"\.offset:\s+(\d+)\s+\.size:\s+(\d+)\s+\.value_kind:\s+(\w+)", n["text"])
    offset = {kind: int(o) for o, _, kind in meta}
    assert offset["hidden_dynamic_lds_size"] == 80 + 120     # after the two 40-byte array structs
    # what the launch writes there: the packer puts the size where LLVM reads it
    seg, _ = jitprofile._core.kernargs_pack(("array(float32, 1d, C)",) * 2, (_DevArray(0x1000, (64,), (4,)),) * 2,
                                            n["kernarg"], (2, 1, 1), (64, 1, 1), 256)
    assert int.from_bytes(seg[offset["hidden_dynamic_lds_size"]:][:4], "little") == 256
    asm = run(OBJDUMP, "-d", "--mcpu=gfx90a", path)
    assert "ds_write_b32" in asm and "ds_read_b32" in asm, asm


class _DevArray:
    def __init__(self, ptr, shape, strides):
        self._devptr, self.shape, self.strides = ptr, shape, strides


def test_launch_config_takes_the_dynamic_shared_size():
    kern = roc.jit(k_dynamic_shared)
    launch = kern[2, 64, 0, 256]
    assert (launch.groups, launch.items, launch.dynamic_lds) == ((2, 1, 1), (64, 1, 1), 256)
    assert kern[2, 64].dynamic_lds == 0 and kern[2, 64, None].dynamic_lds == 0
    with pytest.raises(ValueError, match="number of bytes"):
        kern[2, 64, 0, -1]
    with pytest.raises(TypeError, match="kernel\\[groups, items_per_group"):
        kern[1, 2, 3, 4, 5]


@needs_gpu
def test_dynamic_shared_array_on_gpu():
    x = np.arange(128, dtype=np.float32)
    out = np.zeros(128, np.float32)
    roc.jit(k_dynamic_shared)[2, 64, 0, 64 * 4](x, out)
    np.testing.assert_array_equal(out, x.reshape(2, 64)[:, (np.arange(64) + 1) % 64].reshape(-1))
