"""jitprofile.roc's runtime side: AMD GPUs through the HSA runtime.

Thin glue over _core.roc_* (gpu/hsa/runtime.c, runtime_module.c): device
arrays, copies, loading code objects and launching kernels.  The HSA
library is dlopen'd on first use, so this module imports everywhere; without
the library or without a GPU (no /dev/kfd) every call that needs the device
raises RocSupportError naming what is missing, and ``is_available()`` is
False.  Each kernel's start and end, from HSA's own dispatch timestamps,
become gpu frames of a running jitprofile.Profile (device_activity.py)
under the Python function that launched it.

The compiling side (``@roc.jit``, ``compile_hsaco``) lives in
jitprofile.roc; it calls ``launch`` here with the code object.
"""
from __future__ import annotations

import hashlib
import threading
import warnings

import numpy as np

from .. import _core, _device
from ..device_activity import record_kernel

__all__ = ["RocSupportError", "RocError", "RocPerformanceWarning", "DeviceNDArray", "is_available",
           "reason", "agents", "to_device", "device_array", "device_array_like", "load", "kernel_info",
           "launch"]


class RocSupportError(RuntimeError):
    """Raised when the device is needed and there is none: no HSA runtime
    library (libhsa-runtime64-1), or no AMD GPU (/dev/kfd)."""


class RocError(RuntimeError):
    """A failing HSA call with a device present (a bad code object, a
    missing kernel, a queue error)."""


class RocPerformanceWarning(UserWarning):
    """Host arrays passed to a kernel are copied to the device and back."""


# ---- availability -------------------------------------------------------------------

def is_available() -> bool:
    """Whether the HSA runtime and an AMD GPU are usable here."""
    return bool(_core.roc_available()[0])


def reason() -> str:
    """Why no AMD GPU is usable ("" when one is)."""
    return _core.roc_available()[1]


def _require() -> None:
    ok, why = _core.roc_available()
    if not ok:
        raise RocSupportError(f"ROC is not available: {why}")


def _call(fn, *args):
    _require()
    try:
        return fn(*args)
    except RuntimeError as e:
        raise RocError(str(e)) from None


def agents() -> list[dict]:
    """The GPU agents: name (gfx90a), isa (the full target id), product,
    wavefront, compute_units, queue_max.  Kernels run on the first."""
    return _call(_core.roc_agents)


_label: list[str] = []


def _device_label() -> str:
    """The name kernels' gpu frames carry: the GPU's (gfx90a), read once."""
    if not _label:
        a = agents()
        _label.append(a[0]["name"] if a else "gpu")
    return _label[0]


# ---- device arrays ------------------------------------------------------------------

def _c_strides(shape, itemsize):
    strides, s = [], itemsize
    for n in reversed(shape):
        strides.insert(0, s)
        s *= n
    return tuple(strides)


class DeviceNDArray(_device.DeviceArrayBase):
    """An array in device memory (the GPU's coarse-grained pool): shape,
    dtype, strides and a device pointer; freed when collected."""

    def __init__(self, shape, dtype=np.float64, strides=None, _devptr=None):
        self.shape = tuple(int(n) for n in shape)
        self.dtype = np.dtype(dtype)
        self.strides = tuple(strides) if strides is not None else _c_strides(self.shape, self.dtype.itemsize)
        self.size = int(np.prod(self.shape)) if self.shape else 1
        self.nbytes = self.size * self.dtype.itemsize
        self.ndim = len(self.shape)
        self._owner = False
        self._devptr = _devptr if _devptr is not None else _call(_core.roc_malloc, self.nbytes)
        self._owner = _devptr is None

    def _dtoh(self, out):
        _call(_core.roc_dtoh, self._devptr, out)

    def _htod(self, ary):
        _call(_core.roc_htod, self._devptr, ary)

    def _free(self):
        _core.roc_free(self._devptr)

    def __repr__(self):
        return f"<roc DeviceNDArray shape={self.shape} dtype={self.dtype}>"


def to_device(ary) -> DeviceNDArray:
    """A device copy of a host array."""
    _require()
    ary = np.ascontiguousarray(ary)
    d = DeviceNDArray(ary.shape, ary.dtype)
    d.copy_to_device(ary)
    return d


def device_array(shape, dtype=np.float64) -> DeviceNDArray:
    """An uninitialised device array."""
    _require()
    return DeviceNDArray(shape if isinstance(shape, tuple) else (shape,), dtype)


def device_array_like(ary) -> DeviceNDArray:
    return device_array(tuple(ary.shape), ary.dtype)


# ---- argument types -----------------------------------------------------------------

def _array_type(shape, strides, dtype):
    nd = len(shape)
    itemsize = np.dtype(dtype).itemsize
    c = _c_strides(shape, itemsize)
    f, s = [], itemsize
    for n in shape:
        f.append(s)
        s *= n
    layout = "C" if tuple(strides) == c else "F" if tuple(strides) == tuple(f) else "A"
    return _core.Type(f"array({np.dtype(dtype).name}, {nd}d, {layout})")


def typeof(value):
    """The kernel argument type of a value (device arrays included)."""
    if isinstance(value, (DeviceNDArray, np.ndarray)):
        return _array_type(value.shape, value.strides, value.dtype)
    t = _core.typeof(value)
    if t is None:
        raise TypeError(f"a kernel argument cannot have type {type(value).__name__}")
    return t


# ---- code objects and launches ------------------------------------------------------

_lock = threading.Lock()
_executables: dict[bytes, int] = {}         # sha256 of a code object -> executable handle
_kernels: dict[tuple[int, str], tuple] = {}


def load(code_object: bytes) -> int:
    """The executable of a code object (loaded and frozen once per distinct
    code object, then cached for the process's life)."""
    code_object = bytes(code_object)
    key = hashlib.sha256(code_object).digest()
    with _lock:
        h = _executables.get(key)
        if h is None:
            h = _executables[key] = _call(_core.roc_load, code_object)
        return h


def kernel_info(code_object: bytes, kernel_name: str) -> tuple:
    """(kernel_object, kernarg_size, group_size, private_size) of a kernel."""
    h = load(code_object)
    with _lock:
        k = _kernels.get((h, kernel_name))
        if k is None:
            k = _kernels[(h, kernel_name)] = _call(_core.roc_kernel, h, kernel_name)
        return k


def _dim3(v, what):
    if isinstance(v, int):
        v = (v,)
    v = tuple(int(x) for x in v)
    if not 1 <= len(v) <= 3 or any(x < 1 for x in v):
        raise ValueError(f"{what} must be 1 to 3 positive sizes, not {v!r}")
    return (v + (1, 1))[:3]


def launch(code_object, kernel_name, groups, items, *rest, argtypes=None, dynamic_lds=0):
    """Run kernel `kernel_name` of a code object on groups x items
    work-items (ints or tuples up to 3-D; grid = groups * items) and wait
    for it: ``launch(code, name, groups, items, argtypes, args)`` or
    ``launch(code, name, groups, items, args)`` (types from the values).
    Host NumPy arrays are copied to the device and back (a
    RocPerformanceWarning: use to_device to keep data on the GPU).  The
    kernel's run is reported to a running Profile as a gpu frame under the
    caller.  Returns (start_ns, end_ns) on CLOCK_MONOTONIC (0, 0 when the
    runtime gave no times)."""
    if len(rest) == 2:
        argtypes, args = rest
    elif len(rest) == 1:
        (args,) = rest
    else:
        raise TypeError("launch(code_object, kernel_name, groups, items, [argtypes,] args)")
    args = tuple(args)
    groups, items = _dim3(groups, "groups"), _dim3(items, "items")
    _require()
    device_args, copies = _device.host_args_to_device(kernel_name, args, "roc", to_device, RocPerformanceWarning)
    if argtypes is None:
        argtypes = tuple(typeof(a) for a in device_args)
    else:
        argtypes = tuple(argtypes)
        # a host array's type was given for the host layout: the device copy is C-contiguous
        argtypes = tuple(typeof(d) if isinstance(a, np.ndarray) else t
                         for t, a, d in zip(argtypes, args, device_args))
    if len(argtypes) != len(device_args):
        raise TypeError(f"{kernel_name}: {len(argtypes)} argument types for {len(device_args)} arguments")
    k = kernel_info(code_object, kernel_name)
    start, end, _name = _call(_core.roc_launch, tuple(k) + (kernel_name,), groups, items, int(dynamic_lds),
                              argtypes, tuple(device_args))
    _device.copy_back(copies)
    try:
        record_kernel(kernel_name, start, end, device=_device_label())
    except Exception as e:      # noqa: BLE001 - the profiler never fails the program's launch
        warnings.warn(f"jitprofile: the kernel {kernel_name}'s run could not be recorded: {e}",
                      RuntimeWarning, stacklevel=2)
    return start, end
