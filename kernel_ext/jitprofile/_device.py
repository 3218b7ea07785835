"""The Python glue the device targets (jitprofile.cuda, jitprofile.roc) share:
intrinsic markers and their namespaces, the device array's host copies, the
host-array copy-in/copy-out around a launch, and the ufunc kernel generated around a device function.
Each target binds these to its own name (``cuda``, ``roc``)."""
import linecache
import warnings

import numpy as np

from . import _core, _sigutils


class Intrinsic:
    """A marker the frontend recognises (jit/target.h): _jitprofile_intrinsic =
    (target, name, Python spelling).  Subclasses set ``target``."""
    target = None

    def __init__(self, name, shown=None):
        self._jitprofile_intrinsic = (self.target, name, shown or name)

    def __call__(self, *args, **kwargs):
        t = self._jitprofile_intrinsic[0]
        raise RuntimeError(f"{t}.{self._jitprofile_intrinsic[2]} can only be used inside @{t}.jit code")

    def __repr__(self):
        return f"<{self._jitprofile_intrinsic[0]} intrinsic {self._jitprofile_intrinsic[2]}>"


class Namespace:
    """shared.array, atomic.add ...: markers named prefix.name."""

    def __init__(self, intrinsic, prefix, names):
        for name in names:
            setattr(self, name, intrinsic(f"{prefix}.{name}"))


def namespaces(intrinsic):
    """The (shared, local, atomic) namespaces every device target has."""
    return (Namespace(intrinsic, "shared", ["array"]), Namespace(intrinsic, "local", ["array"]),
            Namespace(intrinsic, "atomic", ["add", "sub", "max", "min", "exch", "cas"]))


def host_args_to_device(kernel_name, args, target, to_device, warning):
    """(device args, copies): each NumPy array argument copied to the device
    (with a performance warning), the rest as given; copies are (host,
    device) pairs for copy_back after the launch."""
    device_args, copies = [], []
    for a in args:
        if isinstance(a, np.ndarray):
            warnings.warn(f"{kernel_name}: a host array argument is copied to the device and back; "
                          f"use {target}.to_device to keep data on the GPU", warning, stacklevel=3)
            d = to_device(a)
            copies.append((a, d))
            device_args.append(d)
        else:
            device_args.append(a)
    return device_args, copies


def copy_back(copies):
    """Copy each device array back into the host array it came from."""
    for host, dev in copies:
        if host.flags.c_contiguous:
            dev.copy_to_host(host)
        else:
            host[...] = dev.copy_to_host()


class DeviceArrayBase:
    """What the targets' DeviceNDArray share: copies to and from the host
    (C-contiguous, same size), len, indexing (through a host copy) and
    freeing what it allocated.  Subclasses set shape, dtype, nbytes,
    _devptr and _owner, and give _dtoh(out), _htod(ary) and _free()."""

    def copy_to_host(self, ary=None):
        """The data as a new NumPy array, or copied into ary (C-contiguous,
        same size)."""
        out = ary if ary is not None else np.empty(self.shape, self.dtype)
        if not out.flags.c_contiguous or out.nbytes != self.nbytes:
            raise ValueError("copy_to_host needs a C-contiguous array of the same size")
        self._dtoh(out)
        return out

    def copy_to_device(self, ary):
        ary = np.ascontiguousarray(ary, dtype=self.dtype)
        if ary.nbytes != self.nbytes:
            raise ValueError("copy_to_device needs an array of the same size")
        self._htod(ary)

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, index):
        return self.copy_to_host()[index]

    def __del__(self):
        if getattr(self, "_owner", False):
            try:
                self._free()
            except Exception:       # noqa: BLE001 - interpreter shutdown, no device
                pass


# ---- @vectorize(target=...) ------------------------------------------------------------

_counter = [0]


def ufunc_kernel(device_fn, nin, target, module, index, kernel_class):
    """A kernel `k(x0, .., out)` applying device_fn elementwise, out[i] for
    i = index (the target's global thread index expression); generated
    source, registered in linecache so the frontend can read it."""
    _counter[0] += 1
    name = f"__jp_{target}_ufunc_{_counter[0]}"
    filename = f"<{target} ufunc {device_fn.__name__}>"
    params = ", ".join(f"x{i}" for i in range(nin))
    loads = ", ".join(f"x{i}[i]" for i in range(nin))
    source = (f"def {name}({params}, out):\n"
              f"    i = {index}\n"
              f"    if i < out.shape[0]:\n"
              f"        out[i] = __jp_fn({loads})\n")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {target: module, "__jp_fn": device_fn}
    exec(compile(source, filename, "exec"), namespace)
    return kernel_class(namespace[name])


class DeviceUFunc:
    """What the targets' ufuncs share: the device function, the normalised
    signatures, the generated kernel, and the output dtype rule."""

    def __init__(self, func, signatures, make_kernel):
        self.py_func = func
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__
        self._device_fn = _core.Dispatcher(func, {"error_model": "numpy"})
        self._signatures = [_sigutils.normalize_signature(sig) for sig in signatures]
        self.nin = len(self._signatures[0][0]) if self._signatures else func.__code__.co_argcount
        self._kernel = make_kernel(self._device_fn, self.nin)

    def _output_dtype(self, dtypes):
        for args, ret in self._signatures:
            if ret is not None and all(str(a) == np.dtype(d).name for a, d in zip(args, dtypes)):
                return np.dtype(str(ret))
        return np.result_type(*dtypes)
