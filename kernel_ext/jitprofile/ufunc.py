"""@vectorize and @guvectorize (Numba's spelling) over jit/ufunc.c.

With signatures the result is a real ``numpy.ufunc`` whose inner loops are
compiled kernels.  Without signatures (any target, ``parallel`` included)
the result compiles a loop for each new combination of input types on
first use, like Numba's DUFunc.
"""
import re

from . import _core
from .serialize import remember

_TARGETS = ("cpu", "parallel", "cuda", "roc")


def _split_signature(sig):
    """(argument types, return type or None) of one signature, in any form
    @jit takes (the shared reader, jit/signature.c)."""
    args, ret = _core.normalize_signature(sig)
    return args, (None if ret is None or str(ret) == "none" else ret)


_kernels = {}       # ufunc -> its kernel's dispatcher (calls from jitted code)


def _kernel(func):
    # ufunc kernels follow NumPy's error rules: x / 0.0 gives inf, no exception
    return _core.Dispatcher(func, {"error_model": "numpy"})


def _lookup(obj):
    """The dispatcher jitted code calls for a ufunc made here, or None."""
    try:
        return _kernels.get(obj)
    except TypeError:
        return None


def _check_target(target):
    if target not in _TARGETS:
        raise ValueError(f"unknown vectorize target {target!r}: use one of {', '.join(_TARGETS)}")


def _element_type(value):
    import numpy as np
    if isinstance(value, (np.ndarray, np.generic)):
        return _core.typeof(np.asarray(value).dtype.type(0))
    t = _core.typeof(value)
    if t is None:
        raise TypeError(f"unsupported ufunc operand of type {type(value).__name__}")
    return t


class DUFunc:
    """A ufunc that compiles a loop for each new combination of input types."""

    def __init__(self, func, identity=None, target="cpu"):
        self._disp = _kernel(func)
        self._identity = identity
        self._parallel = target == "parallel"
        self._loops = []
        self._keys = set()
        self._ufunc = None
        self.nin = func.__code__.co_argcount
        self.nout = 1
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__doc__ = func.__doc__
        self.__wrapped__ = func
        _kernels[self] = self._disp

    def _ensure(self, key):
        if key in self._keys:
            return
        self._loops.append((key, None))
        self._ufunc = _core.build_ufunc(self._disp, self._loops, self.__name__, self.__doc__ or "",
                                        self.nin, 1, self._identity, self._parallel, None, (), ())
        self._keys.add(key)

    @property
    def ufunc(self):
        """The current numpy.ufunc (None before the first call)."""
        return self._ufunc

    def __call__(self, *args, **kwargs):
        if len(args) < self.nin:
            raise TypeError(f"{self.__name__}() takes {self.nin} arguments ({len(args)} given)")
        self._ensure(tuple(_element_type(a) for a in args[:self.nin]))
        return self._ufunc(*args, **kwargs)

    def _reduce_like(self, method, array, *args, **kwargs):
        t = _element_type(array)
        self._ensure((t,) * self.nin)
        return getattr(self._ufunc, method)(array, *args, **kwargs)

    def reduce(self, array, *args, **kwargs):
        return self._reduce_like("reduce", array, *args, **kwargs)

    def accumulate(self, array, *args, **kwargs):
        return self._reduce_like("accumulate", array, *args, **kwargs)

    def outer(self, a, b, **kwargs):
        self._ensure((_element_type(a), _element_type(b)))
        return self._ufunc.outer(a, b, **kwargs)

    @property
    def types(self):
        return [] if self._ufunc is None else self._ufunc.types

    @property
    def ntypes(self):
        return len(self._loops)

    @property
    def identity(self):
        return self._identity

    def __repr__(self):
        return f"<jitprofile.DUFunc {self.__name__}>"

    def __reduce__(self):
        from .serialize import reduce_jitted
        return reduce_jitted(self)


def vectorize(ftylist_or_function=(), identity=None, nopython=True, target="cpu", cache=False,
              **options):
    """Compile a scalar function into a NumPy ufunc (Numba-compatible).

    ``@vectorize(["float64(float64, float64)", ...], target="cpu"|"parallel")``
    returns a numpy.ufunc; ``@vectorize`` or ``@vectorize(target="parallel")``
    without signatures compiles on first use for the argument types.
    ``identity`` (0, 1, a value or "reorderable") enables ``reduce`` on empty
    and multi-axis inputs.  ``target="parallel"`` splits long loops over the
    thread pool (``jitprofile.set_num_threads``).
    """
    if not nopython:
        raise ValueError("vectorize compiles in nopython mode only")
    _check_target(target)
    if target == "cuda":
        from .cuda.ufunc import vectorize_cuda
        if callable(ftylist_or_function) or not ftylist_or_function:
            raise TypeError("vectorize(target='cuda') needs signatures, e.g. ['float64(float64, float64)']")
        sigs = ftylist_or_function
        return vectorize_cuda([sigs] if isinstance(sigs, (str, _core.Signature)) else list(sigs))
    if target == "roc":
        from .roc.ufunc import vectorize_roc
        if callable(ftylist_or_function) or not ftylist_or_function:
            raise TypeError("vectorize(target='roc') needs signatures, e.g. ['float64(float64, float64)']")
        sigs = ftylist_or_function
        return vectorize_roc([sigs] if isinstance(sigs, (str, _core.Signature)) else list(sigs))

    def wrap(func, sigs):
        if not sigs:
            return DUFunc(func, identity, target)
        loops = [_split_signature(s) for s in sigs]
        nin = len(loops[0][0])
        kernel = _kernel(func)
        uf = _core.build_ufunc(kernel, list(loops), func.__name__, func.__doc__ or "", nin, 1,
                               identity, target == "parallel", None, (), ())
        _kernels[uf] = kernel
        return uf

    recipe = {k: v for k, v, default in (("identity", identity, None), ("target", target, "cpu"),
                                         ("cache", cache, False)) if v != default}
    if callable(ftylist_or_function) and not isinstance(ftylist_or_function, (_core.Type, _core.Signature)):
        return remember(wrap(ftylist_or_function, []), "vectorize", (), recipe, ftylist_or_function)
    sigs = ftylist_or_function
    if isinstance(sigs, (str, _core.Signature)):
        sigs = [sigs]
    return lambda func: remember(wrap(func, list(sigs)), "vectorize", (list(sigs),), recipe, func)


_DIMS = re.compile(r"\(([^()]*)\)")


def _parse_layout(layout):
    """'(n),()->(n)' -> (inputs, outputs), each a list of dimension-name tuples."""
    if "->" not in layout:
        raise ValueError(f"a gufunc layout needs '->': {layout!r}")
    left, right = layout.replace(" ", "").split("->")

    def groups(text):
        found = _DIMS.findall(text)
        if "".join(f"({g})" for g in found).replace(",", "") != text.replace(",", ""):
            raise ValueError(f"bad gufunc layout {layout!r}")
        return [tuple(d for d in g.split(",") if d) for g in found]

    return groups(left), groups(right)


def guvectorize(ftylist, signature, identity=None, nopython=True, target="cpu", cache=False,
                **options):
    """Compile a function over core dimensions into a generalized ufunc.

    ``@guvectorize(["void(float64[:], float64, float64[:])"], "(n),()->(n)")``:
    outputs are the trailing array arguments, written in place.
    """
    if not nopython:
        raise ValueError("guvectorize compiles in nopython mode only")
    _check_target(target)
    inputs, outputs = _parse_layout(signature)
    names = []
    for group in inputs + outputs:
        for d in group:
            if d not in names:
                names.append(d)
    core_ndims = [len(g) for g in inputs + outputs]
    core_dims = [names.index(d) for g in inputs + outputs for d in g]
    if isinstance(ftylist, (str, _core.Signature)):
        ftylist = [ftylist]

    def wrap(func):
        loops = []
        for sig in ftylist:
            args, _ = _split_signature(sig)
            if len(args) != len(core_ndims):
                raise TypeError(f"signature {sig!r} has {len(args)} arguments but the layout "
                                f"{signature!r} has {len(core_ndims)} operands")
            loops.append((args, None))
        kernel = _kernel(func)
        uf = _core.build_ufunc(kernel, loops, func.__name__, func.__doc__ or "",
                               len(inputs), len(outputs), identity, target == "parallel",
                               signature.replace(" ", ""), core_ndims, core_dims)
        recipe = {k: v for k, v, default in (("identity", identity, None), ("target", target, "cpu"),
                                             ("cache", cache, False)) if v != default}
        return remember(uf, "guvectorize", (list(ftylist), signature), recipe, func)

    return wrap


def set_num_threads(n):
    """Threads used by parallel ufuncs and prange loops."""
    _core.set_num_threads(int(n))


def get_num_threads():
    return _core.get_num_threads()
