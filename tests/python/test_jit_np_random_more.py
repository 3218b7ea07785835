"""np.random.shuffle, np.random.permutation and np.random.choice in jit code
(issue 12).  jit code's np.random.seed(n) gives NumPy's legacy MT19937
stream, and these follow NumPy's legacy algorithms, so each result is
compared with NumPy's own after the same seed, for several dtypes and
layouts; plus the semantics (a permutation holds every item once, the
shuffle is in place, seeded runs repeat) and NumPy's errors."""
import numpy as np
import pytest

from jitprofile import TypingError, njit


@njit
def j_shuffle(x, seed):
    np.random.seed(seed)
    np.random.shuffle(x)


@njit
def j_permutation(x, seed):
    np.random.seed(seed)
    return np.random.permutation(x)


@njit
def j_choice1(a, seed):
    np.random.seed(seed)
    return np.random.choice(a)


@njit
def j_choice(a, size, replace, seed):
    np.random.seed(seed)
    return np.random.choice(a, size, replace=replace)


@njit
def j_choice_p(a, size, replace, p, seed):
    np.random.seed(seed)
    return np.random.choice(a, size, replace, p)


@njit
def j_choice_shape(a, seed):
    np.random.seed(seed)
    return np.random.choice(a, (3, 4))


@njit
def j_choice_p_only(a, p, seed):
    np.random.seed(seed)
    return np.random.choice(a, p=p)


def np_run(seed, fn, *args, **kw):
    np.random.seed(seed)
    return fn(*args, **kw)


DTYPES = [np.float64, np.float32, np.int64]


@pytest.mark.parametrize("dtype", DTYPES)
def test_shuffle_1d_matches_numpy_in_place(dtype):
    for n in (0, 1, 2, 17, 100):
        base = (np.arange(n) * 3 - 7).astype(dtype)
        for seed in (0, 1, 12345):
            x, y = base.copy(), base.copy()
            assert j_shuffle(x, seed) is None
            np_run(seed, np.random.shuffle, y)
            np.testing.assert_array_equal(x, y)
            np.testing.assert_array_equal(np.sort(x), np.sort(base))      # each item once


def test_shuffle_of_a_strided_view_changes_only_the_view():
    x, y = np.arange(20.0), np.arange(20.0)
    j_shuffle(x[::3], 7)
    np_run(7, np.random.shuffle, y[::3])
    np.testing.assert_array_equal(x, y)
    assert np.array_equal(np.delete(x, np.arange(0, 20, 3)), np.delete(np.arange(20.0), np.arange(0, 20, 3)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_shuffle_nd_shuffles_rows_as_numpy(dtype):
    base = np.arange(30).reshape(6, 5).astype(dtype)
    for v in (base.copy(), np.asfortranarray(base), base.copy().reshape(3, 2, 5)):
        w = v.copy(order="A")
        j_shuffle(v, 3)
        np_run(3, np.random.shuffle, w)
        np.testing.assert_array_equal(v, w)


def test_seeded_runs_repeat_and_unseeded_runs_differ():
    a, b = np.arange(50), np.arange(50)
    j_shuffle(a, 99)
    j_shuffle(b, 99)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, np.arange(50))


@pytest.mark.parametrize("dtype", DTYPES)
def test_permutation_matches_numpy(dtype):
    for seed in (0, 5):
        got = j_permutation(23, seed)
        want = np_run(seed, np.random.permutation, 23)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(np.sort(got), np.arange(23))
        x = (np.arange(15) * 2).astype(dtype)
        for v in (x, x[::-2]):
            before = v.copy()
            got = j_permutation(v, seed)
            np.testing.assert_array_equal(got, np_run(seed, np.random.permutation, v))
            np.testing.assert_array_equal(v, before)         # a copy: the argument is untouched
            assert got.dtype == v.dtype
        m = np.arange(24).reshape(6, 4).astype(dtype)
        for v in (m, m.T, np.asfortranarray(m)):
            np.testing.assert_array_equal(j_permutation(v, seed), np_run(seed, np.random.permutation, v))
    assert j_permutation(0, 1).shape == (0,)


@pytest.mark.parametrize("replace", [True, False])
def test_choice_uniform_matches_numpy(replace):
    for seed in (0, 3, 2024):
        for size in (0, 1, 5, 10):
            np.testing.assert_array_equal(j_choice(10, size, replace, seed),
                                          np_run(seed, np.random.choice, 10, size, replace=replace))
            for dtype in DTYPES:
                a = (np.arange(10) * 1.5).astype(dtype)
                for v in (a, a[::-1]):
                    got = j_choice(v, size, replace, seed)
                    want = np_run(seed, np.random.choice, v, size, replace=replace)
                    np.testing.assert_array_equal(got, want)
                    assert got.dtype == want.dtype
        assert j_choice1(10, seed) == np_run(seed, np.random.choice, 10)
        assert j_choice1(np.arange(4.0) + 0.5, seed) == np_run(seed, np.random.choice, np.arange(4.0) + 0.5)
        np.testing.assert_array_equal(j_choice_shape(7, seed), np_run(seed, np.random.choice, 7, (3, 4)))


@pytest.mark.parametrize("replace", [True, False])
@pytest.mark.parametrize("pdtype", [np.float64, np.float32])
def test_choice_with_p_matches_numpy(replace, pdtype):
    rng = np.random.default_rng(1)
    p = rng.random(12)
    p[[2, 5]] = 0.0
    p = (p / p.sum()).astype(pdtype)
    a = np.arange(12) * 10
    for seed in (0, 4, 77):
        for size in (1, 3, 10):
            got = j_choice_p(a, size, replace, p, seed)
            want = np_run(seed, np.random.choice, a, size, replace, p)
            np.testing.assert_array_equal(got, want)
            assert not np.isin(got, a[[2, 5]]).any()
            if not replace:
                assert len(set(got.tolist())) == size
        assert j_choice_p_only(12, p, seed) == np_run(seed, np.random.choice, 12, p=p)


@pytest.mark.parametrize("args,words", [
    ((0, 3, True), "a must be greater than 0"),
    ((np.zeros(0), 3, True), "'a' cannot be empty"),
    ((5, 6, False), "larger sample than population"),
])
def test_choice_errors_are_numpys(args, words):
    with pytest.raises(ValueError, match=words):
        np.random.choice(*args[:2], replace=args[2])
    with pytest.raises(ValueError, match=words):
        j_choice(*args, 0)


@pytest.mark.parametrize("p,size,replace,words", [
    (np.array([0.5, 0.5]), 2, True, "'a' and 'p' must have same size"),
    (np.array([0.5, 0.7, -0.2]), 2, True, "not non-negative"),
    (np.array([0.5, 0.2, 0.2]), 2, True, "do not sum to 1"),
    (np.array([0.5, 0.5, 0.0]), 3, False, "Fewer non-zero entries in p than size"),
    (np.array([0.5, np.nan, 0.5]), 1, True, "contain NaN"),
])
def test_choice_p_errors_are_numpys(p, size, replace, words):
    with pytest.raises(ValueError, match=words):
        np.random.choice(3, size, replace, p)
    with pytest.raises(ValueError, match=words):
        j_choice_p(3, size, replace, p, 0)


def shuffle_list(x):
    np.random.shuffle([1, 2, 3])


def choice_2d(x):
    return np.random.choice(x)


@pytest.mark.parametrize("fn,words", [
    (shuffle_list, "takes an array"),
    (choice_2d, "1-d array"),
])
def test_unsupported_arguments_are_typing_errors_at_the_call(fn, words):
    with pytest.raises(TypingError, match=words) as info:
        njit(fn)(np.zeros((2, 2)))
    assert "test_jit_np_random_more.py:" in str(info.value)


def test_results_and_temporaries_are_released():
    from jitprofile import _core
    p = np.full(8, 0.125)
    args = [(j_permutation, (np.arange(6.0), 1)), (j_permutation, (np.arange(12).reshape(4, 3), 1)),
            (j_choice, (8, 5, False, 1)), (j_choice_p, (np.arange(8.0), 5, False, p, 1)),
            (j_choice_p, (8, 5, True, p, 1)), (j_choice_shape, (np.arange(7), 1))]
    for fn, a in args:
        fn(*a)
    before = _core.nrt_stats()[0]
    for _ in range(10):
        for fn, a in args:
            fn(*a)
        j_shuffle(np.arange(9).reshape(3, 3), 2)
    assert _core.nrt_stats()[0] == before
