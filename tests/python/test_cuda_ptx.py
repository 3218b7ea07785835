"""The CUDA target without a GPU: kernels compile to PTX that NVIDIA's own
assembler (ptxas, from the CUDA toolkit on these machines) accepts for
sm_75 and sm_90, and everything that needs a device fails clearly.  On a
machine with a GPU the kernels also run and are compared with NumPy."""
import math
import shutil
import subprocess

import numpy as np
import pytest

import jitprofile
from jitprofile import cuda, float32, float64, int64, TypingError, UnsupportedError

PTXAS = shutil.which("ptxas")
needs_ptxas = pytest.mark.skipif(PTXAS is None, reason="ptxas (CUDA toolkit) not installed")
needs_libdevice = pytest.mark.skipif(jitprofile._core.cuda_libdevice() is None,
                                     reason="CUDA libdevice not installed")
needs_gpu = pytest.mark.skipif(not cuda.is_available(), reason="no CUDA GPU here")


def mandel_kernel(min_x, max_x, min_y, max_y, image, iters):
    height = image.shape[0]
    width = image.shape[1]
    pixel_size_x = (max_x - min_x) / width
    pixel_size_y = (max_y - min_y) / height
    x, y = cuda.grid(2)
    if x < width and y < height:
        c = complex(min_x + x * pixel_size_x, min_y + y * pixel_size_y)
        z = 0.0j
        color = 255
        for i in range(iters):
            z = z * z + c
            if (z.real * z.real + z.imag * z.imag) >= 4:
                color = i
                break
        image[y, x] = color


def axpy(a, x, y, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = a * x[i] + math.sin(y[i]) + math.exp(y[i]) + math.sqrt(abs(x[i]))


def block_sum(x, out):
    tmp = cuda.shared.array(128, float64)
    i = cuda.grid(1)
    t = cuda.threadIdx.x
    tmp[t] = x[i] if i < x.shape[0] else 0.0
    cuda.syncthreads()
    if t == 0:
        s = 0.0
        for k in range(128):
            s += tmp[k]
        cuda.atomic.add(out, 0, s)


def histogram(values, bins):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < values.shape[0]:
        cuda.atomic.add(bins, values[i] % bins.shape[0], 1)
        cuda.atomic.max(bins, 0, 0)
        i += stride


def local_scratch(x, out):
    i = cuda.grid(1)
    buf = cuda.local.array(4, float32)
    for k in range(4):
        buf[k] = x[i] * k
    if i < out.shape[0]:
        out[i] = buf[0] + buf[1] + buf[2] + buf[3]


@cuda.jit(device=True)
def escape(x, y, iters):
    c = complex(x, y)
    z = 0.0j
    for i in range(iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


def with_device_function(img, iters):
    x, y = cuda.grid(2)
    if y < img.shape[0] and x < img.shape[1]:
        img[y, x] = escape(-2.0 + x * 0.01, -1.0 + y * 0.01, iters)


KERNELS = [
    (mandel_kernel, "void(float64, float64, float64, float64, uint8[:, ::1], int64)"),
    (axpy, "void(float64, float64[::1], float64[::1], float64[::1])"),
    (block_sum, "void(float64[::1], float64[::1])"),
    (histogram, "void(int64[::1], int64[::1])"),
    (local_scratch, "void(float32[::1], float32[::1])"),
    (with_device_function, "void(uint8[:, ::1], int32)"),
]


def assemble(ptx, arch, tmp_path):
    src = tmp_path / "k.ptx"
    src.write_text(ptx)
    r = subprocess.run([PTXAS, f"-arch={arch}", str(src), "-o", str(tmp_path / "k.cubin")],
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stderr


@needs_libdevice
@pytest.mark.parametrize("func, sig", KERNELS, ids=[k[0].__name__ for k in KERNELS])
def test_kernel_ptx_is_valid(func, sig):
    ptx, restype = cuda.compile_ptx(func, sig)
    assert restype == jitprofile.none
    assert ".visible .entry" in ptx and ".target sm_75" in ptx
    assert "jp_nrt" not in ptx and "jp_rt" not in ptx      # no CPU runtime in device code


@needs_ptxas
@needs_libdevice
@pytest.mark.parametrize("arch", ["sm_75", "sm_90"])
@pytest.mark.parametrize("func, sig", KERNELS, ids=[k[0].__name__ for k in KERNELS])
def test_ptxas_accepts_the_kernel(func, sig, arch, tmp_path):
    cc = (9, 0) if arch == "sm_90" else (7, 5)
    ptx, _ = cuda.compile_ptx(func, sig, cc=cc)
    rc, err = assemble(ptx, arch, tmp_path)
    assert rc == 0, err


@needs_libdevice
def test_math_goes_through_libdevice_not_llvm_intrinsics():
    # LLVM 19 aborts the process on llvm.sin for NVPTX: math must be __nv_*
    def f(x):
        return math.sin(x) + math.cos(x) + math.exp(x) + math.log(x) + math.tanh(x) + math.atan2(x, 1.0)
    ptx, restype = cuda.compile_ptx(f, "float64(float64)", device=True)
    assert restype == float64
    assert "llvm.sin" not in ptx
    assert ".visible .func" in ptx


@needs_libdevice
def test_device_function_ptx_and_return_type():
    ptx, restype = cuda.compile_ptx(lambda a, b: a * b + 1, "int64(int64, int64)", device=True)
    assert restype == int64 and ".entry" not in ptx


@needs_libdevice
def test_kernel_returning_a_value_is_a_typing_error():
    def bad(x):
        return x + 1
    with pytest.raises(TypingError, match="cannot return a value"):
        cuda.compile_ptx(bad, "(float64)")


@needs_libdevice
def test_allocation_in_a_kernel_is_refused():
    def alloc(out):
        tmp = np.zeros(4)
        out[0] = tmp[0]
    with pytest.raises(UnsupportedError, match="not supported in CUDA kernels"):
        cuda.compile_ptx(alloc, "void(float64[::1])")


def test_cuda_intrinsics_outside_a_kernel_are_a_typing_error():
    @jitprofile.njit
    def cpu():
        return cuda.grid(1)
    with pytest.raises(TypingError, match="only be used in CUDA kernels"):
        cpu()


def test_intrinsics_called_from_python_say_where_they_belong():
    with pytest.raises(RuntimeError, match="inside @cuda.jit"):
        cuda.grid(1)


@pytest.mark.skipif(cuda.is_available(), reason="this machine has a GPU")
def test_without_a_gpu_launching_is_a_clear_error():
    k = cuda.jit(axpy)
    assert cuda.is_available() is False
    with pytest.raises(cuda.CudaSupportError, match="CUDA is not available"):
        k[1, 32](1.0, np.ones(4), np.ones(4), np.zeros(4))
    with pytest.raises(cuda.CudaSupportError):
        cuda.to_device(np.ones(3))


def test_launch_configuration_is_required():
    k = cuda.jit(axpy)
    with pytest.raises(TypeError, match=r"\[blocks, threads\]"):
        k(1.0, np.ones(4), np.ones(4), np.zeros(4))


@needs_gpu
def test_axpy_runs_and_matches_numpy():
    n = 1000
    x, y = np.random.rand(n), np.random.rand(n)
    out = cuda.device_array(n)
    k = cuda.jit(axpy)
    k[(n + 127) // 128, 128](2.0, cuda.to_device(x), cuda.to_device(y), out)
    np.testing.assert_allclose(out.copy_to_host(), 2.0 * x + np.sin(y) + np.exp(y) + np.sqrt(np.abs(x)),
                               rtol=1e-12)


@needs_gpu
def test_mandelbrot_kernel_matches_the_cpu_jit():
    from cuda_kernels import mandel_reference      # the suite's CPU reference
    cpu_fractal = jitprofile.njit(mandel_reference)
    img = cuda.device_array((200, 300), np.uint8)
    cuda.jit(mandel_kernel)[(10, 7), (32, 32)](-2.0, 1.0, -1.0, 1.0, img, 20)
    expected = np.zeros((200, 300), np.uint8)
    cpu_fractal(expected, 20)
    assert (img.copy_to_host() == expected).mean() > 0.999     # fma contraction may flip a border pixel


@needs_ptxas
@needs_libdevice
def test_gpu_ufunc_compiles_to_valid_ptx(tmp_path):
    @jitprofile.vectorize(["float64(float64, float64)"], target="cuda")
    def rel_diff(x, y):
        return 2 * (x - y) / (x + y)
    ptx = rel_diff.ptx()
    assert ".visible .entry" in ptx
    rc, err = assemble(ptx, "sm_75", tmp_path)
    assert rc == 0, err
    if not cuda.is_available():
        with pytest.raises(cuda.CudaSupportError):
            rel_diff(np.ones(3), np.ones(3))


@needs_gpu
def test_gpu_ufunc_matches_numpy_and_keeps_device_results():
    @jitprofile.vectorize(["float64(float64, float64)"], target="cuda")
    def rel_diff(x, y):
        return 2 * (x - y) / (x + y)
    x, y = np.random.rand(10000) + 1, np.random.rand(10000) + 1
    np.testing.assert_allclose(rel_diff(x, y), 2 * (x - y) / (x + y), rtol=1e-12)
    dx, dy = cuda.to_device(x), cuda.to_device(y)
    d = rel_diff(dx, dy)
    assert isinstance(d, cuda.DeviceNDArray)
    assert rel_diff.last_transfer_seconds == 0.0


@needs_libdevice
def test_dynamic_shared_memory_is_refused_not_an_empty_array():
    # shape 0 is numba-cuda's dynamic shared memory; compiled as an empty
    # static array every index would overrun it
    def dyn(out):
        buf = cuda.shared.array(0, float32)  # TAG_DYN
        buf[cuda.threadIdx.x] = 1.0
        out[cuda.threadIdx.x] = buf[cuda.threadIdx.x]
    with pytest.raises(UnsupportedError) as e:
        cuda.compile_ptx(dyn, "void(float32[::1])")
    msg = str(e.value)
    assert "dynamic shared memory" in msg and "not supported" in msg, msg
    import inspect
    line = next(i for i, ln in enumerate(inspect.getsourcelines(dyn)[0]) if "TAG_DYN" in ln)
    assert f"test_cuda_ptx.py:{inspect.getsourcelines(dyn)[1] + line}:" in msg, msg
