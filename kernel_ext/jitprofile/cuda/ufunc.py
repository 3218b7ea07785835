"""@vectorize(target='cuda'): GPU ufuncs.

The scalar function becomes a device function; a kernel generated around
it maps it over flattened, broadcast inputs.  Unlike Numba's (numba issue
2266), when any input is already a device array the result stays on the
device (no round trip), and the host/device transfer time of each call is
kept in ``last_transfer_seconds``.
"""
import time

import numpy as np

from .. import _core, _device
from . import DeviceNDArray, Kernel, _require, to_device, device_array


def _kernel_for(device_fn, nin):
    from .. import cuda as cuda_module
    return _device.ufunc_kernel(device_fn, nin, "cuda", cuda_module, "cuda.grid(1)", Kernel)


class CUDAUFunc(_device.DeviceUFunc):
    """A ufunc that runs on the GPU (see the module docstring)."""

    def __init__(self, func, signatures):
        super().__init__(func, signatures, _kernel_for)
        self.last_transfer_seconds = 0.0

    def ptx(self, dtypes=None, cc=(7, 5)):
        """The kernel's PTX for the first signature (or the given dtypes)."""
        args = self._signatures[0][0] if dtypes is None else tuple(_core.Type(np.dtype(d).name) for d in dtypes)
        arrs = tuple(_core.Type(f"array({a}, 1d, C)") for a in args)
        out = _core.Type(f"array({self._output_dtype([str(a) for a in args]).name}, 1d, C)")
        return self._kernel.compile_ptx(arrs + (out,), cc[0] * 10 + cc[1])

    def __call__(self, *args, out=None):
        _require()
        if len(args) != self.nin:
            raise TypeError(f"{self.__name__}() takes {self.nin} arguments ({len(args)} given)")
        on_device = any(isinstance(a, DeviceNDArray) for a in args) or isinstance(out, DeviceNDArray)
        transfer = 0.0
        host = [a.copy_to_host() if isinstance(a, DeviceNDArray) and a.ndim > 1 else a for a in args]
        shape = np.broadcast_shapes(*[np.shape(a) for a in host])
        dev = []
        for a in host:
            if isinstance(a, DeviceNDArray) and a.shape == shape:
                dev.append(a)
                continue
            t = time.perf_counter()
            dev.append(to_device(np.ascontiguousarray(np.broadcast_to(a, shape)).ravel()))
            transfer += time.perf_counter() - t
        dtype = self._output_dtype([d.dtype for d in dev])
        n = int(np.prod(shape)) if shape else 1
        result = out if isinstance(out, DeviceNDArray) else device_array(n, dtype)
        threads = 256
        self._kernel[(n + threads - 1) // threads, threads](*dev, result)
        _core.cuda_sync()
        if on_device:
            self.last_transfer_seconds = transfer
            return result
        t = time.perf_counter()
        host_out = result.copy_to_host().reshape(shape)
        self.last_transfer_seconds = transfer + time.perf_counter() - t
        if out is not None:
            out[...] = host_out
            return out
        return host_out


def vectorize_cuda(signatures):
    return lambda func: CUDAUFunc(func, signatures)
