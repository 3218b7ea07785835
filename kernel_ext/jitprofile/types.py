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


def UniTuple(dtype, count):
    """A tuple of `count` elements of one type."""
    return _core.tuple_type([dtype] * count)


def Tuple(*types):
    """A tuple of the given element types (one argument: a sequence)."""
    if len(types) == 1 and isinstance(types[0], (list, tuple)):
        types = tuple(types[0])
    return _core.tuple_type(list(types))


__all__ = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float32", "float64", "complex64", "complex128", "boolean", "bool_", "none",
           "void", "intp", "int_", "f4", "f8", "c8", "c16", "i1", "i2", "i4", "i8", "u1",
           "u2", "u4", "u8", "double", "UniTuple", "Tuple"]
