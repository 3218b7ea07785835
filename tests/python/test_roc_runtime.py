"""jitprofile.roc's runtime (gpu/hsa/runtime.c, roc/_runtime.py), the shared
kernel-argument packer (gpu/kernargs.c) and gpu frames in the profiler
(device_activity.py).

This machine has libhsa-runtime64-1 but no AMD GPU (no /dev/kfd): hsa_init
fails with 0x1008 and every device call must raise RocSupportError naming
what is missing.  The kernarg layout is checked against what LLVM's AMDGPU
backend itself expects (llc-19 compiles a kernel with the same parameter
types; llvm-readobj-19 prints its .args offsets).  Launches need a GPU and
are skipped without one.
"""
import ctypes
import os
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import jitprofile
from jitprofile import _core, device_activity
from jitprofile.roc import _runtime as roc

HSA_LIB = "libhsa-runtime64.so.1"


def _have_hsa_library():
    try:
        ctypes.CDLL(HSA_LIB)
        return True
    except OSError:
        return False


HAVE_LIB = _have_hsa_library()
HAVE_KFD = os.path.exists("/dev/kfd")
needs_gpu = pytest.mark.skipif(not roc.is_available(),
                               reason=f"needs an AMD GPU: {roc.reason()}")


# ---- no device -------------------------------------------------------------------------

@pytest.mark.skipif(not HAVE_LIB or HAVE_KFD,
                    reason="needs libhsa-runtime64-1 installed and no /dev/kfd (the no-GPU case)")
def test_available_names_dev_kfd():
    ok, why = _core.roc_available()
    assert ok is False
    assert "/dev/kfd" in why
    assert "hsa_init failed with 0x1008" in why
    assert "HSA_STATUS_ERROR_OUT_OF_RESOURCES" in why     # the runtime's own status string
    assert roc.is_available() is False
    assert roc.reason() == why
    assert _core.roc_available() == (ok, why)             # init is tried once, the answer kept


@pytest.mark.skipif(roc.is_available(), reason="an AMD GPU is present")
@pytest.mark.parametrize("call", [
    lambda: roc.device_array(16),
    lambda: roc.device_array_like(np.zeros((2, 3), np.float32)),
    lambda: roc.to_device(np.arange(4.0)),
    lambda: roc.DeviceNDArray((4,), np.float64),
    lambda: roc.agents(),
    lambda: roc.load(b"\x7fELF not a code object"),
    lambda: roc.kernel_info(b"\x7fELF", "k"),
    lambda: roc.launch(b"\x7fELF", "k", 1, 64, (np.zeros(4),)),
    lambda: roc.launch(b"\x7fELF", "k", (2, 2), (8, 8), ("int32",), (1,)),
], ids=["device_array", "device_array_like", "to_device", "DeviceNDArray", "agents", "load",
        "kernel_info", "launch_host_array", "launch_types"])
def test_every_call_raises_roc_support_error(call):
    with pytest.raises(roc.RocSupportError) as e:
        call()
    assert roc.reason() in str(e.value)
    assert str(e.value).startswith("ROC is not available: ")


@pytest.mark.skipif(roc.is_available(), reason="an AMD GPU is present")
def test_core_calls_fail_cleanly_without_device():
    why = roc.reason()
    for fn, args in [(_core.roc_malloc, (64,)), (_core.roc_load, (b"xx",)), (_core.roc_agents, ()),
                     (_core.roc_htod, (0, b"abcd")), (_core.roc_dtoh, (0, bytearray(4))),
                     (_core.roc_kernel, (1, "k")),
                     (_core.roc_launch, ((1, 16, 0, 0), (1, 1, 1), (1, 1, 1), 0, ("int32",), (3,)))]:
        with pytest.raises(RuntimeError) as e:
            fn(*args)
        assert why in str(e.value), fn
    _core.roc_free(0)                   # nothing to free: no error


def _run(code, **env):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_library_hidden_names_the_package():
    r = _run("""
        import numpy as np
        from jitprofile.roc import _runtime as roc
        ok, why = roc.is_available(), roc.reason()
        print(ok); print(why)
        try:
            roc.device_array(8)
        except roc.RocSupportError as e:
            print("raised", e)
        try:
            roc.launch(b"x", "k", 1, 1, (np.ones(2),))
        except roc.RocSupportError as e:
            print("raised", e)
        """, JITPROFILE_HSA_LIBRARY="/nonexistent/libhsa-runtime64.so.1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "False"
    assert "libhsa-runtime64.so.1 not found (apt-get install libhsa-runtime64-1)" in lines[1]
    assert lines[2].startswith("raised ROC is not available: ") and "apt-get install libhsa-runtime64-1" in lines[2]
    assert lines[3].startswith("raised ROC is not available: ")


@pytest.mark.skipif(not HAVE_LIB, reason="libhsa-runtime64-1 is not installed")
def test_failed_init_in_threads_does_not_crash():
    # hsa_init is tried once whatever the number of threads asking first
    r = _run("""
        import threading
        from jitprofile import _core
        out = []
        ts = [threading.Thread(target=lambda: out.append(_core.roc_available())) for _ in range(8)]
        [t.start() for t in ts]; [t.join() for t in ts]
        assert len(set(out)) == 1, out
        print(out[0][0])
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(roc.is_available())


# ---- kernel arguments ------------------------------------------------------------------

class _DevArray:
    """What the packer reads of a device array (roc's and cuda's DeviceNDArray
    both have it): _devptr, shape, strides."""

    def __init__(self, ptr, shape, strides):
        self._devptr, self.shape, self.strides = ptr, shape, strides


# (jit type, value, LLVM IR type of the same parameter)
ARGS = [
    ("int32", -7, "i32"),
    ("array(float32, 1d, C)", _DevArray(0x7F0000001000, (10,), (4,)), "%arr1"),
    ("float64", 2.5, "double"),
    ("UniTuple(int32, 3)", (1, 2, 3), "[3 x i32]"),
    ("int8", -3, "i8"),
    ("array(float64, 2d, A)", _DevArray(0x7F0000002000, (3, 4), (64, 16)), "%arr2"),
    ("complex128", 1.5 - 2j, "{ double, double }"),
    ("bool", True, "i8"),
    ("int64", 1 << 40, "i64"),
]


SIZES = {"int32": (4, 4), "float64": (8, 8), "UniTuple(int32, 3)": (12, 4), "int8": (1, 1),
         "complex128": (16, 8), "bool": (1, 1), "int64": (8, 8),
         "array(float32, 1d, C)": (24 + 16, 8), "array(float64, 2d, A)": (24 + 32, 8)}


def _natural_offsets(types):
    """Offsets by C struct rules from each type's (size, alignment)."""
    off, out = 0, []
    for t in types:
        size, align = SIZES[t]
        off = (off + align - 1) // align * align
        out.append(off)
        off += size
    return out, off


def test_kernargs_natural_alignment_and_values():
    types = tuple(a[0] for a in ARGS)
    seg, offsets = _core.kernargs_pack(types, tuple(a[1] for a in ARGS))
    expected, end = _natural_offsets(types)
    assert list(offsets) == expected
    assert len(seg) == end
    assert struct.unpack_from("<i", seg, offsets[0])[0] == -7
    # the jit array struct: meminfo, parent NULL; data = the device pointer; shape; strides
    assert struct.unpack_from("<QQQqq", seg, offsets[1]) == (0, 0, 0x7F0000001000, 10, 4)
    assert struct.unpack_from("<d", seg, offsets[2])[0] == 2.5
    assert struct.unpack_from("<iii", seg, offsets[3]) == (1, 2, 3)
    assert struct.unpack_from("<b", seg, offsets[4])[0] == -3
    assert struct.unpack_from("<QQQqqqq", seg, offsets[5]) == (0, 0, 0x7F0000002000, 3, 4, 64, 16)
    assert struct.unpack_from("<dd", seg, offsets[6]) == (1.5, -2.0)
    assert seg[offsets[7]] == 1
    assert struct.unpack_from("<q", seg, offsets[8])[0] == 1 << 40


def test_kernargs_errors_are_clean():
    with pytest.raises(TypeError, match="one value per argument type"):
        _core.kernargs_pack(("int32", "int32"), (1,))
    with pytest.raises(TypeError, match="expected a 2d device array"):
        _core.kernargs_pack(("array(float64, 2d, A)",), (_DevArray(1, (3,), (8,)),))
    with pytest.raises(AttributeError):
        _core.kernargs_pack(("array(float64, 1d, C)",), (np.zeros(3),))   # host arrays are the glue's job
    with pytest.raises(ValueError, match="too large"):
        _core.kernargs_pack(("array(float64, 1d, C)",) * 64, (_DevArray(1, (1,), (8,)),) * 64, 9000)


def test_cuda_launch_packs_through_the_same_packer():
    # cuda_launch packs before it needs the driver: a value the packer
    # refuses fails the same way with or without a GPU
    with pytest.raises(TypeError, match="one value per argument type"):
        _core.cuda_launch(0, (1, 1, 1), (1, 1, 1), 0, ("int32", "int32"), (1,))
    with pytest.raises(TypeError, match="expected a 2d device array"):
        _core.cuda_launch(0, (1, 1, 1), (1, 1, 1), 0, ("array(float64, 2d, A)",), (_DevArray(1, (3,), (8,)),))


LLVM_TOOLS = [shutil.which(t) for t in ("llc-19", "ld.lld-19", "llvm-readobj-19")]


def _code_object(tmp_path, params, body="ret void", extra=""):
    """A real AMDGPU code object (COV5, gfx90a) of kernel @k(params)."""
    ll = tmp_path / "k.ll"
    ll.write_text(textwrap.dedent(f"""\
        target triple = "amdgcn-amd-amdhsa"
        %arr1 = type {{ ptr, ptr, ptr, [1 x i64], [1 x i64] }}
        %arr2 = type {{ ptr, ptr, ptr, [2 x i64], [2 x i64] }}
        declare ptr addrspace(4) @llvm.amdgcn.implicitarg.ptr()
        {extra}
        define amdgpu_kernel void @k({params}) {{
        {body}
        }}
        !llvm.module.flags = !{{!0}}
        !0 = !{{i32 1, !"amdhsa_code_object_version", i32 500}}
        """))
    obj, hsaco = tmp_path / "k.o", tmp_path / "k.hsaco"
    subprocess.run([LLVM_TOOLS[0], "-mtriple=amdgcn-amd-amdhsa", "-mcpu=gfx90a", "-filetype=obj",
                    str(ll), "-o", str(obj)], check=True)
    subprocess.run([LLVM_TOOLS[1], "-shared", "--no-undefined", str(obj), "-o", str(hsaco)], check=True)
    return hsaco


def _kernel_metadata(hsaco):
    """(.args as [{offset, size, value_kind}], .kernarg_segment_size) of @k."""
    text = subprocess.run([LLVM_TOOLS[2], "--notes", str(hsaco)], check=True, capture_output=True,
                          text=True).stdout
    args, cur = [], None
    for line in text.splitlines():
        m = re.match(r"^(\s*)(- )?\.(\w+):\s*(.*)$", line)
        if not m:
            continue
        key, val = m.group(3), m.group(4).strip()
        if m.group(2):
            cur = {}
            if key in ("name", "offset", "size", "value_kind", "address_space"):
                args.append(cur)
        if cur is not None and key in ("offset", "size", "value_kind"):
            cur[key] = int(val) if key != "value_kind" else val
    size = int(re.search(r"\.kernarg_segment_size:\s*(\d+)", text).group(1))
    return [a for a in args if "offset" in a], size


BODY_USES_HIDDEN = """
  %ip = call ptr addrspace(4) @llvm.amdgcn.implicitarg.ptr()
  %v = load i32, ptr addrspace(4) %ip
  %p = extractvalue %arr1 %x, 2
  %g = addrspacecast ptr %p to ptr addrspace(1)
  store i32 %v, ptr addrspace(1) %g
  ret void"""


@pytest.mark.skipif(not all(LLVM_TOOLS), reason="needs llc-19, ld.lld-19 and llvm-readobj-19")
def test_kernargs_match_llvm_amdgpu_layout(tmp_path):
    names = ["a", "x", "b", "t", "c", "y", "z", "flag", "n"]
    params = ", ".join(f"{ir} %{n}" for (_t, _v, ir), n in zip(ARGS, names))
    meta, kernarg_size = _kernel_metadata(_code_object(tmp_path, params, BODY_USES_HIDDEN))
    explicit = [a for a in meta if a["value_kind"] == "by_value"]
    hidden = {a["value_kind"]: a["offset"] for a in meta if a["value_kind"].startswith("hidden_")}
    types = tuple(a[0] for a in ARGS)
    groups, items = (4, 3, 1), (64, 2, 1)
    seg, offsets = _core.kernargs_pack(types, tuple(a[1] for a in ARGS), kernarg_size, groups, items, 96)
    # the explicit arguments where LLVM's AMDGPU backend reads them, same sizes
    assert list(offsets) == [a["offset"] for a in explicit]
    _, end = _natural_offsets(types)
    assert [a["size"] for a in explicit] == [SIZES[t][0] for t in types]
    assert len(seg) == kernarg_size
    # the COV5 hidden arguments at LLVM's offsets
    u32 = lambda k: struct.unpack_from("<I", seg, hidden[k])[0]    # noqa: E731
    u16 = lambda k: struct.unpack_from("<H", seg, hidden[k])[0]    # noqa: E731
    assert hidden["hidden_block_count_x"] == (end + 7) // 8 * 8
    assert (u32("hidden_block_count_x"), u32("hidden_block_count_y"), u32("hidden_block_count_z")) == groups
    assert (u16("hidden_group_size_x"), u16("hidden_group_size_y"), u16("hidden_group_size_z")) == items
    assert (u16("hidden_remainder_x"), u16("hidden_remainder_y"), u16("hidden_remainder_z")) == (0, 0, 0)
    assert u16("hidden_grid_dims") == 2
    for k in ("hidden_global_offset_x", "hidden_global_offset_y", "hidden_global_offset_z"):
        assert struct.unpack_from("<Q", seg, hidden[k])[0] == 0
    base = hidden["hidden_block_count_x"]
    assert struct.unpack_from("<I", seg, base + 120)[0] == 96     # hidden_dynamic_lds_size


def test_kernargs_without_hidden_room():
    # a segment with no room for the hidden block: nothing written past the explicit ones
    seg, offsets = _core.kernargs_pack(("int32", "float64"), (5, 1.0), 16, (9, 9, 9), (8, 8, 8))
    assert offsets == (0, 8) and seg == struct.pack("<i4xd", 5, 1.0)


# ---- launches (need a GPU) ---------------------------------------------------------------

@needs_gpu
@pytest.mark.skipif(not all(LLVM_TOOLS), reason="needs llc-19, ld.lld-19 and llvm-readobj-19")
def test_launch_writes_block_count_and_reports_times(tmp_path):
    hsaco = _code_object(tmp_path, "%arr1 %x", BODY_USES_HIDDEN).read_bytes()
    out = roc.device_array(4, np.int32)
    out.copy_to_device(np.zeros(4, np.int32))
    with jitprofile.Profile() as prof:
        start, end = roc.launch(hsaco, "k", 7, 64, ("array(int32, 1d, C)",), (out,))
    assert out.copy_to_host()[0] == 7             # hidden_block_count_x as the kernel read it
    assert 0 < start <= end
    rec = device_activity.records(prof)
    assert [(r.name, r.start_ns, r.end_ns) for r in rec] == [("k", start, end)]
    assert rec[0].device == roc.agents()[0]["name"]


@needs_gpu
def test_device_arrays_round_trip():
    a = np.arange(1000, dtype=np.float64)
    d = roc.to_device(a)
    assert d.shape == (1000,) and d.dtype == np.float64 and d.strides == (8,) and d.size == 1000
    assert np.array_equal(d.copy_to_host(), a)
    like = roc.device_array_like(a)
    like.copy_to_device(a * 2)
    host = np.empty_like(a)
    like.copy_to_host(host)
    assert np.array_equal(host, a * 2)


# ---- gpu frames in the profiler ------------------------------------------------------------

def _launcher(name, start, dur):
    return device_activity.record_kernel(name, start, start + dur, device="gfx90a")


def _host_side(name, start, dur):
    return _launcher(name, start, dur)


def test_gpu_frame_under_the_launching_function():
    with jitprofile.Profile(hz=1000) as prof:
        t = time.monotonic_ns()
        assert _host_side("axpy", t, 5_000_000)
    gpu = [r for r in prof.top(50) if r.category == "gpu"]
    assert [(r.name, r.module, r.self_samples, r.total_samples) for r in gpu] == [("axpy", "gfx90a", 5, 5)]
    assert gpu[0].self_s == pytest.approx(0.005)
    launcher = next(r for r in prof.top(50) if r.name == "_launcher")
    assert launcher.category == "python" and launcher.total_samples >= 5
    stacks = [s for s, _w in prof.stacks() if s[-1] == "axpy"]
    assert stacks and all(s[-3:] == ["_host_side", "_launcher", "axpy"] for s in stacks)
    assert sum(w for s, w in prof.stacks() if s[-1] == "axpy") == 5
    # a device row of its own, named for the device and the launching thread
    rows = [r for r in prof.by_thread() if r["name"].startswith("gfx90a")]
    assert len(rows) == 1 and rows[0]["samples"] == 5 and rows[0]["tid"] < -1
    assert rows[0]["name"] == "gfx90a (launched by MainThread)"
    assert [(r.name, r.end_ns - r.start_ns) for r in device_activity.records(prof)] == [("axpy", 5_000_000)]


def test_gpu_frames_same_functions_as_sampled_ones():
    # the launching frames are the sampler's own functions: one row per function in top()
    def spin():
        s, t0 = 0, time.process_time()
        while time.process_time() - t0 < 0.05:
            s += 1
        return _launcher("k2", time.monotonic_ns(), 3_000_000)

    with jitprofile.Profile(hz=1000) as prof:
        assert spin()
    names = [(r.name, r.file) for r in prof.top(100)]
    assert len(names) == len(set(names))
    spin_row = next(r for r in prof.top(100) if r.name.endswith("spin"))
    assert spin_row.threads == 2 and spin_row.total_samples > 3     # sampled CPU time + the kernel's


def test_short_kernels_carry_their_remainder():
    with jitprofile.Profile(hz=1000) as prof:
        t = time.monotonic_ns()
        for i in range(10):                 # 10 x 0.4 ms = 4 ms on one stack
            _launcher("tiny", t + i * 1_000_000, 400_000)
    tiny = [r for r in prof.top(50) if r.name == "tiny"]
    assert len(tiny) == 1 and tiny[0].self_samples == 4
    assert len(device_activity.records(prof)) == 10


def test_no_profile_no_record():
    assert device_activity.record_kernel("k", 10, 20) is False
    with jitprofile.Profile() as prof:
        assert device_activity.record_kernel("k", 0, 0) is False          # no times from the runtime
        assert device_activity.record_kernel("k", 20, 10) is False        # reversed
    assert device_activity.records(prof) == []


def test_gpu_frames_survive_to_dict():
    with jitprofile.Profile(hz=1000) as prof:
        _launcher("saved", time.monotonic_ns(), 2_000_000)
    back = jitprofile.Profile.from_dict(prof.to_dict())
    assert [(r.name, r.category, r.self_samples) for r in back.top(50) if r.category == "gpu"] == \
        [("saved", "gpu", 2)]


def test_gpu_frames_in_the_zeromq_stream():
    stream = pytest.importorskip("jitprofile.stream")
    pub = stream.Publisher("tcp://127.0.0.1:*", snapshot_ms=100)   # a late subscriber catches up
    sub = stream.Subscriber(pub.endpoint)
    prof = jitprofile.Profile(hz=1000, follow_children=False)
    pub.attach(prof)
    with prof:
        _host_side("streamed", time.monotonic_ns(), 7_000_000)
        pub.push()
        deadline = time.monotonic() + 20
        while not (sub.synced and sub.stats()["total_weight"] >= 7):
            assert time.monotonic() < deadline, sub.stats()
            sub.poll(0.05)
    pub.push()
    pub.close()
    assert sub.wait(20), sub.stats()
    remote = jitprofile.Profile.from_dict(sub.profile())
    gpu = [(r.name, r.module, r.category, r.self_samples) for r in remote.top(100) if r.category == "gpu"]
    assert gpu == [("streamed", "gfx90a", "gpu", 7)]
    assert any(s[-3:] == ["_host_side", "_launcher", "streamed"] for s, _w in remote.stacks())
