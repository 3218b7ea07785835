"""Issue 13, compiled code: sizes that overflow (item 2), deep recursion (item 4),
lowering that fails loudly (item 5) and NumPy parity (item 7).  Every result is
compared with what CPython or NumPy (2.x, NEP 50) does with the same code."""
import os
import re
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

import jitprofile
from jitprofile import njit, CompileError

HERE = os.path.dirname(os.path.abspath(__file__))
JIT_DIR = os.path.join(HERE, "..", "..", "jit")


def outcome(fn, *args):
    """('ok', value) or (exception type, message), with warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return "ok", fn(*args)
        except Exception as e:      # noqa: BLE001 - compared below
            return type(e), str(e)


def assert_like_numpy(fn, *args):
    want = outcome(fn, *args)
    got = outcome(njit(fn), *args)
    if want[0] == "ok":
        assert got[0] == "ok", got
        np.testing.assert_array_equal(got[1], want[1])
    else:
        assert got == want
    return got


# ---- item 2: every size product is overflow-checked ------------------------------------------

def ones_last(n):
    return np.ones(n)[n - 1]


def full(n):
    return np.full(n, 7.0)


def empty2(n):
    return np.empty((n, n))


def zeros3(n):
    return np.zeros((0, n, n))


def zeros_like2(n):
    return np.zeros_like(np.empty((n, n)))


def linspace(n):
    return np.linspace(0.0, 1.0, n)


def random2(n):
    return np.random.random((n, n))


def arange(n):
    return np.arange(n)


def empty1(n):
    return np.empty(n)


def empty_neg2(n):
    return np.empty((2, n))


def broadcast_big(n):
    a = np.ones((n, 1))
    b = np.ones((1, n))
    return a + b


TOO_BIG = [(ones_last, 2**61), (full, 2**61), (empty2, 2**32), (zeros3, 2**62), (zeros_like2, 2**32),
           (linspace, 2**61), (random2, 2**32), (arange, 2**61), (full, 2**60)]


@pytest.mark.parametrize("fn,n", TOO_BIG, ids=lambda x: getattr(x, "__name__", str(x)))
def test_array_too_big_is_numpys_value_error(fn, n):
    kind, msg = assert_like_numpy(fn, n)
    assert kind is ValueError and msg.startswith("array is too big")


@pytest.mark.parametrize("fn,n", [(empty1, -1), (empty2, -3), (empty_neg2, -1), (full, -5), (linspace, -1)],
                         ids=lambda x: getattr(x, "__name__", str(x)))
def test_negative_dimensions(fn, n):
    kind, _ = assert_like_numpy(fn, n)
    assert kind is ValueError


def test_zero_sized_still_allocates():
    for fn, n in [(empty1, 0), (zeros3, 5), (empty2, 0)]:
        assert_like_numpy(fn, n)


def reshape_rows(k):
    return np.arange(16.0).reshape((k, 4))


def reshape_two_unknowns():
    return np.arange(16.0).reshape((-1, -1))


def reshape_zero_unknown():
    return np.arange(16.0).reshape((0, -1))


def reshape_mismatch():
    return np.arange(16.0).reshape((3, 4))


def reshape_ok():
    return np.arange(16.0).reshape((-1, 4)) + np.arange(16.0).reshape(4, 4)


@pytest.mark.parametrize("fn,args", [(reshape_rows, (2**62 + 4,)), (reshape_rows, (2**63 - 1,)),
                                     (reshape_two_unknowns, ()), (reshape_zero_unknown, ()),
                                     (reshape_mismatch, ()), (reshape_ok, ()), (reshape_rows, (4,))],
                         ids=lambda x: getattr(x, "__name__", str(x)))
def test_reshape_checks_like_numpy(fn, args):
    assert_like_numpy(fn, *args)


def test_huge_but_representable_is_a_memory_error():
    # 2**59 float64 = 4 EiB: no overflow, the allocation itself fails
    with pytest.raises(MemoryError):
        njit(empty1)(2**59)


# ---- item 4: deep recursion raises RecursionError --------------------------------------------

@njit
def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)


@njit
def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


@njit
def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


@njit(nogil=True)
def depth_nogil(n):
    if n == 0:
        return 0
    return 1 + depth_nogil(n - 1)


@njit
def depth_with_array(n):
    a = np.ones(3)
    if n == 0:
        return a
    b = depth_with_array(n - 1)
    return a + b


def test_shallow_recursion_unchanged():
    assert depth(1000) == 1000
    assert is_even(1000) is True and is_odd(1001) is True
    np.testing.assert_array_equal(depth_with_array(100), np.full(3, 101.0))


@pytest.mark.parametrize("fn", [depth, is_even, depth_nogil], ids=lambda f: f.__name__)
def test_deep_recursion_raises_recursion_error(fn):
    for n in (10**6, 10**7):
        with pytest.raises(RecursionError):
            fn(n)
    assert fn(10) in (10, True)         # the thread is still usable


def test_deep_recursion_releases_its_arrays():
    def live():
        return jitprofile._core.nrt_stats()[0]
    before = live()
    with pytest.raises(RecursionError):
        depth_with_array(10**6)
    assert live() == before


def test_deep_recursion_in_a_small_thread():
    results = []

    def run():
        for fn in (depth, depth_nogil):
            try:
                results.append(fn(10**6))
            except RecursionError:
                results.append("RecursionError")
        results.append(depth(100))

    old = threading.stack_size(256 * 1024)
    try:
        t = threading.Thread(target=run)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    assert results == ["RecursionError", "RecursionError", 100]


def test_deep_recursion_nogil_threads_at_once():
    results = []

    def run():
        try:
            depth_nogil(10**6)
        except RecursionError:
            results.append(1)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [1, 1, 1, 1]


@njit(parallel=True)
def depth_in_prange(n, m):
    out = np.zeros(m)
    for i in jitprofile.prange(m):
        out[i] = depth(n)
    return out


def test_deep_recursion_in_thread_pool_workers():
    np.testing.assert_array_equal(depth_in_prange(100, 8), np.full(8, 100.0))
    with pytest.raises(RecursionError):
        depth_in_prange(10**7, 8)
    np.testing.assert_array_equal(depth_in_prange(10, 4), np.full(4, 10.0))


@jitprofile.jitclass([("k", jitprofile.int64)])
class Walker:
    def __init__(self):
        self.k = 1

    def walk(self, n):
        if n == 0:
            return self.k
        return 1 + self.walk(n - 1)


@njit
def walk_from_jit(n):
    return Walker().walk(n)


def test_deep_recursion_in_jitclass_methods():
    assert walk_from_jit(100) == 101 and Walker().walk(50) == 51
    with pytest.raises(RecursionError):
        walk_from_jit(10**7)
    with pytest.raises(RecursionError):
        Walker().walk(10**7)


def test_deep_recursion_does_not_crash_the_process():
    code = ("from test_jit_safety import depth\n"
            "try:\n    depth(10**7)\nexcept RecursionError:\n    print('RecursionError')\n")
    r = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code], cwd=HERE,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "RecursionError"


# ---- item 5: lowering fails loudly ------------------------------------------------------------

def test_internal_error_is_exported_and_a_compile_error():
    assert issubclass(jitprofile.InternalError, CompileError)
    assert "InternalError" in jitprofile.__all__


def test_no_silent_undef_placeholders_in_lowering():
    """Every LLVMGetUndef left in lowering is an aggregate that is filled field by
    field right after, and says so; a case lowering cannot handle calls
    jp_lower_unhandled (jitprofile.InternalError with the construct and line)."""
    sources = [os.path.join(JIT_DIR, f) for f in os.listdir(JIT_DIR) if f.startswith("lower") and f.endswith(".c")]
    cuda = os.path.join(JIT_DIR, "..", "gpu", "cuda", "lower_cuda.c")
    if os.path.exists(cuda):
        sources.append(cuda)
    seen = 0
    for path in sources:
        with open(path) as fh:
            lines = fh.read().splitlines()
        for i, line in enumerate(lines):
            if "LLVMGetUndef" not in line:
                continue
            seen += 1
            context = " ".join(lines[max(0, i - 3):i + 1])
            assert re.search(r"inserted below|filled|uninitialised", context), f"{path}:{i + 1}: {line.strip()}"
            assert not line.strip().startswith("return"), f"{path}:{i + 1}: an undef returned as a value"
    assert seen > 0


# ---- item 7: NumPy parity ----------------------------------------------------------------------

def mean(a):
    return a.mean()


def std(a):
    return a.std()


def var(a):
    return a.var()


def np_mean(a):
    return np.mean(a)


def var_ddof(a, d):
    return a.var(ddof=d)


def mean_axis(a):
    return a.mean(axis=0)


@pytest.mark.parametrize("fn", [mean, std, var, np_mean], ids=lambda f: f.__name__)
@pytest.mark.parametrize("a", [np.ones(0), np.ones((0, 3)), np.ones(0, np.int64), np.ones(0, np.complex128)],
                         ids=["f8", "2d", "i8", "c16"])
def test_empty_reductions_are_nan(fn, a):
    kind, value = assert_like_numpy(fn, a)
    assert kind == "ok" and np.isnan(value)


def test_empty_mean_warns_like_numpy():
    with pytest.warns(RuntimeWarning, match="Mean of empty slice"):
        assert np.isnan(njit(mean)(np.ones(0)))


def test_var_ddof_at_least_n():
    for n, d in [(2, 2), (2, 3), (1, 5), (5, 1)]:
        assert_like_numpy(var_ddof, np.arange(float(n)), d)


def test_mean_over_empty_axis():
    assert_like_numpy(mean_axis, np.ones((0, 3)))


def arange_to(x):
    return np.arange(0.0, x)


def arange_step(x):
    return np.arange(0.0, 1.0, x)


def arange_from(x):
    return np.arange(x, 1.0)


@pytest.mark.parametrize("fn,x", [(arange_to, np.nan), (arange_step, np.nan), (arange_from, np.nan),
                                  (arange_to, np.inf), (arange_from, -np.inf), (arange_to, 1e300),
                                  (arange_to, 2.5), (arange_step, 0.25)],
                         ids=lambda x: getattr(x, "__name__", str(x)))
def test_float_arange_like_numpy(fn, x):
    assert_like_numpy(fn, x)


def add300(a):
    return a + 300


def radd300(a):
    return 300 + a


def sub129(a):
    return a - 129


def iadd300(a):
    a += 300
    return a


def mul1000(a):
    return a * 1000


def add_neg1(a):
    return a + (-1)


def add127(a):
    return a + 127


def compare300(a):
    return a < 300


def add_arg(a, k):
    return a + k


@pytest.mark.parametrize("fn", [add300, radd300, sub129, iadd300, mul1000, add_neg1, add127, compare300],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.int64],
                         ids=lambda d: np.dtype(d).name)
def test_python_int_out_of_dtype_bounds(fn, dtype):
    a = np.arange(3, dtype=dtype)
    want = outcome(fn, a.copy())
    got = outcome(njit(fn), a.copy())
    if want[0] == "ok":
        assert got[0] == "ok", got
        np.testing.assert_array_equal(got[1], want[1])
        assert got[1].dtype == want[1].dtype
    else:
        assert got == want


@pytest.mark.parametrize("k", [300, -1, 127, -128, 255, 2**40])
def test_python_int_argument_out_of_dtype_bounds(k):
    for dtype in (np.int8, np.uint8):
        a = np.arange(3, dtype=dtype)
        want = outcome(add_arg, a, k)
        got = outcome(njit(add_arg), a, k)
        if want[0] == "ok":
            np.testing.assert_array_equal(got[1], want[1])
        else:
            assert got == want


def set300(a):
    a[0] = 300
    return a


def set_slice_m1(a):
    a[1:] = -1
    return a


def set100(a):
    a[0] = 100
    return a


def iset300(a):
    a[0] += 300
    return a


def increment_each(a):
    for i in range(a.shape[0]):
        a[i] = a[i] + 1         # computed: cast (wraps), as NumPy does
    return a


@pytest.mark.parametrize("fn", [set300, set_slice_m1, set100, iset300, increment_each], ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16], ids=lambda d: np.dtype(d).name)
def test_python_int_literal_stores(fn, dtype):
    a = np.array([1, 2, 127], dtype=dtype)
    want = outcome(fn, a.copy())
    got = outcome(njit(fn), a.copy())
    if want[0] == "ok":
        np.testing.assert_array_equal(got[1], want[1])
    else:
        assert got == want


def full300():
    return np.full(3, 300, np.int8)


def full100():
    return np.full(3, -100, np.int8)


def arange_int_overflow():
    return np.arange(-2**63, 2**63 - 1)


@pytest.mark.parametrize("fn", [full300, full100, arange_int_overflow], ids=lambda f: f.__name__)
def test_more_parity(fn):
    assert_like_numpy(fn)


def arange_min_by_minus_one():
    return np.arange(0, -2**63, -1)


def test_integer_arange_whose_length_overflows_is_an_error():
    # 2**63 elements: NumPy 2.4 returns an empty array here; an error, never a trap (INT64_MIN / -1)
    with pytest.raises(ValueError, match="Maximum allowed size exceeded"):
        njit(arange_min_by_minus_one)()
