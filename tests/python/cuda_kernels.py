"""tests/python/cuda_kernels.py - the CUDA suite's kernels and signatures,
in one place for tests/python/test_cuda_gpu.py (compiled by jitprofile.cuda)
and bench/bench_cuda_gpu.py (the same source compiled by jitprofile.cuda and
by numba-cuda, side by side).  The kernels name `cuda`, `float32` and
`float64` as globals: importing this module binds jitprofile's; the bench
loads a second copy with numba's bound first (load())."""
import importlib.util
import math  # noqa: F401 - the kernels use it

if "cuda" not in globals():         # load() binds another target's first
    from jitprofile import cuda, float32, float64


def load(cuda_module, float32_type, float64_type, name="cuda_kernels_other"):
    """A fresh copy of this module with the kernels bound to another CUDA
    target (numba.cuda and its types)."""
    spec = importlib.util.spec_from_file_location(name, __file__)
    mod = importlib.util.module_from_spec(spec)
    mod.cuda, mod.float32, mod.float64 = cuda_module, float32_type, float64_type
    spec.loader.exec_module(mod)
    return mod


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


def k_histogram(values, bins):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < values.shape[0]:
        cuda.atomic.add(bins, values[i] % bins.shape[0], 1)
        i += stride



def mandel_reference(img, iters):
    """The CPU JIT's Mandelbrot over [-2, 1] x [-1, 1] (jitprofile.njit'd by
    the tests): what k_mandel and test_cuda_ptx's mandel_kernel must match."""
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
    (k_histogram, "void(int64[::1], int64[::1])"),
    (k_empty, "void()"),
]
SUITE_IDS = [k.__name__ for k, _ in SUITE]
