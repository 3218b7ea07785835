"""``numba.typed``: ``List`` and ``Dict``.

The names import (``from numba.typed import List, Dict`` works under the
alias); until typed containers land, using them raises a clear
NotImplementedError naming what to write instead.
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


class Dict(_Missing):
    """numba.typed.Dict (not supported yet)."""
    _what = "Dict"


__all__ = ["List", "Dict"]
