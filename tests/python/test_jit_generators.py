"""Generator functions in jit code (issue 11), compared with CPython running
the same functions (py_func).  As in Numba: a jitted generator called from
Python returns an iterator producing the same values; in jit code it is
iterated by `for`, `list()`, `sum()`, `min()/max()`, `any()/all()`,
`sorted()`.  `yield from`, returning a value from a generator, and the
coroutine methods (`send`, `throw`, `close`) are not supported, as in
Numba."""
import numpy as np
import pytest

from jitprofile import TypingError, UnsupportedError, _core, njit


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


# ---- generator functions ---------------------------------------------------------

@njit
def squares(n):
    for i in range(n):
        yield i * i


@njit
def several_yields(n, step):
    i = 0
    while True:
        if i >= n:
            return              # stops the generator
        yield i
        yield -i
        i += step
    yield 1000                  # never reached


@njit
def mixed_numbers(n):
    yield 1
    for i in range(n):
        yield i / 2             # int and float unify to float64


@njit
def pairs(n):
    for i in range(n):
        yield i, i * 0.5


@njit
def never_yields(n):
    if n >= 0:
        return
    yield n


def test_called_from_python_returns_an_iterator():
    g = squares(5)
    assert iter(g) is g
    assert next(g) == 0
    assert list(g) == [1, 4, 9, 16]
    with pytest.raises(StopIteration):
        next(g)
    assert list(squares(0)) == []


@pytest.mark.parametrize("fn, args", [
    (squares, (6,)),
    (several_yields, (7, 2)),
    (several_yields, (0, 1)),
    (mixed_numbers, (4,)),
    (pairs, (3,)),
    (never_yields, (3,)),
])
def test_same_values_as_cpython(fn, args):
    got = list(fn(*args))
    want = list(fn.py_func(*args))
    assert got == want
    if fn is mixed_numbers:     # differs, as Numba: every yield gives the unified type
        assert [type(x) for x in got] == [float] * len(want)
    else:
        assert [type(x) for x in got] == [type(x) for x in want]


# ---- iterated in jit code -------------------------------------------------------

@njit
def for_loop(n):
    total = 0
    for x in squares(n):
        total += x
    return total


@njit
def for_break_continue_else(n, stop):
    seen = 0
    for x in several_yields(n, 1):
        if x < 0:
            continue
        if x == stop:
            break
        seen += x
    else:
        seen += 1000
    return seen


@njit
def builtins_over_generators(n):
    return (sum(squares(n)), list(squares(n)), max(squares(n)), min(several_yields(n, 1)),
            any(squares(n)), all(squares(n)), sorted(several_yields(n, 1)))


@njit
def nested_generators(n):
    for x in squares(n):
        yield x + 1


@njit
def consume_nested(n):
    return sum(nested_generators(n))


def test_for_loop_and_builtins_in_jit_code():
    for n in (0, 1, 5):
        assert for_loop(n) == for_loop.py_func(n)
        assert builtins_over_generators(max(n, 1)) == builtins_over_generators.py_func(max(n, 1))
        assert consume_nested(n) == consume_nested.py_func(n)
    for n, stop in ((6, 3), (6, 100)):
        assert for_break_continue_else(n, stop) == for_break_continue_else.py_func(n, stop)
    assert list(nested_generators(4)) == list(nested_generators.py_func(4))


@njit
def tuple_items(n):
    a = 0.0
    for i, h in pairs(n):
        a += i + h
    return a


def test_tuple_items_unpack_in_a_for_loop():
    assert tuple_items(5) == tuple_items.py_func(5)


# ---- exceptions -------------------------------------------------------------------

@njit
def raises_midway(n):
    for i in range(n):
        if i == 2:
            raise ValueError("stop at two")
        yield i


@njit
def catch_from_generator(n):
    total = 0
    try:
        for x in raises_midway(n):
            total += x
    except ValueError:
        total = -total
    return total


@njit
def try_around_yield(n):
    for i in range(n):
        try:
            yield 10 // (i - 1)
        except ZeroDivisionError:
            yield -1


def test_exception_reaches_python_with_class_and_message():
    g = raises_midway(5)
    assert next(g) == 0
    assert next(g) == 1
    with pytest.raises(ValueError, match="stop at two"):
        next(g)
    with pytest.raises(StopIteration):        # finished, as CPython's
        next(g)


def test_exception_caught_in_jit_code_and_try_inside_generator():
    for n in (2, 5):
        assert catch_from_generator(n) == catch_from_generator.py_func(n)
    assert list(try_around_yield(4)) == list(try_around_yield.py_func(4))


# ---- references -------------------------------------------------------------------

@njit
def array_rows(n):
    a = np.arange(n * 3.0).reshape((n, 3))
    for i in range(n):
        yield a[i] * 2.0


@njit
def sum_rows(n):
    total = 0.0
    for r in array_rows(n):
        total += r.sum()
    return total


@njit
def first_row_sum(n):
    for r in array_rows(n):
        return r.sum()          # leaves the generator unfinished
    return -1.0


def test_yielded_arrays_and_unfinished_generators_do_not_leak(no_leak):
    assert sum_rows(4) == sum_rows.py_func(4)
    assert first_row_sum(4) == first_row_sum.py_func(4)
    rows = [r.tolist() for r in array_rows(3)]
    assert rows == [r.tolist() for r in array_rows.py_func(3)]
    g = array_rows(5)
    next(g)
    del g                       # destroyed while suspended at a yield
    assert catch_from_generator(5) == catch_from_generator.py_func(5)


# ---- what is refused, as Numba ----------------------------------------------------

def delegates(n):
    yield from range(n)  # YIELD-FROM


def returns_value(n):
    yield n
    return n  # RETURN-VALUE


def sends(n):
    g = squares(n)
    g.send(1)  # SEND
    return 0


@pytest.mark.parametrize("fn, marker, words, exc", [
    (delegates, "YIELD-FROM", "yield from", UnsupportedError),
    (returns_value, "RETURN-VALUE", "returning a value from a generator", UnsupportedError),
    (sends, "SEND", "send", TypingError),
])
def test_refused_forms_name_file_line_col(fn, marker, words, exc):
    import inspect
    src, first = inspect.getsourcelines(fn)
    line = first + next(i for i, s in enumerate(src) if marker in s)
    with pytest.raises(exc) as ei:
        r = njit(fn)(3)
        list(r)
    msg = str(ei.value)
    assert words in msg
    assert f"{__file__}:{line}:" in msg


def test_coroutine_methods_are_absent_from_python():
    g = squares(3)
    assert not hasattr(g, "send") and not hasattr(g, "throw")


# ---- generators as values ----------------------------------------------------------

@njit
def returns_generator(n):
    return squares(n + 1)


@njit
def consume(g):
    return sum(g)


@njit
def iterate_twice(n):
    g = squares(n)
    a = 0
    for x in g:
        a += x
    b = 0
    for x in g:             # exhausted: nothing left, as in CPython
        b += 1
    return a, b, consume(squares(n))


def test_generators_are_values_returned_and_passed(no_leak):
    assert list(returns_generator(3)) == [0, 1, 4, 9]
    assert iterate_twice(4) == (14, 0, 14)


def enumerates(n):
    s = 0
    for i, x in enumerate(squares(n)):  # ENUMERATE
        s += i * x
    return s


def test_enumerate_of_a_generator_is_refused_with_what_to_write():
    import inspect
    src, first = inspect.getsourcelines(enumerates)
    line = first + next(i for i, s in enumerate(src) if "ENUMERATE" in s)
    with pytest.raises(UnsupportedError) as ei:
        njit(enumerates)(3)
    msg = str(ei.value)
    assert "enumerate() and reversed() of a generator" in msg and "list(gen(...))" in msg
    assert f"{__file__}:{line}:" in msg
