"""The type language's objects: ``float64``, ``int64``, ``UniTuple(float64, 3)``..."""
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

# Names of Numba types the JIT does not have: looked up lazily so that
# `from numba import types` keeps working; using one says so clearly.
_NOT_YET = {
    "unicode_type": "strings", "string": "strings", "ListType": "typed lists",
    "List": "reflected lists", "Set": "sets",
    "Optional": "Optional types", "optional": "Optional types",
    "NPDatetime": "datetime64", "NPTimedelta": "timedelta64", "pyobject": "Python objects",
    "voidptr": "void pointers", "CPointer": "pointers", "FunctionType": "first-class function types",
    "Omitted": "omitted-argument types", "Literal": "literal types", "literal": "literal types",
    "IntegerLiteral": "literal types", "StringLiteral": "literal types", "deferred_type": "deferred types",
}


def __getattr__(name):
    if name in _NOT_YET:
        try:
            return _core.Type(name)
        except Exception:
            raise AttributeError(
                f"jitprofile.types.{name}: {_NOT_YET[name]} are not supported by the JIT yet "
                "(see docs/conformance.md)") from None
    raise AttributeError(f"module 'jitprofile.types' has no attribute {name!r}")
