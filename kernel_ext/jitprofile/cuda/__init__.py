"""The CUDA target, in Numba's spelling (``from jitprofile import cuda``).

Kernels and device functions are compiled by the same frontend and typing
as the CPU JIT, lowered for the device (gpu/cuda/), turned into PTX by
LLVM's NVPTX backend with libdevice for math, and loaded with the CUDA
Driver API (dlopen'd: this module imports and compiles PTX on machines
without a GPU; ``is_available()`` says whether kernels can run).
"""
import warnings

import numpy as np

from .. import _core
from .._core import Dispatcher

DEFAULT_CC = 75         # sm_75: CUDA 13's ptxas accepts sm_75 and newer


class CudaSupportError(RuntimeError):
    """Raised when a kernel is launched without a usable GPU."""


class CudaPerformanceWarning(UserWarning):
    """Host arrays passed to a kernel are copied to the device and back."""


# ---- intrinsics: markers the frontend recognises -------------------------------------

class _Intrinsic:
    def __init__(self, name):
        self._jitprofile_cuda = name

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"cuda.{self._jitprofile_cuda} can only be used inside @cuda.jit code")

    def __repr__(self):
        return f"<cuda intrinsic {self._jitprofile_cuda}>"


class _Dim3:
    def __init__(self, reg):
        self.x = _Intrinsic(f"sreg:{reg}.x")
        self.y = _Intrinsic(f"sreg:{reg}.y")
        self.z = _Intrinsic(f"sreg:{reg}.z")


threadIdx = _Dim3("tid")
blockIdx = _Dim3("ctaid")
blockDim = _Dim3("ntid")
gridDim = _Dim3("nctaid")
warpsize = _Intrinsic("sreg:warpsize")
grid = _Intrinsic("grid")
gridsize = _Intrinsic("gridsize")
syncthreads = _Intrinsic("syncthreads")
syncwarp = _Intrinsic("syncwarp")
threadfence = _Intrinsic("threadfence")


class _Namespace:
    def __init__(self, prefix, names):
        for name in names:
            setattr(self, name, _Intrinsic(f"{prefix}.{name}"))


shared = _Namespace("shared", ["array"])
local = _Namespace("local", ["array"])
atomic = _Namespace("atomic", ["add", "sub", "max", "min", "exch", "cas"])


# ---- availability --------------------------------------------------------------------

def is_available():
    """Whether a CUDA driver and device are usable here."""
    return bool(_core.cuda_available()[0])


def _require():
    ok, why = _core.cuda_available()
    if not ok:
        raise CudaSupportError(f"CUDA is not available: {why}")


def detect():
    ok, why = _core.cuda_available()
    if not ok:
        print(f"CUDA: not available ({why})")
        return False
    name, cc = _core.cuda_device()
    print(f"CUDA: {name}, compute capability {cc // 10}.{cc % 10}")
    return True


def _device_cc():
    return _core.cuda_device()[1] if is_available() else DEFAULT_CC


# ---- types ----------------------------------------------------------------------------

def _dtype_name(dtype):
    return np.dtype(dtype).name.replace("bool", "bool")


def _array_type(shape, strides, dtype):
    nd = len(shape)
    itemsize = np.dtype(dtype).itemsize
    c_strides, f_strides, s = [], [], itemsize
    for n in reversed(shape):
        c_strides.insert(0, s)
        s *= n
    s = itemsize
    for n in shape:
        f_strides.append(s)
        s *= n
    layout = "C" if tuple(strides) == tuple(c_strides) else "F" if tuple(strides) == tuple(f_strides) else "A"
    return _core.Type(f"array({_dtype_name(dtype)}, {nd}d, {layout})")


def _typeof(value):
    if isinstance(value, DeviceNDArray):
        return _array_type(value.shape, value.strides, value.dtype)
    t = _core.typeof(value)
    if t is None:
        raise TypeError(f"a kernel argument cannot have type {type(value).__name__}")
    return t


def _parse_signature(sig):
    if isinstance(sig, str):
        sig = _core.parse_signature(sig)
    return tuple(sig.args)


# ---- device arrays --------------------------------------------------------------------

class DeviceNDArray:
    """An array in device memory: shape, strides, dtype and a device pointer."""

    def __init__(self, shape, dtype, strides=None, _devptr=None):
        self.shape = tuple(int(n) for n in shape)
        self.dtype = np.dtype(dtype)
        if strides is None:
            s, strides = self.dtype.itemsize, []
            for n in reversed(self.shape):
                strides.insert(0, s)
                s *= n
        self.strides = tuple(strides)
        self.size = int(np.prod(self.shape)) if self.shape else 1
        self.nbytes = self.size * self.dtype.itemsize
        self.ndim = len(self.shape)
        self._devptr = _devptr if _devptr is not None else _core.cuda_malloc(self.nbytes)
        self._owner = _devptr is None

    def copy_to_host(self, ary=None):
        out = ary if ary is not None else np.empty(self.shape, self.dtype)
        if not out.flags.c_contiguous or out.nbytes != self.nbytes:
            raise ValueError("copy_to_host needs a C-contiguous array of the same size")
        _core.cuda_dtoh(out, self._devptr)
        return out

    def copy_to_device(self, ary):
        ary = np.ascontiguousarray(ary, dtype=self.dtype)
        if ary.nbytes != self.nbytes:
            raise ValueError("copy_to_device needs an array of the same size")
        _core.cuda_htod(self._devptr, ary)

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, index):
        return self.copy_to_host()[index]

    def __del__(self):
        if getattr(self, "_owner", False):
            try:
                _core.cuda_free(self._devptr)
            except Exception:
                pass

    def __repr__(self):
        return f"<DeviceNDArray shape={self.shape} dtype={self.dtype}>"


def to_device(ary):
    _require()
    ary = np.ascontiguousarray(ary)
    d = DeviceNDArray(ary.shape, ary.dtype)
    d.copy_to_device(ary)
    return d


def device_array(shape, dtype=np.float64):
    _require()
    return DeviceNDArray(shape if isinstance(shape, tuple) else (shape,), dtype)


def device_array_like(ary):
    return device_array(ary.shape, ary.dtype)


def synchronize():
    _core.cuda_sync()


# ---- kernels ----------------------------------------------------------------------------

class Kernel:
    """What ``@cuda.jit`` returns for a kernel: ``kernel[blocks, threads](args)``."""

    def __init__(self, func, signatures=()):
        self.py_func = func
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__
        self._disp = Dispatcher(func, {"error_model": "numpy"})
        self._ptx = {}          # (argtypes, cc) -> ptx
        self._loaded = {}       # (argtypes, cc) -> function handle
        for sig in signatures:
            self.compile_ptx(_parse_signature(sig))

    def _entry(self):
        return f"jp_kernel_{self.__name__}"

    def compile_ptx(self, argtypes, cc=DEFAULT_CC):
        key = (tuple(argtypes), cc)
        if key not in self._ptx:
            ptx, _ = _core.cuda_compile(self._disp, tuple(argtypes), cc, True, self._entry())
            self._ptx[key] = ptx
        return self._ptx[key]

    def inspect_asm(self, signature=None):
        if signature is None:
            return {k[0]: v for k, v in self._ptx.items()}
        return self.compile_ptx(_parse_signature(signature) if not isinstance(signature, tuple) else signature)

    @property
    def signatures(self):
        return [k[0] for k in self._ptx]

    def __getitem__(self, config):
        if not isinstance(config, tuple) or len(config) not in (2, 3, 4):
            raise TypeError("launch a kernel as kernel[blocks, threads] (or [blocks, threads, stream, shared bytes])")
        return _Launch(self, *config)

    def __call__(self, *args):
        raise TypeError(f"a CUDA kernel is launched with a configuration: {self.__name__}[blocks, threads](...)")


def _dim3(v):
    if isinstance(v, int):
        return (v, 1, 1)
    v = tuple(int(x) for x in v) + (1, 1, 1)
    return v[:3]


class _Launch:
    def __init__(self, kernel, blocks, threads, stream=0, shared_bytes=0):
        self.kernel = kernel
        self.grid = _dim3(blocks)
        self.block = _dim3(threads)
        self.shared = int(shared_bytes)
        self.stream = stream

    def __call__(self, *args):
        _require()
        k = self.kernel
        device_args, copies = [], []
        for a in args:
            if isinstance(a, np.ndarray):
                warnings.warn(f"{k.__name__}: a host array argument is copied to the device and back; "
                              "use cuda.to_device to keep data on the GPU", CudaPerformanceWarning, stacklevel=2)
                d = to_device(a)
                copies.append((a, d))
                device_args.append(d)
            else:
                device_args.append(a)
        argtypes = tuple(_typeof(a) for a in device_args)
        cc = _device_cc()
        key = (argtypes, cc)
        fn = k._loaded.get(key)
        if fn is None:
            module = _core.cuda_load(k.compile_ptx(argtypes, cc))
            fn = k._loaded[key] = _core.cuda_function(module, k._entry())
        _core.cuda_launch(fn, self.grid, self.block, self.shared, argtypes, tuple(device_args))
        if copies:
            _core.cuda_sync()
            for host, dev in copies:
                dev.copy_to_host(host) if host.flags.c_contiguous else host.__setitem__(..., dev.copy_to_host())


def jit(func_or_sig=None, device=False, **options):
    """``@cuda.jit`` kernels, ``@cuda.jit(device=True)`` device functions,
    ``@cuda.jit("void(float64[:], float64[:])")`` with signatures."""

    def wrap(func, sigs=()):
        if device:
            # device functions are compiled into the kernels that call them
            return Dispatcher(func, {"error_model": "numpy"})
        return Kernel(func, sigs)

    if callable(func_or_sig):
        return wrap(func_or_sig)
    sigs = [] if func_or_sig is None else func_or_sig if isinstance(func_or_sig, list) else [func_or_sig]
    return lambda func: wrap(func, sigs)


def compile_ptx(pyfunc, sig, device=False, cc=(7, 5), fastmath=False):
    """(PTX text, return type) for pyfunc at signature, like Numba's
    ``cuda.compile_ptx``; needs no GPU."""
    argtypes = _parse_signature(sig)
    disp = Dispatcher(pyfunc, {"error_model": "numpy", "fastmath": fastmath})
    ccn = cc[0] * 10 + cc[1] if isinstance(cc, tuple) else int(cc)
    entry = pyfunc.__name__
    return _core.cuda_compile(disp, argtypes, ccn, not device, entry)


def compile_ptx_for_current_device(pyfunc, sig, device=False):
    return compile_ptx(pyfunc, sig, device=device, cc=_device_cc())
