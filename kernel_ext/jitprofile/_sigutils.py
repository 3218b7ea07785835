"""Signatures for every decorator, read in one place (Numba's ``sigutils``).

One signature is read by C (``jit/signature.c``, the reader the CPU
dispatcher uses too); this module adds what the decorators share on top:
telling a signature from a list of them, in Numba's spelling.

Forms of one signature (Numba's and numba-cuda's): ``"float64(float64)"``,
``"void(float64[:])"``, ``"(float64[:], int64)"``, ``"float64[:], int64"``,
``float64(float64)`` and ``void(float64[:])`` (Signature objects), a tuple
of types ``(float64[:], float64[:])``, and Numba's own Signature objects
(``numba.core.typing.signature(...)``).
"""
from . import _core

#: (argument types, return type or None) of one signature
normalize_signature = _core.normalize_signature


def is_signature(obj):
    """Whether obj is one signature (not a function, a list, or options)."""
    if isinstance(obj, (str, tuple, _core.Signature)):
        return True
    return (not isinstance(obj, type) and not callable(obj)
            and hasattr(obj, "args") and hasattr(obj, "return_type"))


def signature_list(obj):
    """The signatures a decorator was given: None, one signature, or a list
    of them.  (A tuple of signatures is a list too, for @jit; a tuple of
    types is one signature.)"""
    if obj is None:
        return []
    if isinstance(obj, list):
        return list(obj)
    if isinstance(obj, tuple) and obj and all(_is_whole_signature(t) for t in obj):
        return list(obj)
    return [obj]


def _is_whole_signature(obj):
    """A Signature, or text that is a signature ("float64(float64)"; not a
    type name such as "float64[:]", which is one argument of a tuple)."""
    if isinstance(obj, _core.Signature):
        return True
    if not isinstance(obj, str):
        return False
    try:
        normalize_signature(obj)
    except (TypeError, ValueError):
        return False
    return True
