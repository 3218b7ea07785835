"""``numba.typed``: ``List`` (and ``Dict``, not supported yet).

``List`` is Numba's typed list: a native list of one item type
(``ListType[int64]``) that Python and jit code share.  Passed to a jitted
function it is not copied (mutations are visible both ways); ``List()`` built
in jit code comes back to Python as a ``List``.  The box is
``jitprofile._core.TypedListBase`` (jit/typed_list.c); every operation below
is a small jitted function over ``ListType[T]``, so lists behave the same in
Python and in jit code (jit/lower_list.c does the work).

    from numba.typed import List
    l = List([1, 2, 3])                 # ListType[int64]
    e = List.empty_list(types.float64)

``Dict`` is Numba's typed dict (``DictType[K, V]``), shared with jit code the
same way (typed_dict.py).
"""
from . import _core
from .decorators import njit
from .errors import NumbaNotImplementedError, TypingError

_HINT = ("use a plain list instead (lst = [] and lst.append(x) in jit code compile to list(T); "
         "a Python list argument is a reflected list), or a NumPy array")


# ---- the operations, compiled once per item type ----------------------------------

@njit
def _append(lst, item):
    lst.append(item)


@njit
def _extend(lst, items):
    for x in items:
        lst.append(x)


@njit
def _getitem(lst, i):
    return lst[i]


@njit
def _setitem(lst, i, item):
    lst[i] = item


@njit
def _pop(lst, i):
    return lst.pop(i)


@njit
def _insert(lst, i, item):
    lst.insert(i, item)


@njit
def _sort(lst, reverse):
    lst.sort(reverse=reverse)


@njit
def _reverse(lst):
    lst.reverse()


@njit
def _index(lst, item):
    return lst.index(item)


@njit
def _count(lst, item):
    return lst.count(item)


@njit
def _remove(lst, item):
    lst.remove(item)


@njit
def _clear(lst):
    lst.clear()


@njit
def _contains(lst, item):
    return item in lst


def _item_type(value):
    t = _core.typeof(value)
    if t is None:
        raise TypeError(f"a typed List cannot hold {value!r}")
    return t


def _empty_list(item_type, allocated=0):
    """``List.empty_list(item_type)``: an empty ``ListType[item_type]``."""
    lst = List()
    lst._jp_init(_core.Type(f"ListType[{item_type}]"))
    return lst


class List(_core.TypedListBase):
    """numba.typed.List: a list of one item type shared with jit code."""

    _jitprofile_namespace = True        # List.empty_list(...) resolves in jit code

    empty_list = staticmethod(_empty_list)

    def __init__(self, iterable=None, allocated=0):
        if iterable is not None:
            self.extend(iterable)

    def _typed_for(self, item):
        if self._list_type is None:
            self._jp_init(_core.Type(f"ListType[{_item_type(item)}]"))

    @property
    def _numba_type_(self):
        return self._list_type

    def _store(self, op, *args):
        """op(self, *args, item): an item of another type is Python's TypeError
        (as list operations are), not a typing error inside this module."""
        try:
            return op(self, *args)
        except TypingError:
            item = args[-1]
            raise TypeError(f"a {self._list_type} cannot hold {item!r} "
                            f"({_core.typeof(item)})") from None

    def append(self, item):
        self._typed_for(item)
        self._store(_append, item)

    def extend(self, iterable):
        items = iterable if isinstance(iterable, (list, List)) else list(iterable)
        if len(items) == 0:
            return
        self._typed_for(items[0])
        if isinstance(items, List) or all(type(x) is type(items[0]) for x in items):
            _extend(self, items)
        else:
            for x in items:
                _append(self, x)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return List([self[k] for k in range(*i.indices(len(self)))])
        self._need_type()
        return _getitem(self, i)

    def __setitem__(self, i, item):
        self._need_type()
        self._store(_setitem, i, item)

    def __delitem__(self, i):
        self.pop(i)

    def pop(self, i=-1):
        if len(self) == 0:
            raise IndexError("pop from empty list")
        return _pop(self, i)

    def insert(self, i, item):
        self._typed_for(item)
        self._store(_insert, i, item)

    def sort(self, key=None, reverse=False):
        if len(self) == 0:
            return
        if key is not None:
            items = sorted(self, key=key, reverse=reverse)
            for k, v in enumerate(items):
                self._store(_setitem, k, v)
            return
        _sort(self, bool(reverse))

    def reverse(self):
        if len(self):
            _reverse(self)

    def index(self, item):
        if len(self) == 0:
            raise ValueError(f"{item!r} is not in list")
        return _index(self, item)

    def count(self, item):
        return _count(self, item) if len(self) else 0

    def remove(self, item):
        if len(self) == 0:
            raise ValueError("list.remove(x): x not in list")
        _remove(self, item)

    def clear(self):
        if len(self):
            _clear(self)

    def copy(self):
        return List(self)

    def __contains__(self, item):
        return len(self) > 0 and _contains(self, item)

    def __iter__(self):
        for i in range(len(self)):
            yield _getitem(self, i)

    def __eq__(self, other):
        if not isinstance(other, (List, list)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __repr__(self):
        items = ", ".join(repr(x) for x in self)
        return f"ListType[{self._list_type.dtype if self._list_type else 'undefined'}]([{items}])"

    def _need_type(self):
        if self._list_type is None:
            raise IndexError("list index out of range")


from .typed_dict import Dict  # noqa: E402  (DictType[K, V], shared with jit code)


__all__ = ["List", "Dict"]
