"""``numba.typed.Dict``: a typed dict shared with jit code.

A ``Dict`` wraps one hash table of the JIT's runtime (``DictType[K, V]``):
jit code receives that table itself (no copy: mutations are visible both
ways) and a dict jit code returns comes back as a ``Dict``.  In Python it is
a ``MutableMapping``; keys are numbers, strings or tuples of those.
"""
from collections.abc import MutableMapping

from ._core import _DictBase


class Dict(_DictBase, MutableMapping):
    """numba.typed.Dict: ``Dict.empty(key_type=types.int64, value_type=types.float64)``,
    or ``Dict()`` (the types come from the first item stored)."""

    @classmethod
    def empty(cls, key_type, value_type, n_keys=0):
        """An empty dict of the given key and value types (Numba's spelling)."""
        del n_keys      # a size hint: the table grows as needed
        return cls(key_type, value_type)

    def keys(self):
        return self._snapshot(1)

    def values(self):
        return self._snapshot(2)

    def items(self):
        return self._snapshot(3)

    def popitem(self):
        """The last item out (LIFO, as dict's and Numba's; MutableMapping's pops the first)."""
        keys = self._snapshot(1)
        if not keys:
            raise KeyError("popitem(): dictionary is empty")
        key = keys[-1]
        return key, self.pop(key)

    def __repr__(self):
        inner = ", ".join(f"{k!r}: {v!r}" for k, v in self.items())
        return "{" + inner + "}"

    def __str__(self):
        return repr(self)

    def __eq__(self, other):
        if isinstance(other, (dict, MutableMapping)):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        import copy
        r = type(self)() if self._key_type is None else type(self)(self._key_type, self._value_type)
        for k, v in self.items():
            r[k] = copy.deepcopy(v, memo)
        return r

    def __reduce__(self):
        kt = None if self._key_type is None else str(self._key_type)
        vt = None if self._value_type is None else str(self._value_type)
        return (_rebuild, (type(self), kt, vt, self.items()))

    def __class_getitem__(cls, item):
        return cls


def _rebuild(cls, kt, vt, items):
    r = cls() if kt is None else cls(kt, vt)
    for k, v in items:
        r[k] = v
    return r


# what jit code resolves `Dict.empty` to (the bound classmethod compares equal)
_Dict_empty = Dict.empty

__all__ = ["Dict"]
