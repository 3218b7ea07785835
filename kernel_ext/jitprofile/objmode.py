"""Object mode: functions that run in the Python interpreter.

``@jit(forceobj=True)`` returns an ObjModeDispatcher: calls run the Python
function itself, and the first call gives one ObjectModeWarning (the code is
not compiled, so it runs at CPython's speed).  ``@jit(nopython=False)``
compiles like ``@jit`` and falls back to the interpreter, with the same
one-time warning naming the reason, for the argument types that fail to
compile (Numba's object-mode fallback).  ``looplift`` is accepted and has
no effect: loops are not lifted out of object-mode functions.

``objmode`` (``with objmode(x='float64[:]'):``) is a no-op context manager
in plain Python, as in Numba; inside jit code the frontend rejects the
block with an UnsupportedError that says what to write instead.
"""
import functools
import warnings

from . import _core
from .errors import ObjectModeWarning

_COMPILE_ERRORS = (_core.CompileError,)


class ObjModeDispatcher:
    """What ``@jit(forceobj=True)`` / ``@jit(nopython=False)`` return."""

    _jitprofile_objmode = True

    def __init__(self, func, compiled=None, reason="forceobj=True"):
        self.py_func = func
        self._reason = reason
        self._compiled = compiled       # a Dispatcher (nopython=False) or None (forceobj)
        self._fallback = set()          # argument type keys that failed to compile
        self._warned = False
        functools.update_wrapper(self, func)

    def _warn(self, reason):
        if self._warned:
            return
        self._warned = True
        warnings.warn(f"function {self.py_func.__qualname__!r} runs in object mode (the Python "
                      f"interpreter, not compiled code): {reason}", ObjectModeWarning, stacklevel=3)

    def __call__(self, *args, **kwargs):
        if self._compiled is None:
            self._warn(self._reason)
            return self.py_func(*args, **kwargs)
        key = tuple(str(_core.typeof(a)) for a in args) + tuple(sorted(kwargs))
        if key not in self._fallback:
            try:
                return self._compiled(*args, **kwargs)
            except _COMPILE_ERRORS as e:
                self._fallback.add(key)
                self._warn("nopython=False and compilation failed:\n" + str(e))
        return self.py_func(*args, **kwargs)

    @property
    def signatures(self):
        return [] if self._compiled is None else self._compiled.signatures

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __repr__(self):
        return f"<jitprofile.ObjModeDispatcher {self.py_func.__qualname__}>"


class _ObjModeContext:
    """``objmode(x='float64[:]')``: a no-op context manager in plain Python."""

    _jitprofile_objmode_ctx = True

    def __call__(self, *args, **types):
        return self

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "jitprofile.objmode"


objmode = _ObjModeContext()
