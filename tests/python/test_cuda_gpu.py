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

import numpy as np
import pytest

import jitprofile
from jitprofile import cuda

_ok, _why = jitprofile._core.cuda_available()
needs_gpu = pytest.mark.skipif(not _ok, reason=f"cuda.is_available() is False: {_why}")
needs_libdevice = pytest.mark.skipif(jitprofile._core.cuda_libdevice() is None,
                                     reason="CUDA libdevice not installed")
PTXAS = shutil.which("ptxas")
rng = np.random.default_rng(17)


# ---- the suite's kernels: tests/python/cuda_kernels.py -----------------------------------------

from cuda_kernels import (  # noqa: F401 - the suite, shared with bench/bench_cuda_gpu.py
    SUITE, SUITE_IDS, d_clamp, d_escape, k_atomic_2d, k_atomic_cas_exch, k_atomic_float,
    k_atomic_int, k_axpy, k_block_sum, k_clamp, k_dims, k_empty, k_fences, k_grid_2d, k_grid_3d,
    k_gridsize_stride, k_histogram, k_ids_1d, k_local, k_mandel, k_math32, k_math64, k_transpose,
    mandel_reference)


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
    cpu = jitprofile.njit(mandel_reference)
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
