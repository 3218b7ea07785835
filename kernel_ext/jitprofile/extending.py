"""@generated_jit and @overload: implementations chosen by argument types.

A generator receives the argument *types* (``isinstance(x, types.Float)``,
``x.ndim``, ...) and returns the Python function to compile for them, or
raises (TypeError) to reject them.  Calls from Python and from jitted code
resolve the same way: jitted callers resolve at compile time (the frontend
looks templates up by identity in ``_registry``).
"""
import functools

from . import _core
from .decorators import jit


class GeneratedDispatcher:
    """What @generated_jit returns, and what @overload registers."""

    _jitprofile_generated = True

    def __init__(self, generator, options, name=None):
        self._generator = generator
        self._options = dict(options or {})
        self._impls = {}
        functools.update_wrapper(self, generator)
        if name:
            self.__name__ = name

    def _resolve(self, *argtypes):
        """The compiled implementation for these argument types."""
        impl = self._impls.get(argtypes)
        if impl is not None:
            return impl
        chosen = self._generator(*argtypes)
        if chosen is None:
            raise TypeError(f"{self.__name__}() has no implementation for argument types "
                            f"({', '.join(map(str, argtypes))})")
        impl = chosen if isinstance(chosen, _core.Dispatcher) else jit(**self._options)(chosen)
        self._impls[argtypes] = impl
        return impl

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise TypeError(f"{self.__name__}() takes positional arguments only")
        argtypes = []
        for i, a in enumerate(args):
            t = _core.typeof(a)
            if t is None:
                raise TypeError(f"{self.__name__}() argument {i + 1} has type {type(a).__name__}, "
                                "which jit code does not support")
            argtypes.append(t)
        return self._resolve(*argtypes)(*args)

    def __repr__(self):
        return f"<jitprofile.GeneratedDispatcher {self.__qualname__}>"


def generated_jit(function=None, nopython=True, **options):
    """Numba's @generated_jit: the decorated function receives argument types
    and returns the implementation to compile for them."""
    if not nopython:
        raise ValueError("generated_jit compiles in nopython mode only")
    options.pop("cache", None)

    def wrap(func):
        return GeneratedDispatcher(func, options)

    return wrap(function) if callable(function) else wrap


_registry = {}


def overload(func, jit_options=None, strict=True, inline="never", **kwargs):
    """Give `func` (a Python function, or a builtin) a jitted implementation:
    inside jitted code, calls to `func` compile the implementation that the
    decorated generator returns for the argument types."""

    def decorate(generator):
        _registry[func] = GeneratedDispatcher(generator, jit_options or {},
                                              name=getattr(func, "__name__", None))
        return generator

    return decorate


def _lookup(value):
    try:
        return _registry.get(value)
    except TypeError:       # unhashable
        return None
