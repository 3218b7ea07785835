"""What the C frontend needs to call a foreign C function from jit code:
its address and C signature, from a ctypes function pointer or a CFFI
function (ABI mode `ffi.dlopen` or an out-of-line compiled module).

describe(obj) -> (address, return type, (argument types...)) spelled in the
type language ("float64", "int32", "ptr:float64" for `double *`), or None
when obj is not a foreign function.
"""
import sys

_CTYPES = {
    "c_double": "float64", "c_float": "float32", "c_bool": "bool",
    "c_byte": "int8", "c_ubyte": "uint8", "c_short": "int16", "c_ushort": "uint16",
    "c_int": "int32", "c_uint": "uint32", "c_long": "int64", "c_ulong": "uint64",
    "c_longlong": "int64", "c_ulonglong": "uint64", "c_ssize_t": "int64", "c_size_t": "uint64",
    "c_int8": "int8", "c_uint8": "uint8", "c_int16": "int16", "c_uint16": "uint16",
    "c_int32": "int32", "c_uint32": "uint32", "c_int64": "int64", "c_uint64": "uint64",
}

_CFFI = {
    "double": "float64", "float": "float32", "_Bool": "bool", "char": "int8",
    "signed char": "int8", "unsigned char": "uint8", "short": "int16", "unsigned short": "uint16",
    "int": "int32", "unsigned int": "uint32", "long": "int64", "unsigned long": "uint64",
    "long long": "int64", "unsigned long long": "uint64", "int8_t": "int8", "uint8_t": "uint8",
    "int16_t": "int16", "uint16_t": "uint16", "int32_t": "int32", "uint32_t": "uint32",
    "int64_t": "int64", "uint64_t": "uint64", "size_t": "uint64", "ssize_t": "int64",
    "intptr_t": "int64", "uintptr_t": "uint64",
}


def _ctype_name(t):
    import ctypes
    if t is None:
        return "none"
    if isinstance(t, type) and issubclass(t, ctypes._Pointer):
        inner = _ctype_name(t._type_)
        return None if inner is None or inner.startswith("ptr:") else "ptr:" + inner
    return _CTYPES.get(getattr(t, "__name__", ""))


def _describe_ctypes(fn):
    import ctypes
    if fn.argtypes is None:
        raise TypeError(f"ctypes function {getattr(fn, '__name__', fn)!r} needs .argtypes "
                        "(and .restype) to be called from jit code")
    args = [_ctype_name(t) for t in fn.argtypes]
    ret = _ctype_name(fn.restype)
    if None in args or ret is None or ret.startswith("ptr:"):
        raise TypeError(f"ctypes function {getattr(fn, '__name__', fn)!r} has argument or return "
                        "types jit code cannot pass (numbers and pointers to numbers only)")
    return ctypes.cast(fn, ctypes.c_void_p).value, ret, tuple(args)


def _cffi_type_name(ffi, ct):
    if ct.kind == "primitive":
        return _CFFI.get(ct.cname)
    if ct.kind == "void":
        return "none"
    if ct.kind == "pointer" and ct.item.kind == "primitive" and ct.item.cname in _CFFI:
        return "ptr:" + _CFFI[ct.item.cname]
    return None


def _describe_cffi(obj):
    backend = sys.modules.get("_cffi_backend")
    if backend is None:
        return None
    ffi = backend.FFI()
    try:
        ct = ffi.typeof(obj)
    except (TypeError, ffi.error):
        return None
    if ct.kind == "pointer" and ct.item.kind == "function":
        ct = ct.item
    if ct.kind != "function" or ct.ellipsis:
        return None
    args = [_cffi_type_name(ffi, a) for a in ct.args]
    ret = _cffi_type_name(ffi, ct.result)
    if None in args or ret is None or ret.startswith("ptr:"):
        raise TypeError(f"CFFI function {ct.cname!r} has argument or return types jit code "
                        "cannot pass (numbers and pointers to numbers only)")
    address = int(ffi.cast("uintptr_t", ffi.cast(ct.cname.replace("(", "(*", 1), obj)))
    return address, ret, tuple(args)


def describe(obj):
    ctypes = sys.modules.get("ctypes")
    if ctypes is not None and isinstance(obj, ctypes._CFuncPtr):
        return _describe_ctypes(obj)
    mod = type(obj).__module__
    if mod == "_cffi_backend" or (type(obj).__name__ == "builtin_function_or_method"
                                  and type(getattr(obj, "__self__", None)).__name__ == "Lib"):
        return _describe_cffi(obj)
    return None
