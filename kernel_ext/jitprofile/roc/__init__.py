"""The ROC target (AMD GPUs through HSA), in the spelling of Numba's former
ROC target (``from jitprofile import roc``).

Kernels and device functions are compiled by the same frontend and typing
as the CPU JIT, lowered for ``amdgcn-amd-amdhsa`` (gpu/hsa/), with math
from the ROCm device libraries, into a code object (a shared ELF linked by
ld.lld-19) that the HSA runtime loads.  Compiling needs no GPU:
``roc.compile_hsaco(fn, sig, isa="gfx90a")`` gives the code object bytes.
Launching (``kernel[groups, items](...)``) and device arrays come from
``jitprofile.roc._runtime`` (libhsa-runtime64 through dlopen);
``roc.is_available()`` says whether kernels can run here.
"""
import numpy as np

from .. import _core, _device, _sigutils
from .._core import Dispatcher
from ..errors import TypingError

DEFAULT_ISA = "gfx90a"

# OpenCL's fence flags (roc.barrier(roc.CLK_GLOBAL_MEM_FENCE)); every
# barrier fences work-group memory, as ROCm's own barrier does
CLK_LOCAL_MEM_FENCE = 1
CLK_GLOBAL_MEM_FENCE = 2


# ---- intrinsics: markers the frontend recognises ----------------------------------------

class _Intrinsic(_device.Intrinsic):
    target = "roc"


get_global_id = _Intrinsic("get_global_id")
get_local_id = _Intrinsic("get_local_id")
get_group_id = _Intrinsic("get_group_id")
get_local_size = _Intrinsic("get_local_size")
get_global_size = _Intrinsic("get_global_size")
get_num_groups = _Intrinsic("get_num_groups")
get_work_dim = _Intrinsic("get_work_dim")
barrier = _Intrinsic("barrier")
mem_fence = _Intrinsic("mem_fence")
wavebarrier = _Intrinsic("wavebarrier")


shared, local, atomic = _device.namespaces(_Intrinsic)


# ---- ISAs, tools, availability --------------------------------------------------------------

def isas():
    """The ISAs jitprofile compiles for: dicts with isa, wavefront,
    runtime_loadable (Debian's ROCr 5.2.3 loads it), family."""
    return _core.roc_isas()


def _check_isa(isa):
    names = [d["isa"] for d in _core.roc_isas()]
    if not isinstance(isa, str) or isa not in names:
        raise ValueError(f"unsupported AMD GPU ISA {isa!r}: jitprofile.roc compiles for {', '.join(names)}")
    return isa


def _load_runtime():
    """jitprofile.roc._runtime (device arrays, launches), imported on use."""
    import importlib
    try:
        rt = importlib.import_module(__name__ + "._runtime")
    except ImportError as e:
        raise RuntimeError(f"the ROC runtime (jitprofile.roc._runtime) is not available: {e}") from None
    return rt


def _availability():
    check = getattr(_core, "roc_available", None)
    if check is None:
        return False, "this build of jitprofile has no HSA runtime support"
    ok, why = check()
    return bool(ok), why


def is_available():
    """Whether an AMD GPU is usable here (HSA runtime found, hsa_init
    succeeds, a GPU agent exists)."""
    return _availability()[0]


def _require():
    ok, why = _availability()
    if not ok:
        rt = _load_runtime()
        raise rt.RocSupportError(f"ROC is not available: {why}")
    return _load_runtime()


def _device_isa(rt):
    """The ISA of the GPU kernels run on (the runtime's first GPU agent)."""
    agents = rt.agents()
    if not agents:
        return DEFAULT_ISA
    return agents[0]["name"].split(":")[0]


_RUNTIME_NAMES = ("RocSupportError", "DeviceNDArray", "to_device", "device_array", "device_array_like")


def __getattr__(name):
    # host-side API from the runtime module, without importing it with the package
    if name in _RUNTIME_NAMES:
        return getattr(_load_runtime(), name)
    raise AttributeError(f"module 'jitprofile.roc' has no attribute {name!r}")


# ---- types ----------------------------------------------------------------------------------

def _is_none(t):
    return t is None or t.kind == "none"


def _typeof(value):
    if hasattr(value, "_devptr") and hasattr(value, "strides"):
        from ..cuda import _array_type
        return _array_type(value.shape, value.strides, value.dtype)
    t = _core.typeof(value)
    if t is None:
        raise TypeError(f"a kernel argument cannot have type {type(value).__name__}")
    return t


def _kernel_signature(sig, name):
    args, ret = _sigutils.normalize_signature(sig)
    if not _is_none(ret):
        raise TypeError(f"{name}: a ROC kernel must have void return type, the signature {sig!r} declares {ret}")
    return tuple(args)


def _symbol(name):
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name)


# ---- kernels ----------------------------------------------------------------------------------

class Kernel:
    """What ``@roc.jit`` returns for a kernel: ``kernel[groups, items](args)``."""

    def __init__(self, func, signatures=(), fastmath=False):
        self.py_func = func
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__
        self._disp = Dispatcher(func, {"error_model": "numpy", "fastmath": bool(fastmath)})
        self._code = {}         # (argtypes, isa) -> code object bytes
        for sig in signatures:
            self.compile_hsaco(_kernel_signature(sig, self.__name__))

    @property
    def entry(self):
        """The kernel's symbol in the code object (its descriptor is entry + '.kd')."""
        return _symbol(self.__name__)

    def compile_hsaco(self, argtypes, isa=DEFAULT_ISA):
        """The code object (bytes) for argtypes on isa."""
        key = (tuple(argtypes), isa)
        if key not in self._code:
            code, _ = _core.roc_compile(self._disp, tuple(argtypes), _check_isa(isa), True, self.entry)
            self._code[key] = code
        return self._code[key]

    def inspect_llvm(self, argtypes, isa=DEFAULT_ISA):
        """The optimised LLVM IR (amdgcn) for argtypes on isa."""
        return _core.roc_compile(self._disp, tuple(argtypes), _check_isa(isa), True, self.entry, True)[2]

    @property
    def signatures(self):
        return list(dict.fromkeys(k[0] for k in self._code))

    def __getitem__(self, config):
        """kernel[groups, items_per_group[, stream[, dynamic_lds_bytes]]]: the
        last is the size of the roc.shared.array(0, dtype) arrays (Numba's
        sharedmem); the stream is accepted and ignored (one queue)."""
        if not isinstance(config, tuple) or len(config) not in (2, 3, 4):
            raise TypeError("launch a kernel as kernel[groups, items_per_group] (each an int or a tuple of up to 3)"
                            " or kernel[groups, items_per_group, stream, dynamic_shared_bytes]")
        return _Launch(self, config[0], config[1], config[3] if len(config) == 4 else 0)

    def __call__(self, *args):
        raise TypeError(f"a ROC kernel is launched with a configuration: {self.__name__}[groups, items](...)")


def _dim3(v):
    if isinstance(v, int):
        return (v, 1, 1)
    v = tuple(int(x) for x in v)
    if not 1 <= len(v) <= 3:
        raise ValueError("a launch dimension has 1 to 3 entries")
    return (v + (1, 1))[:3]


class _Launch:
    def __init__(self, kernel, groups, items, dynamic_lds=0):
        self.kernel = kernel
        self.groups = _dim3(groups)
        self.items = _dim3(items)
        if (isinstance(dynamic_lds, bool) or not isinstance(dynamic_lds, (int, np.integer))
                or not 0 <= dynamic_lds < 2 ** 32):
            raise ValueError(f"the dynamic shared memory size is a number of bytes, not {dynamic_lds!r}")
        self.dynamic_lds = int(dynamic_lds)

    def __call__(self, *args):
        rt = _require()
        k = self.kernel
        device_args, copies = _device.host_args_to_device(k.__name__, args, "roc", rt.to_device,
                                                          getattr(rt, "RocPerformanceWarning", UserWarning))
        argtypes = tuple(_typeof(a) for a in device_args)
        code = k.compile_hsaco(argtypes, _device_isa(rt))
        rt.launch(code, k.entry, self.groups, self.items, argtypes, tuple(device_args), dynamic_lds=self.dynamic_lds)
        _device.copy_back(copies)


def jit(func_or_sig=None, device=False, fastmath=False, **options):
    """``@roc.jit`` kernels and ``@roc.jit(device=True)`` device functions,
    with signatures in every form jitprofile takes (``"void(float64[:])"``,
    a tuple of types, a list of them: compiled at decoration for the
    default ISA)."""
    for name in options:
        if name not in ("inline", "opt", "cache", "debug"):
            raise TypeError(f"roc.jit() got an unexpected option {name!r}")

    def wrap(func, sigs=()):
        if not callable(func) or isinstance(func, (type, _core.Type)):
            raise TypeError(f"@roc.jit decorates a function, not {func!r}")
        if device:
            # device functions are compiled into the kernels that call them
            disp = Dispatcher(func, {"error_model": "numpy", "fastmath": bool(fastmath)})
            for sig in sigs:
                _compile(disp, sig, True, DEFAULT_ISA)
            return disp
        return Kernel(func, sigs, fastmath=fastmath)

    if func_or_sig is None:
        return wrap
    if isinstance(func_or_sig, list) or _sigutils.is_signature(func_or_sig):
        sigs = _sigutils.signature_list(func_or_sig)
        return lambda func: wrap(func, sigs)
    return wrap(func_or_sig)


def _compile(disp, sig, device, isa):
    if device:
        argtypes, declared = _sigutils.normalize_signature(sig)
    else:
        argtypes, declared = _kernel_signature(sig, disp.__name__), None
    code, resty = _core.roc_compile(disp, tuple(argtypes), _check_isa(isa), not device, _symbol(disp.__name__))
    if declared is not None and not _is_none(declared) and declared != resty:
        raise TypingError(f"{disp.__name__}(): the signature declares return type {declared} but the "
                          f"function returns {resty} (declare the type it returns)")
    return code, resty


def compile_hsaco(fn, sig, isa=DEFAULT_ISA, device=None):
    """The code object (bytes of a loadable amdgcn-amd-amdhsa shared ELF)
    of fn at signature sig for isa; needs no GPU.  A kernel (``void``
    return, or fn a ``@roc.jit`` kernel) has the symbol ``name`` and the
    descriptor ``name.kd``; a device function (a return type in sig, or
    device=True) gets a C-ABI function ``name``."""
    _check_isa(isa)
    if isinstance(fn, Kernel):
        return fn.compile_hsaco(_kernel_signature(sig, fn.__name__), isa)
    disp = fn if isinstance(fn, Dispatcher) else \
        Dispatcher(getattr(fn, "py_func", fn), {"error_model": "numpy"})
    if device is None:
        device = not _is_none(_sigutils.normalize_signature(sig)[1])
    return _compile(disp, sig, device, isa)[0]


def last_compile_times():
    """Seconds per step of the last compile (lower, prepare, opt, codegen, link)."""
    return _core.roc_last_timing()
