"""try/except/else/finally and bare `raise` in jit code (issue 11), each
compared with CPython running the same function (py_func).

As in Numba, except clauses catch by class (`except ValueError:`,
`except (KeyError, IndexError):`, `except Exception:`, bare `except:`);
exception objects never exist in compiled code, so `except E as e` is an
UnsupportedError.  Exceptions come from `raise`, from jit callees and from
the run-time checks (integer division, bounds-checked indexing, lists)."""
import numpy as np
import pytest

import jitprofile
from jitprofile import UnsupportedError, _core, njit


def both(f, *args):
    """The jit result and CPython's, or the exception class and text each raised."""
    out = []
    for fn in (f, f.py_func):
        try:
            out.append(("ok", fn(*args)))
        except Exception as e:          # noqa: BLE001 - compared below
            out.append((type(e), str(e)))
    return out


def check(f, *args):
    got, want = both(f, *args)
    assert got == want, (args, got, want)
    return got


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


# ---- the forms --------------------------------------------------------------------------

@njit
def try_except_else_finally(x):
    log = 0
    try:
        y = 100 // x
    except ZeroDivisionError:
        y = -1
        log += 1
    else:
        log += 10
    finally:
        log += 100
    return y, log


def test_try_except_else_finally():
    for x in (0, 3, -7):
        check(try_except_else_finally, x)


@njit
def by_class(kind):
    try:
        if kind == 0:
            raise ValueError("v")
        if kind == 1:
            raise KeyError("k")
        if kind == 2:
            raise IndexError("i")
        if kind == 3:
            raise ZeroDivisionError("z")
        if kind == 4:
            raise TypeError("t")
        return 0
    except ValueError:
        return 1
    except (KeyError, ZeroDivisionError):
        return 2
    except LookupError:         # IndexError is a subclass
        return 3
    except Exception:
        return 4


def test_except_by_class_tuple_subclass_and_exception():
    for kind in range(6):
        check(by_class, kind)


@njit
def bare_except(x):
    try:
        return 10 // x
    except:  # noqa: E722
        return -1


def test_bare_except():
    check(bare_except, 0)
    check(bare_except, 5)


@njit
def unmatched(x):
    try:
        if x > 0:
            raise KeyError("no such key")
        return 0
    except ValueError:
        return 1


def test_unmatched_exception_reaches_python_with_class_and_message():
    assert check(unmatched, 1) == (KeyError, "'no such key'")
    check(unmatched, -1)


# ---- where exceptions come from -------------------------------------------------------

@njit
def callee(x):
    if x < 0:
        raise ValueError("negative")
    return x * 2


@njit
def caller(x):
    try:
        return callee(x)
    except ValueError:
        return -1


def test_exception_of_a_jit_callee_is_caught():
    check(caller, 4)
    check(caller, -4)


@njit(boundscheck=True)
def bounds(a, i):
    try:
        return a[i]
    except IndexError:
        return -1.0


def test_bounds_checked_index_error_is_caught():
    a = np.arange(5.0)
    for i in (2, 4, 5, -5, -6, 100):
        got = bounds(a, i)
        want = -1.0 if not -5 <= i < 5 else a[i]
        assert got == want


@njit
def list_errors(kind):
    xs = [1, 2, 3]
    try:
        if kind == 0:
            return xs[10]
        if kind == 1:
            return xs.index(42)
        empty = [0]
        empty.pop()
        return empty.pop()
    except IndexError:
        return -1
    except ValueError:
        return -2


def test_list_run_time_errors_are_caught():
    for kind in range(3):
        check(list_errors, kind)


@njit
def float_division(x):
    try:
        return 1.0 / x
    except ZeroDivisionError:
        return 0.0


def test_float_division_by_zero_is_caught():
    check(float_division, 0.0)
    check(float_division, 4.0)


@njit
def objmode_raises(x):
    try:
        with jitprofile.objmode(y='int64'):
            y = int("not a number") if x else 1
    except ValueError:
        y = -1
    return y


def test_exception_of_an_objmode_block_is_caught():
    assert objmode_raises(1) == -1
    assert objmode_raises(0) == 1


# ---- re-raise, raise in handlers and finally ----------------------------------------

@njit
def reraise(x):
    try:
        return 10 // x
    except ZeroDivisionError:
        raise


def test_bare_raise_re_raises_the_caught_exception():
    assert check(reraise, 0)[0] is ZeroDivisionError
    check(reraise, 2)


@njit
def reraise_objmode(x):
    try:
        with jitprofile.objmode(y='int64'):
            y = int("zz")
    except ValueError:
        raise
    return y


def test_bare_raise_re_raises_an_objmode_exception_as_itself():
    check(reraise_objmode, 1)


@njit
def raise_in_except(x):
    try:
        return 10 // x
    except ZeroDivisionError:
        raise ValueError("replaced")


@njit
def raise_in_finally(x):
    try:
        y = 10 // x
    finally:
        if x == 0 or x == 1:
            raise KeyError("from finally")
    return y


def test_raise_in_except_and_in_finally():
    assert check(raise_in_except, 0) == (ValueError, "replaced")
    check(raise_in_except, 5)
    for x in (0, 1, 2):
        check(raise_in_finally, x)


@njit
def finally_without_except(x):
    try:
        if x:
            raise ValueError("kept")
    finally:
        x += 1
    return x


def test_finally_runs_and_the_exception_goes_on():
    assert check(finally_without_except, 1) == (ValueError, "kept")
    check(finally_without_except, 0)


@njit
def return_in_try_finally(x, out):
    try:
        if x > 0:
            return x
        out[0] = 1.0
    finally:
        out[1] += 1.0
    return -x


def test_return_inside_try_runs_finally():
    for x in (3, -3):
        o1, o2 = np.zeros(2), np.zeros(2)
        assert return_in_try_finally(x, o1) == return_in_try_finally.py_func(x, o2)
        assert o1.tolist() == o2.tolist()


@njit
def return_in_finally(x):
    try:
        raise ValueError("swallowed")
    finally:
        return x    # noqa: B012 - discards the exception, as in CPython


def test_return_in_finally_discards_the_exception():
    check(return_in_finally, 7)


@njit
def handler_returns(x):
    try:
        try:
            return 10 // x
        except ZeroDivisionError:
            return -1
        finally:
            x += 1000
    finally:
        x += 1


def test_return_in_handler_runs_both_finally_blocks():
    check(handler_returns, 0)
    check(handler_returns, 3)


# ---- loops -------------------------------------------------------------------------

@njit
def loop_break_continue(n):
    s = 0
    for i in range(n):
        try:
            if i % 3 == 0:
                continue
            if i == 11:
                break
            s += 10 // (i - 5)
        except ZeroDivisionError:
            s += 1000
            continue
        finally:
            s += 1
    return s


def test_break_and_continue_through_finally_and_handlers():
    for n in (0, 4, 8, 20):
        check(loop_break_continue, n)


@njit
def while_true_with_try(n):
    i = 0
    while True:
        try:
            i += 1
            if i >= n:
                break
        finally:
            i += 1
    return i


def test_while_true_with_break_inside_try():
    for n in (1, 5, 6):
        check(while_true_with_try, n)


@njit
def try_in_loop_catching_each(xs):
    total = 0
    bad = 0
    for x in xs:
        try:
            total += 100 // int(x)
        except ZeroDivisionError:
            bad += 1
    return total, bad


def test_try_inside_a_loop_over_an_array():
    check(try_in_loop_catching_each, np.array([1, 0, 5, 0, -3]))


# ---- nesting ----------------------------------------------------------------------

@njit
def nested(x):
    log = 0
    try:
        try:
            if x == 0:
                raise ValueError("inner")
            if x == 1:
                raise KeyError("outer")
            log += 1
        except ValueError:
            log += 10
            if x == 0:
                raise IndexError("from handler")
        finally:
            log += 100
    except KeyError:
        log += 1000
    except IndexError:
        log += 10000
    return log


def test_nested_try_statements():
    for x in range(3):
        check(nested, x)


@njit
def nested_reraise(x):
    try:
        try:
            return 10 // x
        except ZeroDivisionError:
            try:
                raise ValueError("inner")
            except ValueError:
                pass
            raise           # still the ZeroDivisionError
    except ZeroDivisionError:
        return -5


def test_bare_raise_after_a_nested_handled_exception():
    check(nested_reraise, 0)
    check(nested_reraise, 2)


# ---- references: arrays and lists made in the try body are freed ----------------------

@njit
def arrays_in_try(n, fail):
    total = 0.0
    try:
        a = np.ones(n)
        b = a * 2.0
        for row in np.ones((3, n)):
            total += row.sum()
            if fail:
                raise ValueError("after allocating")
        total += b.sum()
    except ValueError:
        total = -1.0
    return total


@njit
def lists_in_try(n, fail):
    try:
        xs = [i for i in range(n)]
        if fail:
            return xs[n + 5]
        return len(xs)
    except IndexError:
        return -1


@njit
def temp_in_failing_statement(n):
    try:
        return (np.ones(n) + np.ones(n))[n + 1]
    except IndexError:
        return -1.0


def test_no_leaks_on_exception_paths(no_leak):
    for fail in (0, 1):
        check(arrays_in_try, 4, fail)
        check(lists_in_try, 4, fail)
    bounded = njit(boundscheck=True)(temp_in_failing_statement.py_func)
    assert bounded(3) == -1.0


@njit
def leak_in_loop(n):
    caught = 0
    for i in range(n):
        try:
            for row in np.ones((2, 3)):
                if i % 2:
                    raise ValueError("x")
        except ValueError:
            caught += 1
    return caught


def test_hidden_loop_references_are_released_when_caught(no_leak):
    check(leak_in_loop, 10)


# ---- what is refused, as Numba -----------------------------------------------------

def except_as(x):
    try:
        return 1 // x
    except ZeroDivisionError as e:  # EXCEPT-AS
        return 0


def bare_raise_outside(x):
    raise  # BARE-RAISE


def except_not_a_class(x):
    try:
        return 1 // x
    except x:  # NOT-A-CLASS
        return 0


@pytest.mark.parametrize("fn, marker, words", [
    (except_as, "EXCEPT-AS", "as name"),
    (bare_raise_outside, "BARE-RAISE", "bare raise outside an except block"),
    (except_not_a_class, "NOT-A-CLASS", "does not name exception classes"),
])
def test_refused_forms_name_file_line_col(fn, marker, words):
    import inspect
    src, first = inspect.getsourcelines(fn)
    line = first + next(i for i, s in enumerate(src) if marker in s)
    with pytest.raises(UnsupportedError) as ei:
        njit(fn)(1)
    msg = str(ei.value)
    assert words in msg
    assert f"{__file__}:{line}:" in msg


def test_try_inside_prange_is_refused():
    def body(n):
        s = 0
        for i in jitprofile.prange(n):
            try:
                s += i
            except ValueError:
                pass
        return s
    with pytest.raises(UnsupportedError, match="try statement inside a prange loop"):
        njit(parallel=True)(body)(4)


def temps_in_loop(n):
    total = 0
    for i in range(n):
        try:
            total += int((np.ones(3) + np.ones(3))[i % 5])
        except IndexError:
            total += 100
            continue        # skips the end of the try statement
        total += 1
    return total


def test_temporaries_of_the_failing_statement_are_released(no_leak):
    f = njit(boundscheck=True)(temps_in_loop)
    assert f(10) == temps_in_loop(10)


@njit
def return_replaced_in_finally(n):
    try:
        return np.ones(n)
    finally:
        if n > 3:
            return np.zeros(n)  # noqa: B012 - replaces the returned array, as in CPython


@njit
def return_dropped_by_finally_raise(n):
    try:
        return np.ones(n)
    finally:
        if n > 3:
            raise ValueError("dropped")


def test_returned_array_replaced_or_dropped_by_finally_is_released(no_leak):
    for n in (2, 5):
        assert return_replaced_in_finally(n).tolist() == return_replaced_in_finally.py_func(n).tolist()
    assert return_dropped_by_finally_raise(2).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="dropped"):
        return_dropped_by_finally_raise(5)
