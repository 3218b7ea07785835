"""@vectorize(target='roc'): ufuncs on AMD GPUs.

The scalar function becomes a device function; a kernel generated around
it maps it over flattened, broadcast inputs.  ``compile_hsaco()`` gives the
kernel's code object without a GPU; a call needs the runtime.
"""
import numpy as np

from .. import _core, _device
from . import DEFAULT_ISA, Kernel, _require


def _kernel_for(device_fn, nin):
    from .. import roc as roc_module
    return _device.ufunc_kernel(device_fn, nin, "roc", roc_module, "roc.get_global_id(0)", Kernel)


class ROCUFunc(_device.DeviceUFunc):
    """A ufunc that runs on an AMD GPU (see the module docstring)."""

    def __init__(self, func, signatures):
        super().__init__(func, signatures, _kernel_for)

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
