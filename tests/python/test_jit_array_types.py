"""Array arguments (issue 3): typeof, the dispatcher's per-(dtype, ndim, layout, readonly)
overloads, every supported dtype round-tripping through jit code, and the TypeError for
unsupported array dtypes."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
          np.uint64, np.float32, np.float64, np.complex64, np.complex128]
DTYPE_NAMES = {np.bool_: "bool", np.int8: "int8", np.int16: "int16", np.int32: "int32",
               np.int64: "int64", np.uint8: "uint8", np.uint16: "uint16", np.uint32: "uint32",
               np.uint64: "uint64", np.float32: "float32", np.float64: "float64",
               np.complex64: "complex64", np.complex128: "complex128"}


def sample(dtype, shape, order="C"):
    n = int(np.prod(shape))
    base = np.arange(n) % 7 - 2
    if dtype is np.bool_:
        a = (base % 2) == 0
    elif np.issubdtype(dtype, np.unsignedinteger):
        a = (base + 3).astype(dtype)
    elif np.issubdtype(dtype, np.complexfloating):
        a = (base + 0.5j * np.arange(n)).astype(dtype)
    elif np.issubdtype(dtype, np.floating):
        a = (base * 1.25).astype(dtype)
    else:
        a = base.astype(dtype)
    return np.asarray(a.reshape(shape), order=order)


# ---- typeof -----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: DTYPE_NAMES[d])
def test_typeof_dtype_names(dtype):
    a = np.zeros(4, dtype=dtype)
    assert str(jitprofile.typeof(a)) == f"array({DTYPE_NAMES[dtype]}, 1d, C)"


@pytest.mark.parametrize("arr, expected", [
    (np.zeros((3, 4)), "array(float64, 2d, C)"),
    (np.zeros((3, 4), order="F"), "array(float64, 2d, F)"),
    (np.zeros((3, 4))[:, ::2], "array(float64, 2d, A)"),
    (np.zeros(10)[::3], "array(float64, 1d, A)"),
    (np.zeros(10)[::-1], "array(float64, 1d, A)"),
    (np.zeros((2, 3, 4), dtype=np.int32), "array(int32, 3d, C)"),
    (np.zeros((2, 3, 4), dtype=np.int32).T, "array(int32, 3d, F)"),
    (np.zeros((3, 4)).T, "array(float64, 2d, F)"),
    (np.zeros(5, dtype=np.complex64), "array(complex64, 1d, C)"),
], ids=["C2", "F2", "strided2", "strided1", "reversed1", "C3", "F3-T", "T2", "c64"])
def test_typeof_layouts(arr, expected):
    assert str(jitprofile.typeof(arr)) == expected


def test_typeof_readonly():
    a = np.zeros((2, 2))
    a.setflags(write=False)
    assert str(jitprofile.typeof(a)) == "readonly array(float64, 2d, C)"


def test_typeof_0d_array():
    t = jitprofile.typeof(np.zeros(()))
    assert t is not None
    assert "0d" in str(t) and "float64" in str(t)


# ---- dtype round trips --------------------------------------------------------------------

@njit
def get_first(a):
    return a[0]


@njit
def total_loop(a):
    s = a[0] - a[0]
    for i in range(a.shape[0]):
        s += a[i]
    return s


@njit
def copy_into(dst, src):
    for i in range(src.shape[0]):
        dst[i] = src[i]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: DTYPE_NAMES[d])
def test_element_read_every_dtype(dtype):
    a = sample(dtype, (6,))
    for i in range(6):
        a2 = np.roll(a, -i)
        r = get_first(a2)
        assert r == a2[0]
        # value type follows NumPy's scalar kind
        if dtype is np.bool_:
            assert isinstance(r, (bool, np.bool_))
        elif np.issubdtype(dtype, np.integer):
            assert isinstance(r, (int, np.integer))
        elif np.issubdtype(dtype, np.floating):
            assert isinstance(r, (float, np.floating))
        else:
            assert isinstance(r, (complex, np.complexfloating))


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d is not np.bool_],
                         ids=lambda d: DTYPE_NAMES[d])
def test_element_sum_loop_every_dtype(dtype):
    a = sample(dtype, (9,))
    got = total_loop(a)
    exp = total_loop.py_func(a)
    if np.issubdtype(dtype, np.inexact):
        np.testing.assert_allclose(got, exp, rtol=1e-6)
    else:
        assert got == exp


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: DTYPE_NAMES[d])
def test_element_store_every_dtype(dtype):
    src = sample(dtype, (7,))
    dst = np.zeros(7, dtype=dtype)
    copy_into(dst, src)
    np.testing.assert_array_equal(dst, src)
    assert dst.dtype == dtype


def test_uint64_large_values_roundtrip():
    a = np.array([2**64 - 1, 2**63, 1], dtype=np.uint64)
    dst = np.zeros(3, dtype=np.uint64)
    copy_into(dst, a)
    np.testing.assert_array_equal(dst, a)
    assert int(get_first(a)) == 2**64 - 1


@njit
def identity_scalar(x):
    return x


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d is not np.bool_])
def test_numpy_scalar_arguments_of_every_dtype(dtype):
    # Regression: a NumPy uint64 scalar argument raised "TypeError: an integer is
    # required" (the unsigned conversion accepted only exact Python ints).
    for value in (0, 1, 5):
        x = dtype(value)
        got = identity_scalar(x)
        assert got == x
    if dtype is np.uint64:
        assert int(identity_scalar(np.uint64(2**64 - 1))) == 2**64 - 1
        assert int(identity_scalar(np.uint64(2**63 + 5))) == 2**63 + 5


def test_float32_store_rounds_like_numpy():
    src = np.array([0.1, 1 / 3, 1e-40, 3.4e38], dtype=np.float32)
    dst = np.zeros(4, dtype=np.float32)
    copy_into(dst, src)
    assert dst.tobytes() == src.tobytes()


# ---- dispatcher fingerprint ---------------------------------------------------------------

def test_one_overload_per_dtype_ndim_layout_readonly():
    @njit
    def first_elem(a):
        return a.ravel()[0] if a.ndim > 1 else a[0]

    @njit
    def nd(a):
        return a.ndim

    x = np.arange(12.0)
    assert nd(x) == 1
    assert nd(x) == 1
    assert len(nd.signatures) == 1
    assert nd(x.reshape(3, 4)) == 2
    assert len(nd.signatures) == 2
    assert nd(np.asfortranarray(x.reshape(3, 4))) == 2
    assert len(nd.signatures) == 3
    assert nd(x.reshape(3, 4)[:, ::2]) == 2
    assert len(nd.signatures) == 4
    assert nd(x.astype(np.float32)) == 1
    assert len(nd.signatures) == 5
    ro = x.copy()
    ro.setflags(write=False)
    assert nd(ro) == 1
    assert len(nd.signatures) == 6
    # same kind again: no new overload
    assert nd(np.ones(5)) == 1
    assert nd(np.ones((2, 2))) == 2
    assert len(nd.signatures) == 6
    sigs = sorted(str(s[0]) for s in nd.signatures)
    assert sigs == sorted(["array(float64, 1d, C)", "array(float64, 2d, C)",
                           "array(float64, 2d, F)", "array(float64, 2d, A)",
                           "array(float32, 1d, C)", "readonly array(float64, 1d, C)"])


def test_readonly_argument_can_be_read():
    a = np.arange(5.0)
    a.setflags(write=False)
    assert total_loop(a) == 10.0
    assert get_first(a) == 0.0


def test_array_and_scalar_mixed_arguments():
    @njit
    def scale_at(a, i, k):
        return a[i] * k

    a = np.arange(5.0)
    assert scale_at(a, 3, 2.0) == 6.0
    assert scale_at(a, -1, 2) == 8.0


# ---- unsupported dtypes: TypeError naming argument and dtype ------------------------------

@njit
def takes_arr(values):
    return values.shape[0]


@pytest.mark.parametrize("arr, dtname", [
    (np.array([1, "a", None], dtype=object), "object"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), "datetime64"),
    (np.array([1, 2], dtype=">f8" if np.little_endian else "<f8"), None),
    (np.array(["ab", "c"]), "<U"),
    (np.array([1.0], dtype=np.float16), "float16"),
], ids=["object", "datetime64", "non-native-byteorder", "unicode", "float16"])
def test_unsupported_dtype_argument_is_type_error(arr, dtname):
    with pytest.raises(TypeError) as ei:
        takes_arr(arr)
    msg = str(ei.value)
    assert "values" in msg, msg
    # the dtype is named: NumPy's str() or repr() of it
    assert str(arr.dtype) in msg or repr(arr.dtype) in msg, msg
    # and the function still works afterwards
    assert takes_arr(np.zeros(3)) == 3


def test_unsupported_dtype_is_not_typing_error_crash():
    with pytest.raises(TypeError):
        takes_arr(np.array([object()], dtype=object))
    with pytest.raises(TypeError):
        takes_arr(np.array([object()], dtype=object))
