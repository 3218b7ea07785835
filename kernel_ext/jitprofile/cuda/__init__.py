"""The CUDA target, in Numba's spelling (``from jitprofile import cuda``).

Kernels and device functions are compiled by the same frontend and typing
as the CPU JIT, lowered for the device (gpu/cuda/), turned into PTX by
LLVM's NVPTX backend with libdevice for math, and loaded with the CUDA
Driver API (dlopen'd: this module imports and compiles PTX on machines
without a GPU; ``is_available()`` says whether kernels can run).
"""
import warnings

import numpy as np

from .. import _core, _device, _sigutils
from .._core import Dispatcher
from ..errors import TypingError

DEFAULT_CC = 75         # sm_75: CUDA 13's ptxas accepts sm_75 and newer


class CudaSupportError(RuntimeError):
    """Raised when a kernel is launched without a usable GPU."""


class CudaPerformanceWarning(UserWarning):
    """Host arrays passed to a kernel are copied to the device and back."""


# ---- intrinsics: markers the frontend recognises -------------------------------------

class _Intrinsic(_device.Intrinsic):
    # (target, name, Python spelling): the compiler's generic intrinsic marker (jit/target.h)
    target = "cuda"


class _Dim3:
    def __init__(self, reg, shown):
        self.x = _Intrinsic(f"sreg:{reg}.x", f"{shown}.x")
        self.y = _Intrinsic(f"sreg:{reg}.y", f"{shown}.y")
        self.z = _Intrinsic(f"sreg:{reg}.z", f"{shown}.z")


threadIdx = _Dim3("tid", "threadIdx")
blockIdx = _Dim3("ctaid", "blockIdx")
blockDim = _Dim3("ntid", "blockDim")
gridDim = _Dim3("nctaid", "gridDim")
warpsize = _Intrinsic("sreg:warpsize", "warpsize")
grid = _Intrinsic("grid")
gridsize = _Intrinsic("gridsize")
syncthreads = _Intrinsic("syncthreads")
syncwarp = _Intrinsic("syncwarp")
threadfence = _Intrinsic("threadfence")


shared, local, atomic = _device.namespaces(_Intrinsic)


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
    return _targetable(_core.cuda_device()[1]) if is_available() else DEFAULT_CC


def _targetable(cc):
    """The newest compute capability LLVM 19 can target that a device of
    capability cc runs (PTX for an older one is compiled by the driver)."""
    return max((c for c in _KNOWN_CC if c <= cc), default=DEFAULT_CC)


def _current_device_cc():
    """(major, minor) to compile for the current device (numba-cuda:
    CudaSupportError without one)."""
    _require()
    cc = _targetable(_core.cuda_device()[1])
    return (cc // 10, cc % 10)


# compute capabilities LLVM 19's NVPTX backend knows (an unknown one would
# make it print a warning and emit PTX no ptxas takes)
_KNOWN_CC = (20, 21, 30, 32, 35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90)


def _cc_number(cc):
    """75 from (7, 5), 75 or None (the default, sm_75)."""
    if cc is None:
        return DEFAULT_CC
    if isinstance(cc, tuple) and len(cc) == 2 and all(isinstance(x, int) for x in cc):
        n = cc[0] * 10 + cc[1]
    elif isinstance(cc, int) and not isinstance(cc, bool):
        n = cc
    else:
        raise TypeError(f"cc must be a compute capability like (7, 5), not {cc!r}")
    if n not in _KNOWN_CC:
        raise ValueError(f"compute capability {n // 10}.{n % 10} is not one LLVM 19 can target "
                         f"(known: {', '.join(f'{c // 10}.{c % 10}' for c in _KNOWN_CC)}; "
                         "CUDA 13's ptxas takes 7.5 and newer)")
    return n


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
    """The argument types of one signature, in any form numba-cuda takes."""
    return _sigutils.normalize_signature(sig)[0]


def _is_none(t):
    return t is None or t.kind == "none"


def _kernel_signature(sig, name):
    """Argument types of a kernel's signature; its return type must be void."""
    args, ret = _sigutils.normalize_signature(sig)
    if not _is_none(ret):
        raise TypeError(f"{name}: a CUDA kernel must have void return type, "
                        f"the signature {sig!r} declares {ret}")
    return args


# ---- device arrays --------------------------------------------------------------------

class DeviceNDArray(_device.DeviceArrayBase):
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

    def _dtoh(self, out):
        _core.cuda_dtoh(out, self._devptr)

    def _htod(self, ary):
        _core.cuda_htod(self._devptr, ary)

    def _free(self):
        _core.cuda_free(self._devptr)

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

    def __init__(self, func, signatures=(), lineinfo=False, fastmath=False):
        self.py_func = func
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__
        self.lineinfo = bool(lineinfo)
        self._disp = Dispatcher(func, {"error_model": "numpy", "fastmath": bool(fastmath)})
        self._ptx = {}          # (argtypes, cc) -> ptx
        self._loaded = {}       # (argtypes, cc) -> function handle
        self._explicit = []     # signatures given to @cuda.jit: the only ones, as numba-cuda
        for sig in signatures:
            args = _kernel_signature(sig, self.__name__)
            self.compile_ptx(args)
            self._explicit.append(tuple(args))

    def _signature_for(self, argtypes):
        """The argument types a launch with values of argtypes compiles for:
        argtypes themselves, or, when @cuda.jit was given signatures, the
        first of those the values convert to (an array of the same dtype
        and dimensions to one of layout A; a number to a number type);
        none is a TypeError, as numba-cuda's specialised kernels."""
        if not self._explicit:
            return argtypes
        for declared in self._explicit:
            if len(declared) == len(argtypes) and all(map(_converts, argtypes, declared)):
                return declared
        have = ", ".join(str(t) for t in argtypes)
        sigs = "\n    ".join("(" + ", ".join(str(t) for t in d) + ")" for d in self._explicit)
        raise TypeError(f"{self.__name__}: no signature given to @cuda.jit matches the arguments ({have}); "
                        f"the kernel was compiled for:\n    {sigs}")

    def _entry(self):
        return f"jp_kernel_{self.__name__}"

    def compile_ptx(self, argtypes, cc=None):
        """PTX for argtypes, for compute capability cc (as 75; by default the
        device's, or sm_75 without one)."""
        cc = _device_cc() if cc is None else cc
        key = (tuple(argtypes), cc)
        if key not in self._ptx:
            ptx, _ = _core.cuda_compile(self._disp, tuple(argtypes), cc, True, self._entry(), self.lineinfo)
            self._ptx[key] = ptx
        return self._ptx[key]

    def inspect_asm(self, signature=None):
        """PTX of every compiled signature ({argtypes: ptx}), or of one
        signature (any form; compiled if needed)."""
        if signature is None:
            return {k[0]: v for k, v in self._ptx.items()}
        return self.compile_ptx(_kernel_signature(signature, self.__name__))

    @property
    def signatures(self):
        """The argument types compiled for (once each, whatever the cc)."""
        return list(dict.fromkeys(k[0] for k in self._ptx))

    def __getitem__(self, config):
        if not isinstance(config, tuple) or len(config) not in (2, 3, 4):
            raise TypeError("launch a kernel as kernel[blocks, threads] (or [blocks, threads, stream, shared bytes])")
        return _Launch(self, *config)

    def __call__(self, *args):
        raise TypeError(f"a CUDA kernel is launched with a configuration: {self.__name__}[blocks, threads](...)")


def _converts(have, declared):
    if have == declared:
        return True
    if have.kind == "array" or declared.kind == "array":
        return (have.kind == declared.kind and have.dtype == declared.dtype and have.ndim == declared.ndim
                and declared.layout == "A")
    numbers = ("bool", "int", "float", "complex")
    return have.kind in numbers and declared.kind in numbers and numbers.index(have.kind) <= numbers.index(declared.kind)


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
        device_args, copies = _device.host_args_to_device(k.__name__, args, "cuda", to_device,
                                                          CudaPerformanceWarning)
        argtypes = k._signature_for(tuple(_typeof(a) for a in device_args))
        cc = _device_cc()
        key = (argtypes, cc)
        fn = k._loaded.get(key)
        if fn is None:
            module = _core.cuda_load(k.compile_ptx(argtypes, cc))
            fn = k._loaded[key] = _core.cuda_function(module, k._entry())
        _core.cuda_launch(fn, self.grid, self.block, self.shared, argtypes, tuple(device_args))
        if copies:
            _core.cuda_sync()
            _device.copy_back(copies)


_UNSUPPORTED_OPTIONS = {
    "link": "linking PTX or CUDA C/C++ files",
    "launch_bounds": "launch bounds",
    "max_registers": "a register limit",
    "lto": "LTO (NVVM/nvJitLink)",
    "forceinline": "forced inlining at the NVVM level",
    "extensions": "argument handler extensions",
}


def _check_options(options, where):
    """Options numba-cuda takes that change nothing here are accepted
    (inline, opt, cache); the ones this target cannot honour are errors."""
    for name, value in options.items():
        if name in ("inline", "opt", "cache"):
            continue
        if name == "boundscheck":
            if value:
                raise NotImplementedError("bounds checking is not supported for CUDA")
            continue
        if name in _UNSUPPORTED_OPTIONS:
            if value not in (None, False, [], (), {}):
                raise NotImplementedError(f"{where}({name}=...): {_UNSUPPORTED_OPTIONS[name]} "
                                          "is not supported by jitprofile's CUDA target")
            continue
        raise TypeError(f"{where}() got an unexpected option {name!r}")


def _lineinfo(debug, lineinfo):
    if debug:
        warnings.warn("debug=True: jitprofile's CUDA target emits line info only (as lineinfo=True), "
                      "no variable-level debug info and no device exception checks", UserWarning, stacklevel=3)
    return bool(lineinfo or debug)


def _device_function(func, sigs, fastmath, lineinfo):
    disp = Dispatcher(func, {"error_model": "numpy", "fastmath": bool(fastmath)})
    for sig in sigs:
        # compile now, as numba-cuda does: a device function that cannot be
        # compiled, or does not return the declared type, fails here
        _compile(func, sig, lineinfo, True, DEFAULT_CC, None, disp=disp)
    return disp


def jit(func_or_sig=None, device=False, debug=None, lineinfo=False, fastmath=False, **options):
    """``@cuda.jit`` kernels, ``@cuda.jit(device=True)`` device functions,
    with signatures in every form numba-cuda takes: ``"void(float64[:])"``,
    ``void(float64[:])``, ``(float64[:], int64)``, ``"(float64[:],)"``, or a
    list of them (compiled at decoration).  ``lineinfo=True`` maps the PTX to
    the Python lines (``.loc`` directives); ``debug=True`` gives the same."""
    _check_options(options, "cuda.jit")
    line = _lineinfo(debug, lineinfo)

    def wrap(func, sigs=()):
        if not callable(func) or isinstance(func, (type, _core.Type)):
            raise TypeError(f"@cuda.jit decorates a function, not {func!r}")
        if device:
            # device functions are compiled into the kernels that call them
            return _device_function(func, sigs, fastmath, line)
        return Kernel(func, sigs, lineinfo=line, fastmath=fastmath)

    if func_or_sig is None:
        return wrap
    if isinstance(func_or_sig, list) or _sigutils.is_signature(func_or_sig):
        sigs = _sigutils.signature_list(func_or_sig)
        return lambda func: wrap(func, sigs)
    if isinstance(func_or_sig, _core.Type):
        raise TypeError(f"cuda.jit({func_or_sig}): a type is not a signature; write "
                        f"cuda.jit(void({func_or_sig})) or cuda.jit(({func_or_sig},))")
    return wrap(func_or_sig)


def _compile(pyfunc, sig, lineinfo, device, cc, c_abi_name, disp=None, fastmath=False):
    """(PTX, return type): a kernel (device False) or a device function."""
    if device:
        argtypes, declared = _sigutils.normalize_signature(sig)
    else:
        argtypes, declared = _kernel_signature(sig, getattr(pyfunc, "__name__", "kernel")), None
    if disp is None:
        disp = pyfunc if isinstance(pyfunc, Dispatcher) else \
            Dispatcher(getattr(pyfunc, "py_func", pyfunc), {"error_model": "numpy", "fastmath": bool(fastmath)})
    entry = disp.__name__ if not device else c_abi_name
    ptx, resty = _core.cuda_compile(disp, tuple(argtypes), cc, not device, entry, lineinfo)
    if declared is not None and not _is_none(declared) and declared != resty:
        raise TypingError(f"{disp.__name__}(): the signature declares return type {declared} but the "
                          f"function returns {resty} (the CUDA target does not cast device-function "
                          "results; declare the type it returns)")
    return ptx, resty


def compile(pyfunc, sig, debug=None, lineinfo=False, device=True, fastmath=False, cc=None, opt=None,
            abi="c", abi_info=None, output="ptx", forceinline=False, launch_bounds=None):
    """(PTX, return type) of pyfunc at signature sig, as numba-cuda's
    ``cuda.compile``: by default a device function in the C ABI, named
    after the function (``abi_info={"abi_name": ...}`` renames it).  Needs no
    GPU.  A signature with a return type returns that type."""
    if output == "ltoir":
        raise NotImplementedError("output='ltoir' needs NVVM; jitprofile's CUDA target emits PTX only")
    if output != "ptx":
        raise NotImplementedError(f"Unsupported output type: {output!r}")
    if forceinline:
        raise ValueError("Can only designate forced inlining in LTO-IR (output='ltoir'), "
                         "which jitprofile does not emit")
    if launch_bounds is not None:
        raise NotImplementedError("launch_bounds is not supported by jitprofile's CUDA target")
    if abi not in ("numba", "c"):
        raise NotImplementedError(f"Unsupported ABI: {abi!r} (use 'numba' or 'c')")
    if abi == "c" and not device:
        raise NotImplementedError("The C ABI is not supported for kernels")
    name = getattr(pyfunc, "__name__", "func")
    c_abi_name = (abi_info or {}).get("abi_name", name) if abi == "c" else None
    return _compile(pyfunc, sig, _lineinfo(debug, lineinfo), device, _cc_number(cc), c_abi_name,
                    fastmath=fastmath)


def compile_for_current_device(pyfunc, sig, debug=None, lineinfo=False, device=True, fastmath=False,
                               opt=None, abi="c", abi_info=None, output="ptx", forceinline=False,
                               launch_bounds=None):
    """``compile`` for the current device's compute capability (needs a GPU)."""
    return compile(pyfunc, sig, debug=debug, lineinfo=lineinfo, device=device, fastmath=fastmath,
                   cc=_current_device_cc(), opt=opt, abi=abi, abi_info=abi_info, output=output,
                   forceinline=forceinline, launch_bounds=launch_bounds)


def compile_ptx(pyfunc, sig, debug=None, lineinfo=False, device=False, fastmath=False, cc=None, opt=None,
                abi="numba", abi_info=None, forceinline=False, launch_bounds=None):
    """(PTX text, return type) for pyfunc at signature, like numba-cuda's
    ``cuda.compile_ptx``: a kernel by default, in the Numba ABI; needs no GPU.
    ``sig`` is any signature form (``"void(float64[:])"``, a tuple of types,
    a Signature); ``cc`` a (major, minor) tuple, sm_75 by default."""
    return compile(pyfunc, sig, debug=debug, lineinfo=lineinfo, device=device, fastmath=fastmath,
                   cc=cc, opt=opt, abi=abi, abi_info=abi_info, output="ptx", forceinline=forceinline,
                   launch_bounds=launch_bounds)


def compile_ptx_for_current_device(pyfunc, sig, debug=None, lineinfo=False, device=False, fastmath=False,
                                   opt=None, abi="numba", abi_info=None, forceinline=False,
                                   launch_bounds=None):
    """``compile_ptx`` for the current device's compute capability (needs a GPU)."""
    return compile_ptx(pyfunc, sig, debug=debug, lineinfo=lineinfo, device=device, fastmath=fastmath,
                       cc=_current_device_cc(), opt=opt, abi=abi, abi_info=abi_info,
                       forceinline=forceinline, launch_bounds=launch_bounds)
