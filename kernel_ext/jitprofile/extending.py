"""@generated_jit and @overload: implementations chosen by argument types.

A generator receives the argument *types* (``isinstance(x, types.Float)``,
``x.ndim``, ...) and returns the Python function to compile for them, or
raises (TypeError) to reject them.  Calls from Python and from jitted code
resolve the same way: jitted callers resolve at compile time (the frontend
looks templates up by identity in ``_registry``).
"""
import functools
import sys

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

    def _resolve_kw(self, args, kwargs):
        """The implementation for a call from jit code with keyword
        arguments: their types are passed to the generator by name."""
        key = (tuple(args), tuple(sorted(kwargs.items(), key=lambda kv: kv[0])))
        impl = self._impls.get(key)
        if impl is not None:
            return impl
        chosen = self._generator(*args, **kwargs)
        if chosen is None:
            raise TypeError(f"{self.__name__}() has no implementation for argument types "
                            f"({', '.join([str(a) for a in args] + [f'{k}={v}' for k, v in kwargs.items()])})")
        impl = chosen if isinstance(chosen, _core.Dispatcher) else jit(**self._options)(chosen)
        self._impls[key] = impl
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
_np_lib_loaded = False


def _load_np_lib():
    """Register the NumPy functions written in Python (_np_lib.py) before
    the first lookup that could name one; a user's own @overload of the same
    function, made later, replaces them."""
    global _np_lib_loaded
    _np_lib_loaded = True
    from . import _np_lib  # noqa: F401


def overload(func, jit_options=None, strict=True, inline="never", **kwargs):
    """Give `func` (a Python function, or a builtin) a jitted implementation:
    inside jitted code, calls to `func` compile the implementation that the
    decorated generator returns for the argument types."""

    def decorate(generator):
        prev = _registry.get(func)
        gen = generator
        if prev is not None and getattr(prev, "_jitprofile_builtin", False):
            # jitprofile's own implementation (_np_lib.py) stays for the types the user's
            # generator declines (returns None), as Numba keeps its own templates
            gen = _chain(generator, prev._generator)
        _registry[func] = GeneratedDispatcher(gen, jit_options or {}, name=getattr(func, "__name__", None))
        return generator

    return decorate


def _chain(first, then):
    """A generator asking `first`, then `then` when first declines (None)."""
    def generator(*args, **kwargs):
        chosen = first(*args, **kwargs)
        return chosen if chosen is not None else then(*args, **kwargs)
    return generator


def _lookup(value):
    if not _np_lib_loaded and "numpy" in sys.modules:
        _load_np_lib()
    try:
        return _registry.get(value)
    except TypeError:       # unhashable
        return None


def register_jitable(*args, **kwargs):
    """Numba's @register_jitable: the function stays a plain Python function
    for Python callers, and jit code that calls it compiles it (with the
    given jit options) for the argument types of each call."""

    def wrap(fn):
        _registry[fn] = GeneratedDispatcher(lambda *argtypes: fn, kwargs,
                                            name=getattr(fn, "__name__", None))
        return fn

    if len(args) == 1 and callable(args[0]) and not kwargs:
        return wrap(args[0])
    return wrap


class _LowLevel:
    """A name from Numba's low-level extension API (typing templates, data
    models, LLVM lowering through llvmlite).  jitprofile compiles through
    its own C pipeline and has no such layer: using the name says so."""

    def __init__(self, name):
        self._name = name

    def _fail(self, *args, **kwargs):
        from .errors import NumbaNotImplementedError
        raise NumbaNotImplementedError(
            f"numba.extending.{self._name} is not supported by jitprofile (it has no llvmlite "
            "typing/lowering layer): write the operation in Python under @register_jitable or "
            "@overload, or call a C function through ctypes/cffi from jit code")

    __call__ = _fail

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        self._fail()

    def __repr__(self):
        return f"<unsupported numba.extending.{self._name}>"


intrinsic = _LowLevel("intrinsic")
overload_method = _LowLevel("overload_method")
overload_attribute = _LowLevel("overload_attribute")
overload_classmethod = _LowLevel("overload_classmethod")
box = _LowLevel("box")
unbox = _LowLevel("unbox")
typeof_impl = _LowLevel("typeof_impl")
models = _LowLevel("models")
register_model = _LowLevel("register_model")
make_attribute_wrapper = _LowLevel("make_attribute_wrapper")
lower_builtin = _LowLevel("lower_builtin")
lower_cast = _LowLevel("lower_cast")
lower_getattr = _LowLevel("lower_getattr")
type_callable = _LowLevel("type_callable")
NativeValue = _LowLevel("NativeValue")


def _register_literal_helpers():
    from . import _literal
    for fn in (_literal.literally, _literal.literal_unroll):
        _registry[fn] = GeneratedDispatcher(lambda *argtypes: _literal.identity, {},
                                            name=fn.__name__)


_register_literal_helpers()
