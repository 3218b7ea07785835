"""@vectorize(target='roc'): ufuncs on AMD GPUs.

The scalar function becomes a device function; a kernel generated around
it maps it over flattened, broadcast inputs.  ``compile_hsaco()`` gives the
kernel's code object without a GPU; a call needs the runtime.
"""
import linecache

import numpy as np

from .. import _core, _sigutils
from . import DEFAULT_ISA, Kernel, _require

_counter = [0]


def _kernel_for(device_fn, nin):
    _counter[0] += 1
    name = f"__jp_roc_ufunc_{_counter[0]}"
    filename = f"<roc ufunc {device_fn.__name__}>"
    params = ", ".join(f"x{i}" for i in range(nin))
    loads = ", ".join(f"x{i}[i]" for i in range(nin))
    source = (f"def {name}({params}, out):\n"
              f"    i = roc.get_global_id(0)\n"
              f"    if i < out.shape[0]:\n"
              f"        out[i] = __jp_fn({loads})\n")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    from .. import roc as roc_module
    namespace = {"roc": roc_module, "__jp_fn": device_fn}
    exec(compile(source, filename, "exec"), namespace)
    return Kernel(namespace[name])


class ROCUFunc:
    """A ufunc that runs on an AMD GPU (see the module docstring)."""

    def __init__(self, func, signatures):
        self.py_func = func
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__
        self._device_fn = _core.Dispatcher(func, {"error_model": "numpy"})
        self._signatures = [_sigutils.normalize_signature(sig) for sig in signatures]
        self.nin = len(self._signatures[0][0])
        self._kernel = _kernel_for(self._device_fn, self.nin)

    def _output_dtype(self, dtypes):
        for args, ret in self._signatures:
            if ret is not None and all(str(a) == np.dtype(d).name for a, d in zip(args, dtypes)):
                return np.dtype(str(ret))
        return np.result_type(*dtypes)

    def _argtypes(self, dtypes):
        arrs = tuple(_core.Type(f"array({np.dtype(d).name}, 1d, C)") for d in dtypes)
        out = _core.Type(f"array({self._output_dtype(dtypes).name}, 1d, C)")
        return arrs + (out,)

    def compile_hsaco(self, dtypes=None, isa=DEFAULT_ISA):
        """The kernel's code object for the first signature (or the given dtypes)."""
        if dtypes is None:
            dtypes = [str(a) for a in self._signatures[0][0]]
        return self._kernel.compile_hsaco(self._argtypes(dtypes), isa)

    def __call__(self, *args):
        rt = _require()
        if len(args) != self.nin:
            raise TypeError(f"{self.__name__}() takes {self.nin} arguments ({len(args)} given)")
        shape = np.broadcast_shapes(*[np.shape(a) for a in args])
        dev = [rt.to_device(np.ascontiguousarray(np.broadcast_to(a, shape)).ravel()) for a in args]
        n = int(np.prod(shape)) if shape else 1
        result = rt.device_array(n, self._output_dtype([d.dtype for d in dev]))
        items = 256
        self._kernel[(n + items - 1) // items, items](*dev, result)
        return result.copy_to_host().reshape(shape)


def vectorize_roc(signatures):
    return lambda func: ROCUFunc(func, signatures)
