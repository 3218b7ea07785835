"""np.median, quantile, percentile, nanmedian, nanquantile, nanpercentile and
the nan* reductions along an integer axis of n-d arrays in jit code (issue 12):
values and dtypes against NumPy's own, for float64/float32/int64 data in C,
Fortran, strided and transposed layouts, every axis (negative too)."""
import numpy as np
import pytest

from jitprofile import UnsupportedError, _core, njit

DTYPES = [np.float64, np.float32, np.int64]


def data(dtype, shape=(4, 5, 6), seed=0, nan=True):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        a = (rng.standard_normal(shape) * 10).astype(dtype)
        a.flat[7] = a.flat[9]            # ties
        if nan:
            a.flat[[3, 50, 51, 52, 53, 54]] = np.nan
        return a
    return rng.integers(-20, 20, shape).astype(dtype)


def layouts(a):
    """C, Fortran, a strided view, a transposed view"""
    return [a, np.asfortranarray(a), a[::2, ::-1, 1::2], a.transpose(2, 0, 1)]


def close(got, want, dtype):
    tol = 1e-5 if np.dtype(dtype) == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True)


def check(got, want, dtype):
    assert isinstance(got, np.ndarray) and got.shape == want.shape, (got, want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.flags.c_contiguous
    close(got, want, dtype)


# ---- median, nanmedian ----------------------------------------------------------------------

@njit
def j_median(a, k):
    return np.median(a, axis=k)


@njit
def j_nanmedian(a, k):
    return np.nanmedian(a, k)           # axis positional


@pytest.mark.parametrize("dtype", DTYPES)
def test_median_along_each_axis_matches_numpy(dtype):
    a = data(dtype)
    for v in layouts(a):
        for k in range(-v.ndim, v.ndim):
            check(j_median(v, k), np.median(v, axis=k), dtype)
            check(j_nanmedian(v, k), np.nanmedian(v, axis=k), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_median_2d_rows_and_columns(dtype):
    a = data(dtype, (7, 8))
    for v in [a, a.T, a[::-2, 1::3]]:
        for k in (0, 1):
            check(j_median(v, k), np.median(v, axis=k), dtype)
            check(j_nanmedian(v, k), np.nanmedian(v, axis=k), dtype)


def test_median_of_1d_along_axis_0_is_a_scalar():
    a = np.array([3.0, 1.0, 2.0, 7.0])
    assert j_median(a, 0) == np.median(a, axis=0) == 2.5
    assert isinstance(j_median(a, -1), float)
    assert j_nanmedian(np.array([1.0, np.nan, 5.0]), 0) == 3.0


# ---- quantile, percentile and the nan forms -------------------------------------------------

@njit
def j_quantile(a, q, k):
    return np.quantile(a, q, axis=k)


@njit
def j_percentile(a, q, k):
    return np.percentile(a, q, k)       # axis positional


@njit
def j_nanquantile(a, q, k):
    return np.nanquantile(a, q, axis=k)


@njit
def j_nanpercentile(a, q, k):
    return np.nanpercentile(a, q, axis=k)


@pytest.mark.parametrize("dtype", DTYPES)
def test_quantile_family_along_each_axis_matches_numpy(dtype):
    a = data(dtype)
    for v in layouts(a):
        for k in range(-v.ndim, v.ndim):
            for q in (0.0, 0.3, 0.5, 1.0):
                check(j_quantile(v, q, k), np.quantile(v, q, axis=k), dtype)
                check(j_nanquantile(v, q, k), np.nanquantile(v, q, axis=k), dtype)
            for p in (0, 37.5, 90, 100):
                check(j_percentile(v, p, k), np.percentile(v, p, axis=k), dtype)
                check(j_nanpercentile(v, p, k), np.nanpercentile(v, p, axis=k), dtype)


def test_quantile_out_of_range_along_an_axis_is_numpys_value_error():
    a = data(np.float64)
    with pytest.raises(ValueError, match="Quantiles must be in the range"):
        j_quantile(a, 1.5, 1)
    with pytest.raises(ValueError, match="Percentiles must be in the range"):
        j_percentile(a, -1.0, 0)


# ---- nan reductions ---------------------------------------------------------------------------

NAN_NAMES = ["nansum", "nanprod", "nanmin", "nanmax", "nanmean", "nanvar", "nanstd"]


def make_nan(name):
    fn = getattr(np, name)

    def f(a, k):
        return fn(a, axis=k)
    return njit(f)


JNAN = {name: make_nan(name) for name in NAN_NAMES}


@njit
def j_nanvar_ddof(a, k):
    return np.nanvar(a, k, ddof=1)


@njit
def j_nanstd_ddof(a, k):
    return np.nanstd(a, axis=k, ddof=2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAN_NAMES)
def test_nan_reductions_along_each_axis_match_numpy(name, dtype):
    a = data(dtype)
    if name == "nanprod":
        a = (a / 20 + 1).astype(dtype) if np.dtype(dtype).kind == "f" else (a % 3).astype(dtype)
    for v in layouts(a):
        for k in range(-v.ndim, v.ndim):
            check(JNAN[name](v, k), getattr(np, name)(v, axis=k), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nanvar_nanstd_ddof_along_an_axis(dtype):
    a = data(dtype)
    for v in layouts(a):
        for k in range(v.ndim):
            check(j_nanvar_ddof(v, k), np.nanvar(v, axis=k, ddof=1), dtype)
            check(j_nanstd_ddof(v, k), np.nanstd(v, axis=k, ddof=2), dtype)


def test_all_nan_lane_gives_nan_as_numpy():
    a = np.ones((3, 4))
    a[1, :] = np.nan
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        want = np.nanmedian(a, axis=1)
    np.testing.assert_array_equal(j_nanmedian(a, 1), want)
    np.testing.assert_array_equal(JNAN["nansum"](a, 1), np.nansum(a, axis=1))
    np.testing.assert_array_equal(JNAN["nanmax"](a, 1), np.array([1.0, np.nan, 1.0]))


def test_nanmin_of_an_empty_lane_is_value_error():
    with pytest.raises(ValueError, match="zero-size"):
        JNAN["nanmin"](np.zeros((3, 0)), 1)


def test_axis_out_of_range_is_value_error_as_numpys_axis_error():
    a = data(np.float64)
    for k in (3, -4):
        with pytest.raises(ValueError):
            np.median(a, axis=k)
        with pytest.raises(ValueError, match="axis"):
            j_median(a, k)
        with pytest.raises(ValueError, match="axis"):
            JNAN["nanmean"](a, k)


def test_axis_results_release_their_arrays():
    a = data(np.float64)
    j_median(a, 1), JNAN["nanstd"](a, 2), j_quantile(a, 0.2, 0)
    before = _core.nrt_stats()[0]
    for _ in range(20):
        j_median(a, 1), JNAN["nanstd"](a, 2), j_quantile(a, 0.2, 0)
    assert _core.nrt_stats()[0] == before


def median_tuple_axis(a):
    return np.median(a, axis=(0, 1))


def quantile_array_q_axis(a):
    return np.quantile(a, np.array([0.1, 0.9]), axis=0)


@pytest.mark.parametrize("fn,words", [
    (median_tuple_axis, "one integer axis"),
    (quantile_array_q_axis, "one q at a time"),
])
def test_unsupported_axis_forms_name_the_place_and_an_alternative(fn, words):
    with pytest.raises(UnsupportedError, match=words) as info:
        njit(fn)(np.arange(12.0).reshape(3, 4))
    assert "test_jit_np_axis_stats.py:" in str(info.value)


@njit
def j_nanvar_whole_ddof2(a):
    return np.nanvar(a, ddof=2), np.nanstd(a, ddof=2)


def test_integer_nanvar_with_no_degrees_of_freedom_is_inf_as_numpy():
    # NumPy's nanvar of integers is np.var: ss / max(n - ddof, 0) -> inf (0/0 -> nan), not nan
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        for a in (np.array([1, 2]), np.array([3, 3]), np.array([1, 5, 2])):
            got, want = j_nanvar_whole_ddof2(a), (np.nanvar(a, ddof=2), np.nanstd(a, ddof=2))
            np.testing.assert_array_equal(got, want)
            if len(a) == 2:
                np.testing.assert_array_equal(JNAN_DDOF2(a.reshape(1, 2), 1), np.nanvar(a.reshape(1, 2), axis=1,
                                                                                      ddof=2))


@njit
def JNAN_DDOF2(a, k):
    return np.nanvar(a, axis=k, ddof=2)


@njit
def j_keepdims(a, k):
    return (np.median(a, axis=k, keepdims=True), np.nanmean(a, k, keepdims=True),
            np.quantile(a, 0.25, axis=k, keepdims=True), np.nanstd(a, axis=k, ddof=1, keepdims=True),
            np.nanmax(a, axis=k, keepdims=False))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("dtype", DTYPES)
def test_keepdims_along_an_axis_matches_numpy(dtype):
    a = data(dtype)
    for v in layouts(a) + [a[0], a[0, 0]]:
        for k in range(-v.ndim, v.ndim):
            got = j_keepdims(v, k)
            want = (np.median(v, axis=k, keepdims=True), np.nanmean(v, k, keepdims=True),
                    np.quantile(v, 0.25, axis=k, keepdims=True), np.nanstd(v, axis=k, ddof=1, keepdims=True),
                    np.nanmax(v, axis=k, keepdims=False))
            for g, w in zip(got, want):
                if np.ndim(w) == 0:         # keepdims=False of a 1-d array: the scalar
                    assert not isinstance(g, np.ndarray)
                    close(g, w, dtype)
                else:
                    check(g, w, dtype)
    # the typical use: centring rows
    v = data(np.float64, (5, 7), nan=False)
    np.testing.assert_allclose(v - j_keepdims(v, 1)[1], v - v.mean(axis=1, keepdims=True), rtol=1e-12)


def median_keepdims_no_axis(a):
    return np.median(a, keepdims=True)


def nanmean_keepdims_variable(a):
    kd = a.shape[0] > 1
    return np.nanmean(a, axis=0, keepdims=kd)


@pytest.mark.parametrize("fn,words", [
    (median_keepdims_no_axis, "without an integer axis"),
    (nanmean_keepdims_variable, "constant True or False"),
])
def test_keepdims_forms_not_supported_name_the_place(fn, words):
    with pytest.raises(UnsupportedError, match=words) as info:
        njit(fn)(np.arange(12.0).reshape(3, 4))
    assert "test_jit_np_axis_stats.py:" in str(info.value)
