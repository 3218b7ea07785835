"""``numba.typed``: ``List`` and ``Dict``.

The names import (``from numba.typed import List, Dict`` works under the
alias).  ``Dict`` is the typed dict shared with jit code (typed_dict.py);
until typed lists land, ``List`` raises a clear NotImplementedError naming
what to write instead.
"""
from .errors import NumbaNotImplementedError

_HINT = ("use a plain list instead (lst = [] and lst.append(x) in jit code compile to list(T); "
         "a Python list argument is a reflected list), or a NumPy array")


class _Missing:
    _what = ""

    def __init__(self, *args, **kwargs):
        raise NumbaNotImplementedError(f"jitprofile.typed.{self._what} is not supported yet: {_HINT}")

    @classmethod
    def empty(cls, *args, **kwargs):
        raise NumbaNotImplementedError(f"jitprofile.typed.{cls._what}.empty is not supported yet: {_HINT}")

    @classmethod
    def empty_list(cls, *args, **kwargs):
        raise NumbaNotImplementedError(f"jitprofile.typed.{cls._what}.empty_list is not supported yet: {_HINT}")


class List(_Missing):
    """numba.typed.List (not supported yet)."""
    _what = "List"


from .typed_dict import Dict  # noqa: E402  (DictType[K, V], shared with jit code)


__all__ = ["List", "Dict"]
