"""Issue 7: calling C from jitted code: ctypes function pointers (.argtypes/.restype),
CFFI ABI mode (ffi.dlopen) and out-of-line API modules compiled at test time
(ffibuilder.compile(tmpdir=...)), pointer parameters taking float64 arrays, and a
clear TypingError for C signatures jit code cannot pass (structs).
"""
import ctypes
import ctypes.util
import importlib
import math
import os
import sys

import numpy as np
import pytest

from jitprofile import njit, TypingError

from conftest import line_of

cffi = pytest.importorskip("cffi")

THIS_FILE = os.path.abspath(__file__)

# ---------------------------------------------------------------- ctypes

libm = ctypes.CDLL(ctypes.util.find_library("m"))
c_cos = libm.cos
c_cos.argtypes = [ctypes.c_double]
c_cos.restype = ctypes.c_double
c_pow = libm.pow
c_pow.argtypes = [ctypes.c_double, ctypes.c_double]
c_pow.restype = ctypes.c_double
c_cosf = libm.cosf
c_cosf.argtypes = [ctypes.c_float]
c_cosf.restype = ctypes.c_float
libc = ctypes.CDLL(None)
c_abs = libc.labs
c_abs.argtypes = [ctypes.c_long]
c_abs.restype = ctypes.c_long


@njit
def use_ctypes_cos(x):
    return c_cos(x)


@njit
def ctypes_loop(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += c_cos(a[i]) + c_pow(a[i], 2.0)
    return s


def test_ctypes_libm_cos():
    for x in (0.0, 0.5, -2.0, 100.0):
        assert use_ctypes_cos(x) == math.cos(x)
    # an int argument is converted to double as C would
    assert use_ctypes_cos(1) == math.cos(1.0)


def test_ctypes_in_a_loop_and_several_types():
    a = np.linspace(-3, 3, 101)
    assert math.isclose(ctypes_loop(a), float(np.sum(np.cos(a) + a ** 2)), rel_tol=1e-14)

    @njit
    def f(x, n):
        return c_cosf(x), c_abs(n)
    r = f(0.5, -7)
    assert r[0] == np.float32(math.cos(0.5)) or math.isclose(r[0], math.cos(0.5), rel_tol=1e-6)
    assert r[1] == 7


def test_ctypes_function_passed_as_argument_or_global_same_result():
    @njit
    def via_global(x):
        return c_cos(x) * 2
    assert via_global(0.25) == 2 * math.cos(0.25)


class Pair(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


# ---------------------------------------------------------------- CFFI ABI mode

ffi = cffi.FFI()
ffi.cdef("double sin(double); double atan2(double, double); long labs(long);")
abi_lib = ffi.dlopen(None)


@njit
def abi_sin(x):
    return abi_lib.sin(x)


@njit
def abi_mix(y, x, n):
    return abi_lib.atan2(y, x) + abi_lib.labs(n)


def test_cffi_abi_mode():
    for x in (0.0, 0.5, -1.5, 1e3):
        assert abi_sin(x) == math.sin(x)
    assert abi_mix(1.0, 2.0, -3) == math.atan2(1.0, 2.0) + 3


# ---------------------------------------------------------------- CFFI out-of-line API module

CDEF = """
double dot(double *a, double *b, long n);
void scale(double *a, long n, double k);
int iadd(int a, int b);
double hyp(double a, double b);
typedef struct { double x; double y; } pt;
double pt_x(pt p);
double pt_ptr_x(pt *p);
"""

SOURCE = """
#include <math.h>
double dot(double *a, double *b, long n) { double s = 0; for (long i = 0; i < n; i++) s += a[i] * b[i]; return s; }
void scale(double *a, long n, double k) { for (long i = 0; i < n; i++) a[i] *= k; }
int iadd(int a, int b) { return a + b; }
double hyp(double a, double b) { return sqrt(a * a + b * b); }
typedef struct { double x; double y; } pt;
double pt_x(pt p) { return p.x; }
double pt_ptr_x(pt *p) { return p->x; }
"""


@pytest.fixture(scope="module")
def api_lib(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cffi_api")
    builder = cffi.FFI()
    builder.cdef(CDEF)
    name = "_jp_issue7_cffi_api"
    builder.set_source(name, SOURCE, libraries=["m"])
    builder.compile(tmpdir=str(tmp), verbose=False)
    sys.path.insert(0, str(tmp))
    try:
        mod = importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp))
    return mod


def test_cffi_api_scalars(api_lib):
    lib = api_lib.lib

    @njit
    def f(a, b):
        return lib.iadd(a, b), lib.hyp(3.0, 4.0)

    assert f(2, 40) == (42, 5.0)
    assert f(-5, 5) == (0, 5.0)


def test_cffi_api_pointer_parameters_take_float64_arrays(api_lib):
    lib = api_lib.lib

    @njit
    def dot(a, b):
        return lib.dot(a, b, a.shape[0])

    @njit
    def scale(a, k):
        lib.scale(a, a.shape[0], k)

    a = np.arange(5.0)
    b = np.linspace(1, 2, 5)
    assert dot(a, b) == float(np.dot(a, b))
    scale(a, 3.0)
    assert a.tolist() == [0.0, 3.0, 6.0, 9.0, 12.0]
    # an array allocated inside jitted code
    @njit
    def inner(n):
        x = np.ones(n)
        lib.scale(x, n, 2.5)
        return lib.dot(x, x, n)
    assert inner(4) == 4 * 6.25


def test_cffi_api_pointer_rejects_wrong_dtype(api_lib):
    lib = api_lib.lib

    @njit
    def dot(a, b):
        return lib.dot(a, b, a.shape[0])

    with pytest.raises(TypingError):
        dot(np.arange(3), np.arange(3))           # int64 arrays for double *


def test_cffi_struct_parameter_is_clear_typing_error(api_lib):
    lib = api_lib.lib

    @njit
    def by_value(x):
        return lib.pt_x(x)  # TAG-cffi-struct

    with pytest.raises(TypingError) as ei:
        by_value(1.0)
    msg = str(ei.value)
    assert f"{os.path.basename(THIS_FILE)}:{line_of(THIS_FILE, 'TAG-cffi-struct')}" in msg, msg
    assert "pt" in msg and "LLVM" not in msg

    @njit
    def by_pointer(x):
        return lib.pt_ptr_x(x)

    with pytest.raises(TypingError):
        by_pointer(np.zeros(2))


def test_ctypes_struct_parameter_is_clear_typing_error(api_lib):
    dll = ctypes.CDLL(api_lib.__file__)
    fn = dll.pt_x
    fn.argtypes = [Pair]
    fn.restype = ctypes.c_double
    assert fn(Pair(1.5, 2.0)) == 1.5                # fine from Python

    @njit
    def call(x):
        return fn(x)  # TAG-ctypes-struct

    with pytest.raises(TypingError) as ei:
        call(1.0)
    msg = str(ei.value)
    assert f"{os.path.basename(THIS_FILE)}:{line_of(THIS_FILE, 'TAG-ctypes-struct')}" in msg, msg
    assert "ctypes" in msg and "LLVM" not in msg


def test_ctypes_pointer_parameter_takes_float64_array(api_lib):
    dll = ctypes.CDLL(api_lib.__file__)
    fn = dll.dot
    fn.argtypes = [ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_double), ctypes.c_long]
    fn.restype = ctypes.c_double

    @njit
    def dot(a, b):
        return fn(a, b, a.shape[0])

    a = np.arange(4.0)
    assert dot(a, a) == 14.0


def test_ctypes_without_restype_or_argtypes_is_clear_error():
    bare = libm.exp2                               # no argtypes/restype declared

    @njit
    def call(x):
        return bare(x)

    with pytest.raises((TypingError, TypeError)) as ei:
        call(1.0)
    assert "LLVM" not in str(ei.value)


def test_wrong_argument_count_is_typing_error(api_lib):
    lib = api_lib.lib

    @njit
    def few(a):
        return lib.hyp(a)

    @njit
    def few_ctypes(a):
        return c_pow(a)

    with pytest.raises(TypingError):
        few(1.0)
    with pytest.raises(TypingError):
        few_ctypes(1.0)
