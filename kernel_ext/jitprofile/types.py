"""The type language's objects: ``float64``, ``int64``, ``UniTuple(float64, 3)``..."""
import weakref

from . import _core

_t = _core.types
int8, int16, int32, int64 = _t["int8"], _t["int16"], _t["int32"], _t["int64"]
uint8, uint16, uint32, uint64 = _t["uint8"], _t["uint16"], _t["uint32"], _t["uint64"]
float32, float64 = _t["float32"], _t["float64"]
complex64, complex128 = _t["complex64"], _t["complex128"]
boolean = bool_ = _t["bool"]
none = void = _t["none"]
intp = int_ = _t["intp"]
f4, f8, c8, c16 = float32, float64, complex64, complex128
i1, i2, i4, i8 = int8, int16, int32, int64
u1, u2, u4, u8 = uint8, uint16, uint32, uint64
double = float64
Type = _core.Type
Signature = _core.Signature


class _Kind(type):
    """Numba-style type classes: ``isinstance(t, types.Float)`` tests the kind
    of a jitprofile Type (what @generated_jit and @overload receive)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, _core.Type) and cls._matches(obj)


class Type_(metaclass=_Kind):
    _matches = staticmethod(lambda t: True)


class Number(metaclass=_Kind):
    _matches = staticmethod(lambda t: t.kind in ("int", "float", "complex", "bool"))


class Integer(metaclass=_Kind):
    _matches = staticmethod(lambda t: t.kind == "int")


class Float(metaclass=_Kind):
    _matches = staticmethod(lambda t: t.kind == "float")


class Complex(metaclass=_Kind):
    _matches = staticmethod(lambda t: t.kind == "complex")


class Boolean(metaclass=_Kind):
    _matches = staticmethod(lambda t: t.kind == "bool")


class NoneType(metaclass=_Kind):
    _matches = staticmethod(lambda t: t.kind == "none")


class BaseTuple(metaclass=_Kind):
    _matches = staticmethod(lambda t: t.kind == "tuple")


class Array(metaclass=_Kind):
    """``types.Array(float64, 2, 'C')`` builds an array type; isinstance tests one."""
    _matches = staticmethod(lambda t: t.kind == "array")

    def __new__(cls, dtype, ndim, layout="A", readonly=False):
        return _core.Type(f"array({dtype}, {int(ndim)}d, {layout})")


class UniTuple(metaclass=_Kind):
    """``UniTuple(float64, 3)``: a tuple of `count` elements of one type."""
    _matches = staticmethod(lambda t: t.kind == "tuple" and t.dtype is not None)

    def __new__(cls, dtype, count):
        return _core.tuple_type([dtype] * count)


class Tuple(metaclass=_Kind):
    """``Tuple(int64, float64)``: a tuple of the given element types."""
    _matches = staticmethod(lambda t: t.kind == "tuple")

    def __new__(cls, *types):
        if len(types) == 1 and isinstance(types[0], (list, tuple)):
            types = tuple(types[0])
        return _core.tuple_type(list(types))


class DictType(metaclass=_Kind):
    """``DictType(int64, float64)``: the type of a typed dict (numba.typed.Dict)."""
    _matches = staticmethod(lambda t: t.kind == "dict")

    def __new__(cls, key_type, value_type):
        return _core.Type(f"DictType[{key_type}, {value_type}]")


__all__ = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float32", "float64", "complex64", "complex128", "boolean", "bool_", "none",
           "void", "intp", "int_", "f4", "f8", "c8", "c16", "i1", "i2", "i4", "i8", "u1",
           "u2", "u4", "u8", "double", "UniTuple", "Tuple", "Array", "Number", "Integer",
           "Float", "Complex", "Boolean", "NoneType", "BaseTuple", "DictType"]

# ---- Numba's other spellings (issue 11: the `numba` namespace) -------------
uintp = uint = _t["uint64"]
intc, uintc = int32, uint32
short, ushort = int16, uint16
long_, ulong = int64, uint64
longlong, ulonglong = int64, uint64
float_, byte = float32, uint8
b1 = boolean
Boolean_ = Boolean
Integer_ = Integer
__all__ += ["uintp", "uint", "intc", "uintc", "short", "ushort", "long_", "ulong",
            "longlong", "ulonglong", "float_", "byte", "b1"]

# strings (jit/str_runtime.h): Numba's spellings
unicode_type = string = _core.Type("unicode_type")


class UnicodeType(metaclass=_Kind):
    _matches = staticmethod(lambda t: t.kind == "unicode")


__all__ += ["unicode_type", "string", "UnicodeType"]

# Names of Numba types the JIT does not have: looked up lazily so that
# `from numba import types` keeps working; using one says so clearly.
_NOT_YET = {
    "List": "reflected lists", "Set": "sets",
    "NPDatetime": "datetime64", "NPTimedelta": "timedelta64", "pyobject": "Python objects",
    "voidptr": "void pointers", "CPointer": "pointers", "FunctionType": "first-class function types",
    "Omitted": "omitted-argument types", "Literal": "literal types", "literal": "literal types",
    "IntegerLiteral": "literal types", "StringLiteral": "literal types"
}


# ---- Optional(T) and deferred_type() (jit/types_optional.c) -----------------

def _as_type(t):
    if isinstance(t, str):
        return _core.Type(t)
    if isinstance(t, _core.Type):
        return t
    inner = getattr(t, "_jp_type", None) or getattr(t, "instance_type", None)
    if isinstance(inner, _core.Type):
        return inner
    raise TypeError(f"{t!r} is not a jitprofile type")


def optional(t):
    """Numba's ``types.optional(T)``: None or a T (spelled ``Optional(T)``)."""
    return _core.optional_type(_as_type(t))


Optional = OptionalType = optional


_DEFERRED = weakref.WeakSet()


class DeferredType:
    """Numba's ``deferred_type()``: a jitclass instance type named before the
    class exists, for self-referential classes::

        node_type = deferred_type()

        @jitclass([("value", int64), ("next", optional(node_type))])
        class Node: ...

        node_type.define(Node.class_type.instance_type)
    """

    def __init__(self):
        self._jp_type = _core.deferred_type()
        _DEFERRED.add(self)
        self._users = []        # jitclasses whose fields name this placeholder
        self._defined = None

    def define(self, t):
        t = _as_type(t)
        if self._defined is not None and self._defined != t:
            raise TypeError(f"deferred type already defined as {self._defined}")
        self._defined = t
        for cls in self._users:
            self._resolve(cls)

    def get(self):
        if self._defined is None:
            raise TypeError("deferred type not defined yet (call define())")
        return self._defined

    def _used_by(self, cls):
        self._users.append(cls)
        if self._defined is not None:
            self._resolve(cls)

    def _resolve(self, cls):
        t, opt = self._defined, f"Optional({self._jp_type})"
        _core.jitclass_define_deferred(cls._jp_type, self._jp_type, t)
        cls._jp_fields = {name: (t if ft is self._jp_type else optional(t) if str(ft) == opt else ft)
                          for name, ft in cls._jp_fields.items()}

    def __repr__(self):
        return f"DeferredType({self._defined if self._defined is not None else '?'})"


def deferred_type():
    return DeferredType()


class ListType(metaclass=_Kind):
    """``ListType(int64)``: the type of a numba.typed.List of int64 items
    (spelled ``ListType[int64]``); isinstance tests one."""
    _matches = staticmethod(lambda t: str(t).startswith("ListType["))

    def __new__(cls, item_type):
        return _core.Type(f"ListType[{_as_type(item_type)}]")


__all__ += ["optional", "Optional", "OptionalType", "deferred_type", "DeferredType", "ListType"]


def __getattr__(name):
    if name in _NOT_YET:
        try:
            return _core.Type(name)
        except Exception:
            raise AttributeError(
                f"jitprofile.types.{name}: {_NOT_YET[name]} are not supported by the JIT yet "
                "(see docs/conformance.md)") from None
    raise AttributeError(f"module 'jitprofile.types' has no attribute {name!r}")
