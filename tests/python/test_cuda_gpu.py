"""The CUDA suite on a GPU, against NumPy's results: kernels and device
functions, grid helpers, shared and local arrays, syncthreads, atomics,
libdevice math, device arrays and transfers, vectorize(target='cuda').

Without a GPU (cuda.is_available() False) every test that launches a kernel
is skipped with the reason; what runs here is the check that each kernel of
the suite compiles to PTX that ptxas accepts for sm_75 and sm_90 (the H200
the GPU run is prepared for), so the GPU run meets no compile error.
tests/gpu/run_on_device.sh runs this file unchanged on a GPU machine.

NOTHING in this file has run on a GPU yet (see docs/cuda.md).
"""
import math
import shutil
import subprocess
import warnings

import numpy as np
import pytest

import jitprofile
from jitprofile import cuda, float32, float64, int32, int64, uint32

_ok, _why = jitprofile._core.cuda_available()
needs_gpu = pytest.mark.skipif(not _ok, reason=f"cuda.is_available() is False: {_why}")
needs_libdevice = pytest.mark.skipif(jitprofile._core.cuda_libdevice() is None,
                                     reason="CUDA libdevice not installed")
PTXAS = shutil.which("ptxas")
rng = np.random.default_rng(17)


# ---- the suite's kernels ---------------------------------------------------------------------

def k_axpy(a, x, y, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = a * x[i] + y[i]


def k_ids_1d(out):
    # threadIdx/blockIdx/blockDim spelled out, as cuda.grid(1) computes it
    i = cuda.threadIdx.x + cuda.blockIdx.x * cuda.blockDim.x
    if i < out.shape[0]:
        out[i] = i


def k_grid_2d(out):
    x, y = cuda.grid(2)
    if y < out.shape[0] and x < out.shape[1]:
        out[y, x] = y * 1000 + x


def k_grid_3d(out):
    x, y, z = cuda.grid(3)
    if z < out.shape[0] and y < out.shape[1] and x < out.shape[2]:
        out[z, y, x] = z * 1000000 + y * 1000 + x


def k_gridsize_stride(x, out):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < x.shape[0]:
        out[i] = x[i] * 2.0 + 1.0
        i += stride


def k_dims(out):
    # one thread writes the launch geometry
    if cuda.grid(1) == 0:
        out[0] = cuda.blockDim.x
        out[1] = cuda.blockDim.y
        out[2] = cuda.gridDim.x
        out[3] = cuda.gridDim.y
        out[4] = cuda.warpsize


def k_block_sum(x, out):
    tmp = cuda.shared.array(128, float64)
    i = cuda.grid(1)
    t = cuda.threadIdx.x
    tmp[t] = x[i] if i < x.shape[0] else 0.0
    cuda.syncthreads()
    s = 128 // 2
    while s > 0:
        if t < s:
            tmp[t] += tmp[t + s]
        cuda.syncthreads()
        s //= 2
    if t == 0:
        out[cuda.blockIdx.x] = tmp[0]


def k_transpose(a, out):
    tile = cuda.shared.array((16, 17), float32)
    x, y = cuda.grid(2)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    if y < a.shape[0] and x < a.shape[1]:
        tile[ty, tx] = a[y, x]
    cuda.syncthreads()
    ox = cuda.blockIdx.y * 16 + tx
    oy = cuda.blockIdx.x * 16 + ty
    if oy < out.shape[0] and ox < out.shape[1]:
        out[oy, ox] = tile[tx, ty]


def k_local(x, out):
    i = cuda.grid(1)
    buf = cuda.local.array(4, float32)
    if i < out.shape[0]:
        for k in range(4):
            buf[k] = x[i] * (k + 1)
        out[i] = buf[0] + buf[1] + buf[2] + buf[3]


def k_atomic_int(values, bins, stats):
    i = cuda.grid(1)
    if i < values.shape[0]:
        v = values[i]
        cuda.atomic.add(bins, v % bins.shape[0], 1)
        cuda.atomic.max(stats, 0, v)
        cuda.atomic.min(stats, 1, v)
        cuda.atomic.sub(stats, 2, 1)


def k_atomic_float(x, acc):
    i = cuda.grid(1)
    if i < x.shape[0]:
        cuda.atomic.add(acc, 0, x[i])
        cuda.atomic.max(acc, 1, x[i])
        cuda.atomic.min(acc, 2, x[i])


def k_atomic_2d(out):
    x, y = cuda.grid(2)
    if y < 4 and x < 8:
        cuda.atomic.add(out, (y, x % 2), 1)


def k_atomic_cas_exch(flag, winner, last):
    i = cuda.grid(1)
    if i < 256:
        if cuda.atomic.cas(flag, 0, 0, i + 1) == 0:
            winner[0] = i + 1
        cuda.atomic.exch(last, 0, 7)


def k_math64(x, out):
    i = cuda.grid(1)
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
    i = cuda.grid(1)
    if i < x.shape[0]:
        v = x[i]
        out[0, i] = math.sin(v)
        out[1, i] = math.exp(v)
        out[2, i] = math.sqrt(v)
        out[3, i] = math.log(v)


@cuda.jit(device=True)
def d_escape(x, y, iters):
    c = complex(x, y)
    z = 0.0j
    for i in range(iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


@cuda.jit(device=True)
def d_clamp(v, lo, hi):
    return min(max(v, lo), hi)


def k_mandel(img, iters):
    x, y = cuda.grid(2)
    if y < img.shape[0] and x < img.shape[1]:
        img[y, x] = d_escape(-2.0 + x * (3.0 / img.shape[1]), -1.0 + y * (2.0 / img.shape[0]), iters)


def k_clamp(x, out):
    i = cuda.grid(1)
    if i < x.shape[0]:
        out[i] = d_clamp(x[i], -0.5, 0.5)


def k_fences(out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = 1
    cuda.threadfence()
    cuda.syncwarp()
    cuda.syncthreads()


def k_empty():
    pass


SUITE = [
    (k_axpy, "void(float64, float64[::1], float64[::1], float64[::1])"),
    (k_ids_1d, "void(int64[::1])"),
    (k_grid_2d, "void(int64[:, ::1])"),
    (k_grid_3d, "void(int64[:, :, ::1])"),
    (k_gridsize_stride, "void(float64[::1], float64[::1])"),
    (k_dims, "void(int64[::1])"),
    (k_block_sum, "void(float64[::1], float64[::1])"),
    (k_transpose, "void(float32[:, ::1], float32[:, ::1])"),
    (k_local, "void(float32[::1], float32[::1])"),
    (k_atomic_int, "void(int64[::1], int64[::1], int64[::1])"),
    (k_atomic_float, "void(float64[::1], float64[::1])"),
    (k_atomic_2d, "void(int32[:, ::1])"),
    (k_atomic_cas_exch, "void(int32[::1], int32[::1], uint32[::1])"),
    (k_math64, "void(float64[::1], float64[:, ::1])"),
    (k_math32, "void(float32[::1], float32[:, ::1])"),
    (k_mandel, "void(uint8[:, ::1], int64)"),
    (k_clamp, "void(float64[::1], float64[::1])"),
    (k_fences, "void(int32[::1])"),
    (k_empty, "void()"),
]
SUITE_IDS = [k.__name__ for k, _ in SUITE]


# ---- what runs here: the suite compiles --------------------------------------------------------

@needs_libdevice
@pytest.mark.parametrize("arch", ["sm_75", "sm_90"])
@pytest.mark.parametrize("func, sig", SUITE, ids=SUITE_IDS)
def test_suite_kernel_compiles_and_assembles(func, sig, arch, tmp_path):
    ptx, restype = cuda.compile_ptx(func, sig, cc=(int(arch[3]), int(arch[4])))
    assert restype == jitprofile.none and f".visible .entry {func.__name__}(" in ptx
    if PTXAS is None:
        pytest.skip("ptxas (CUDA toolkit) not installed")
    (tmp_path / "k.ptx").write_text(ptx)
    r = subprocess.run([PTXAS, f"-arch={arch}", str(tmp_path / "k.ptx"), "-o", str(tmp_path / "k.cubin")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


# ---- on a GPU ----------------------------------------------------------------------------------

def launch(func, blocks, threads, *args):
    cuda.jit(func)[blocks, threads](*args)
    cuda.synchronize()


@needs_gpu
def test_device_and_compute_capability_are_reported():
    name, cc = jitprofile._core.cuda_device()
    assert name and cc >= 75
    assert cuda.detect() is True


@needs_gpu
def test_axpy():
    n = 100_003
    x, y = rng.random(n), rng.random(n)
    out = cuda.device_array(n)
    launch(k_axpy, (n + 255) // 256, 256, 2.5, cuda.to_device(x), cuda.to_device(y), out)
    np.testing.assert_allclose(out.copy_to_host(), 2.5 * x + y, rtol=1e-15)


@needs_gpu
def test_thread_ids_and_grid_helpers():
    out = cuda.device_array(1000, np.int64)
    launch(k_ids_1d, 8, 128, out)
    np.testing.assert_array_equal(out.copy_to_host(), np.arange(1000))

    out2 = cuda.device_array((37, 70), np.int64)
    launch(k_grid_2d, (5, 3), (16, 16), out2)
    yy, xx = np.mgrid[0:37, 0:70]
    np.testing.assert_array_equal(out2.copy_to_host(), yy * 1000 + xx)

    out3 = cuda.device_array((5, 9, 17), np.int64)
    launch(k_grid_3d, (3, 3, 2), (8, 4, 4), out3)
    zz, yy, xx = np.mgrid[0:5, 0:9, 0:17]
    np.testing.assert_array_equal(out3.copy_to_host(), zz * 1000000 + yy * 1000 + xx)


@needs_gpu
def test_gridsize_stride_loop_covers_more_elements_than_threads():
    x = rng.random(50_000)
    out = cuda.device_array_like(x)
    launch(k_gridsize_stride, 4, 64, cuda.to_device(x), out)
    np.testing.assert_allclose(out.copy_to_host(), x * 2.0 + 1.0, rtol=1e-15)


@needs_gpu
def test_launch_geometry_and_warpsize():
    out = cuda.device_array(5, np.int64)
    launch(k_dims, (6, 2), (32, 4), out)
    assert list(out.copy_to_host()) == [32, 4, 6, 2, 32]


@needs_gpu
def test_shared_array_tree_reduction_with_syncthreads():
    n = 128 * 40 - 7
    x = rng.random(n)
    out = cuda.device_array(40)
    launch(k_block_sum, 40, 128, cuda.to_device(x), out)
    expected = np.add.reduceat(np.concatenate([x, np.zeros(7)]), np.arange(0, 128 * 40, 128))
    np.testing.assert_allclose(out.copy_to_host(), expected, rtol=1e-12)


@needs_gpu
def test_shared_2d_tile_transpose():
    a = rng.random((70, 45)).astype(np.float32)
    out = cuda.device_array((45, 70), np.float32)
    launch(k_transpose, ((45 + 15) // 16, (70 + 15) // 16), (16, 16), cuda.to_device(a), out)
    np.testing.assert_array_equal(out.copy_to_host(), a.T)


@needs_gpu
def test_local_array():
    x = rng.random(1000).astype(np.float32)
    out = cuda.device_array_like(x)
    launch(k_local, 4, 256, cuda.to_device(x), out)
    np.testing.assert_allclose(out.copy_to_host(), x * 10, rtol=1e-6)


@needs_gpu
def test_integer_atomics():
    values = rng.integers(0, 1000, 20_000).astype(np.int64)
    bins = cuda.to_device(np.zeros(16, np.int64))
    stats = cuda.to_device(np.array([-1, 10**9, 0], np.int64))
    launch(k_atomic_int, (values.size + 255) // 256, 256, cuda.to_device(values), bins, stats)
    np.testing.assert_array_equal(bins.copy_to_host(), np.bincount(values % 16, minlength=16))
    assert list(stats.copy_to_host()) == [values.max(), values.min(), -values.size]


@needs_gpu
def test_float_atomics():
    x = rng.random(10_000)
    acc = cuda.to_device(np.array([0.0, -np.inf, np.inf]))
    launch(k_atomic_float, 40, 256, cuda.to_device(x), acc)
    total, hi, lo = acc.copy_to_host()
    assert math.isclose(total, x.sum(), rel_tol=1e-10)      # order of the additions differs
    assert hi == x.max() and lo == x.min()


@needs_gpu
def test_atomic_on_a_2d_array_with_a_tuple_index():
    out = cuda.to_device(np.zeros((4, 2), np.int32))
    launch(k_atomic_2d, (1, 1), (8, 4), out)
    np.testing.assert_array_equal(out.copy_to_host(), np.full((4, 2), 4, np.int32))


@needs_gpu
def test_atomic_cas_has_one_winner_and_exch_stores():
    flag = cuda.to_device(np.zeros(1, np.int32))
    winner = cuda.to_device(np.zeros(1, np.int32))
    last = cuda.to_device(np.zeros(1, np.uint32))
    launch(k_atomic_cas_exch, 2, 128, flag, winner, last)
    f, w = flag.copy_to_host()[0], winner.copy_to_host()[0]
    assert 1 <= f <= 256 and w == f
    assert last.copy_to_host()[0] == 7


@needs_gpu
def test_libdevice_math_float64_matches_numpy():
    x = rng.random(4096) * 2 + 0.05
    out = cuda.device_array((16, x.size))
    launch(k_math64, 16, 256, cuda.to_device(x), out)
    expected = np.stack([np.sin(x), np.cos(x), np.tan(x), np.exp(x), np.log(x), np.log10(x), np.sqrt(x),
                         np.tanh(x), np.arctan2(x, 0.5), np.power(x, 1.7), np.vectorize(math.erf)(x),
                         np.floor(x * 3.0), np.abs(x - 1.0), np.hypot(x, 2.0), np.expm1(x), np.log1p(x)])
    # libdevice's double functions are within a few ulp (tan 4, atan2 3) of the
    # correctly rounded result, NumPy's within 1 or 2
    np.testing.assert_allclose(out.copy_to_host(), expected, rtol=1e-14, atol=1e-15)


@needs_gpu
def test_libdevice_math_float32_matches_numpy():
    x = (rng.random(4096) * 2 + 0.05).astype(np.float32)
    out = cuda.device_array((4, x.size), np.float32)
    launch(k_math32, 16, 256, cuda.to_device(x), out)
    expected = np.stack([np.sin(x), np.exp(x), np.sqrt(x), np.log(x)])
    np.testing.assert_allclose(out.copy_to_host(), expected, rtol=1e-6)


@needs_gpu
def test_device_functions_mandelbrot_matches_the_cpu_jit():
    @jitprofile.njit
    def cpu(img, iters):
        for y in range(img.shape[0]):
            for x in range(img.shape[1]):
                c = complex(-2.0 + x * (3.0 / img.shape[1]), -1.0 + y * (2.0 / img.shape[0]))
                z = 0.0j
                color = 255
                for i in range(iters):
                    z = z * z + c
                    if (z.real * z.real + z.imag * z.imag) >= 4:
                        color = i
                        break
                img[y, x] = color
    img = cuda.device_array((200, 300), np.uint8)
    launch(k_mandel, (10, 7), (32, 32), img, 20)
    expected = np.zeros((200, 300), np.uint8)
    cpu(expected, 20)
    assert (img.copy_to_host() == expected).mean() > 0.999     # fma contraction may flip a border pixel


@needs_gpu
def test_device_function_with_min_max():
    x = rng.standard_normal(5000)
    out = cuda.device_array_like(x)
    launch(k_clamp, 20, 256, cuda.to_device(x), out)
    np.testing.assert_array_equal(out.copy_to_host(), np.clip(x, -0.5, 0.5))


@needs_gpu
def test_fences_and_syncwarp_run():
    out = cuda.to_device(np.zeros(64, np.int32))
    launch(k_fences, 2, 32, out)
    assert out.copy_to_host().sum() == 64


@needs_gpu
def test_empty_kernel_and_relaunch_with_other_types():
    launch(k_empty, 1, 1)
    k = cuda.jit(k_axpy)
    for dt in (np.float64, np.float32):
        x = np.arange(10, dtype=dt)
        out = cuda.device_array(10, dt)
        k[1, 32](2.0, cuda.to_device(x), cuda.to_device(x), out)
        cuda.synchronize()
        np.testing.assert_allclose(out.copy_to_host(), 3 * x)
    assert len(k.signatures) == 2


@needs_gpu
def test_kernel_with_explicit_signature_runs():
    k = cuda.jit("void(float64, float64[::1], float64[::1], float64[::1])")(k_axpy)
    x = rng.random(300)
    out = cuda.device_array(300)
    k[2, 256](1.0, cuda.to_device(x), cuda.to_device(x), out)
    cuda.synchronize()
    np.testing.assert_allclose(out.copy_to_host(), 2 * x)


@needs_gpu
def test_device_arrays_and_transfers():
    a = rng.random((30, 40))
    d = cuda.to_device(a)
    assert isinstance(d, cuda.DeviceNDArray) and d.shape == a.shape and d.dtype == a.dtype
    assert d.nbytes == a.nbytes and len(d) == 30
    np.testing.assert_array_equal(d.copy_to_host(), a)
    host = np.empty_like(a)
    assert d.copy_to_host(host) is host
    np.testing.assert_array_equal(host, a)
    b = rng.random((30, 40))
    d.copy_to_device(b)
    np.testing.assert_array_equal(d.copy_to_host(), b)
    np.testing.assert_array_equal(d[3], b[3])
    e = cuda.device_array_like(a)
    assert e.shape == a.shape and e.dtype == a.dtype
    with pytest.raises(ValueError):
        d.copy_to_device(np.zeros(5))


@needs_gpu
def test_host_arrays_are_copied_in_and_back_with_a_warning():
    x = rng.random(1000)
    out = np.zeros(1000)
    with pytest.warns(cuda.CudaPerformanceWarning):
        cuda.jit(k_axpy)[4, 256](3.0, x, x, out)
    np.testing.assert_allclose(out, 4 * x)


@needs_gpu
def test_vectorize_cuda_host_and_device_results():
    @jitprofile.vectorize(["float64(float64, float64)", "float32(float32, float32)"], target="cuda")
    def rel_diff(x, y):
        return 2 * (x - y) / (x + y)
    x, y = rng.random(10_000) + 1, rng.random(10_000) + 1
    np.testing.assert_allclose(rel_diff(x, y), 2 * (x - y) / (x + y), rtol=1e-15)
    xf, yf = x.astype(np.float32), y.astype(np.float32)
    r32 = rel_diff(xf, yf)
    assert r32.dtype == np.float32
    np.testing.assert_allclose(r32, 2 * (xf - yf) / (xf + yf), rtol=1e-6)
    # device inputs: the result stays on the device, no transfer counted
    d = rel_diff(cuda.to_device(x), cuda.to_device(y))
    assert isinstance(d, cuda.DeviceNDArray)
    assert rel_diff.last_transfer_seconds == 0.0
    np.testing.assert_allclose(d.copy_to_host(), 2 * (x - y) / (x + y), rtol=1e-15)
    # broadcasting a scalar, and out=
    out = np.empty_like(x)
    assert rel_diff(x, 1.5, out=out) is out
    np.testing.assert_allclose(out, 2 * (x - 1.5) / (x + 1.5), rtol=1e-15)


@needs_gpu
def test_vectorize_cuda_2d_inputs():
    @jitprofile.vectorize(["float64(float64, float64)"], target="cuda")
    def hyp(a, b):
        return math.sqrt(a * a + b * b)
    a, b = rng.random((50, 60)), rng.random((50, 60))
    np.testing.assert_allclose(hyp(a, b), np.hypot(a, b), rtol=1e-15)


@needs_gpu
def test_compile_ptx_for_current_device_targets_it():
    cc = jitprofile._core.cuda_device()[1]
    ptx, _ = cuda.compile_ptx_for_current_device(k_axpy, SUITE[0][1])
    expected = min(cc, 90)              # LLVM 19 knows sm_90 at most
    assert f".target sm_{expected}" in ptx
