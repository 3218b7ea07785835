"""Functions in jit code, as Numba's "Supported Python features -> Functions":
inner functions and closures, lambda, functions as arguments, *args,
recursion, map/filter and key= functions.  Every result is compared with
CPython running the same function (fn.py_func)."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit

HERE = __file__


def same(fn, *args):
    got, want = fn(*args), fn.py_func(*args)
    assert got == want, (fn.__name__, got, want)
    assert type(got) is type(want)
    return got


# ---- inner functions and closures ------------------------------------------------------

@njit
def inner_reads_locals(n, k):
    scale = 2.0

    def term(x):
        return x * x * scale + k
    s = 0.0
    for i in range(n):
        s += term(i)
    return s, term(1.5), term(True)     # one inner function, three argument types


def test_inner_function_closes_over_locals_and_specialises_per_type():
    same(inner_reads_locals, 6, 3)
    same(inner_reads_locals, 0, -1)


@njit
def inner_functions_call_each_other(a):
    total = a.sum()

    def norm(x):
        return x / total

    def weighted(i):
        return norm(a[i]) * i      # calls a sibling that captures `total`

    def later(i):
        return defined_after(i) + 1

    def defined_after(i):           # bound by the time later() runs, as in Python
        return i * 10
    acc = 0.0
    for i in range(a.shape[0]):
        acc += weighted(i)
    return acc, later(2)


def test_inner_functions_call_each_other():
    same(inner_functions_call_each_other, np.arange(1.0, 6.0))


@njit
def nested_twice(a, b):
    def outer(i):
        def inner(j):
            return a * j + b * i
        return inner(i) + inner(1)
    return outer(2) + outer(3)


def test_inner_function_of_an_inner_function():
    same(nested_twice, 3, 4)
    same(nested_twice, 1.5, -2)


@njit
def captured_value_is_read_at_each_call(k):
    def add(x):
        return x + k
    first = add(1)
    k = k * 10
    return first, add(1)


def test_captured_value_is_read_when_the_inner_function_runs():
    same(captured_value_is_read_at_each_call, 2)


@njit
def inner_defaults_and_keywords(k):
    def f(x, y=3, z=0.5):
        return x * y + z + k
    return f(1), f(1, 2), f(1, z=1.0), f(x=2, y=1)


def test_inner_function_defaults_and_keyword_arguments():
    same(inner_defaults_and_keywords, 1)


@njit
def inner_recursion(n):
    def fib(m):
        return m if m < 2 else fib(m - 1) + fib(m - 2)
    return fib(n)


def test_recursive_inner_function():
    same(inner_recursion, 15)


@njit
def closure_in_a_loop(xs):
    total = 0
    for x in xs:
        f = lambda y: y + x    # noqa: E731  - reads the current x
        total += f(1)
    return total


def test_lambda_in_a_loop_reads_the_current_value():
    same(closure_in_a_loop, [1, 2, 3])


# ---- lambda -----------------------------------------------------------------------------

@njit
def lambda_bound_and_called(n):
    sq = lambda x: x * x         # noqa: E731
    mul = lambda x, y: x * y * n   # noqa: E731
    return sq(n), sq(0.5), mul(2, 3), (lambda z: z - n)(10)


def test_lambda_bound_to_a_local_and_called():
    same(lambda_bound_and_called, 4)


@njit
def key_functions(xs, off):
    by_distance = sorted(xs, key=lambda v: abs(v - off))
    by_neg = sorted(xs, key=lambda v: -v, reverse=True)

    def last_digit(v):
        return v % 10
    ys = list(xs)
    ys.sort(key=last_digit)
    return (by_distance, by_neg, ys, min(xs, key=lambda v: (v - off) ** 2),
            max(xs, key=last_digit), min(range(10), key=lambda i: (i - off) % 7))


@njit
def plus_one(x):
    return x + 1


@njit
def key_is_a_jitted_function(xs):
    return max(xs, key=plus_one), sorted(xs, key=plus_one), min((3, 1, 2), key=plus_one)


def test_key_functions_of_sorted_sort_min_max():
    same(key_functions, [13, -1, 27, 2, 5, 5], 4)
    same(key_is_a_jitted_function, [3, 1, 2])


@njit
def stable_numeric_keys(xs, fs):
    a = sorted(xs, key=lambda v: v % 3)             # int keys, many ties
    b = sorted(fs, key=lambda v: round(v, 1))       # float keys, ties
    c = sorted(xs, key=lambda v: v % 3, reverse=True)
    ys = list(xs)
    ys.sort(key=lambda v: -(v // 4))
    d = sorted(fs, key=lambda v: round(v, 1), reverse=True)
    big = sorted([-2**63, 2**63 - 1, 0, -1], key=lambda v: v, reverse=True)
    return a, b, c, d, big, ys, sorted(xs[:1], key=lambda v: v), sorted(xs[:0], key=lambda v: v)


def test_numeric_keys_sort_stably_as_cpython():
    xs = [(i * 7919) % 101 for i in range(300)]
    fs = [((i * 37) % 53) / 10.0 for i in range(200)]
    same(stable_numeric_keys, xs, fs)


@njit
def empty_min_with_key(xs):
    return min(xs, key=lambda v: v)


def test_min_with_key_of_nothing_raises_like_cpython():
    with pytest.raises(ValueError, match="min\\(\\) arg is an empty sequence"):
        empty_min_with_key(np.zeros(0))


# ---- map and filter -----------------------------------------------------------------------

@njit
def map_filter(xs, k):
    out = []
    for v in map(lambda x: x * k, xs):
        out.append(v)
    evens = list(filter(lambda x: x % 2 == 0, xs))
    truthy = list(filter(None, [0, 3, 0, 4]))
    pairs = list(map(lambda a, b: a + b, xs, range(3)))
    return (out, evens, truthy, pairs, sum(map(plus_one, xs)),
            [v * 2 for v in filter(lambda x: x > k, xs)], list(zip(map(plus_one, xs), xs)))


def test_map_and_filter_over_lists_ranges_and_zips():
    same(map_filter, [1, 2, 3, 4, 5], 2)
    same(map_filter, [0], 2)


@njit
def map_over_array(a):
    return list(map(lambda v: v * 0.5, a)), sum(filter(lambda v: v > 2.0, a))


def test_map_and_filter_over_an_array():
    same(map_over_array, np.arange(6.0))


@njit
def map_raises(xs):
    return list(map(lambda v: xs[v], xs))


def test_an_exception_in_the_mapped_function_propagates():
    with pytest.raises(IndexError):
        map_raises([0, 5])


# ---- functions as arguments ----------------------------------------------------------------

@njit
def apply_twice(f, x):
    return f(f(x))


@njit
def passes_jitted_functions(x):
    return apply_twice(plus_one, x), apply_twice(lambda v: v * 3, x)


@njit
def uses_global_jitted(x):
    return plus_one(x) * 2


def test_jitted_functions_as_arguments_and_globals():
    assert apply_twice(plus_one, 3) == 5
    assert apply_twice(plus_one, 1.5) == 3.5
    assert passes_jitted_functions(4) == (6, 36)    # (py_func would pass a Python lambda to jit code)
    same(uses_global_jitted, 4)


@njit
def twice_then(f, g, x):
    return g(f(x))


@njit
def minus_one(x):
    return x - 1


def test_a_dispatcher_argument_specialises_on_its_identity():
    assert twice_then(plus_one, minus_one, 5) == 5
    assert twice_then(plus_one, plus_one, 5) == 7
    assert twice_then(minus_one, minus_one, 5) == 3


# ---- *args ------------------------------------------------------------------------------

@njit
def star_sum(a, *args):
    s = a
    for x in args:
        s += x
    return s, len(args), args


@njit
def star_mixed(*args):
    return args[0] + 1, args[1] * 2.0


@njit
def star_calls(t):
    u = (1, 2.5)
    return star_sum(1, 2, 3), star_sum(5), star_mixed(*u), star_sum(*t), star_sum(0, *t), star_mixed(3, 4)


def test_star_args_homogeneous_and_heterogeneous():
    same(star_sum, 1, 2, 3)
    same(star_sum, 1)
    same(star_sum, 1.5, 2, 3)
    same(star_mixed, 1, 2.5)
    same(star_calls, (4, 5))


@njit
def inner_star(k):
    def count(*xs):
        return len(xs) + k
    return count(1, 2.0, 3), count()


def test_star_args_in_an_inner_function():
    same(inner_star, 1)


def test_star_args_from_python_binds_like_cpython():
    with pytest.raises(TypeError, match="missing required argument 'a'"):
        star_sum()
    with pytest.raises(TypeError, match="positionally"):
        star_sum(a=1)


@njit
def empty_tuple_inside_tuples(t):
    return (1, t), (2, 3.5), ((), 4)


def test_empty_tuples_nested_in_a_returned_tuple_keep_the_layout():
    # regression: () took 1 byte in the type and 0 in LLVM's layout, shifting what followed
    same(empty_tuple_inside_tuples, ())


# ---- recursion ----------------------------------------------------------------------------

@njit("int64(int64)")
def fib_signature(n):
    return n if n < 2 else fib_signature(n - 1) + fib_signature(n - 2)


@njit
def fact(n: int) -> int:
    if n <= 1:
        return 1
    return n * fact(n - 1)


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


def test_recursion_with_a_signature_annotations_and_mutual():
    # the eager signature compiles while `fib_signature` is not yet bound in the module
    assert fib_signature(20) == fib_signature.py_func(20) == 6765
    same(fact, 15)
    same(is_even, 11)
    same(is_odd, 11)


# ---- literally ----------------------------------------------------------------------------

@njit
def pick(n, which):
    jitprofile.literally(which)
    if which == 0:          # decided at compile time in each specialisation
        return n + 0.5
    return (n, n)           # another return type: only the literal value makes this compile


@njit
def calls_pick(n):
    return pick(n, 0), pick(n, 1)


def test_literally_compiles_one_specialisation_per_value():
    assert pick(3, 0) == 3.5
    assert pick(3, 1) == (3, 3)
    assert pick(n=4, which=1) == (4, 4)
    assert sorted(pick.signatures) == [("int64", "Literal[int](0)"), ("int64", "Literal[int](1)")] or \
        sorted(map(lambda s: tuple(map(str, s)), pick.signatures)) == [("int64", "Literal[int](0)"),
                                                                         ("int64", "Literal[int](1)")]
    assert calls_pick(2) == (2.5, (2, 2))     # from jit code, with constants


# ---- what stays unsupported: a clear error at file:line:col --------------------------------

def line_of(marker):
    with open(HERE) as f:
        for i, line in enumerate(f, 1):
            if marker in line and "line_of(" not in line:
                return i
    raise AssertionError(marker)


@njit
def returns_closure(k):
    def g(x):
        return x + k
    return g  # RETURNS-CLOSURE


@njit
def returns_jitted():
    return plus_one  # RETURNS-JITTED


@njit
def stores_closure(k):
    g = lambda x: x + k  # noqa: E731
    return len([g])  # STORES-CLOSURE


@njit
def passes_closure(k):
    return apply_twice(lambda x: x * k, k)  # PASSES-CLOSURE


@njit
def rebinds_inner(k):
    g = lambda x: x  # noqa: E731
    g = 3  # REBINDS-INNER
    return g


@njit
def kwonly_inner(k):
    def g(x, *, y):  # KWONLY-INNER
        return x
    return g(1, y=2)


@njit
def spreads_into_print(t):
    print(*t)  # SPREADS-PRINT


@njit
def nonlocal_inner(k):
    def g(x):
        nonlocal k  # NONLOCAL-INNER
        k = x
    g(2)
    return k


@njit
def map_of_a_builtin(xs):
    return list(map(abs, xs))  # MAP-BUILTIN


@pytest.mark.parametrize("fn, args, marker, words", [
    (map_of_a_builtin, ([1, -2],), "MAP-BUILTIN", ["map()'s first argument must be a function", "lambda x: abs(x)"]),
    (returns_closure, (1,), "RETURNS-CLOSURE", ["inner function 'g'", "module level"]),
    (returns_jitted, (), "RETURNS-JITTED", ["returning a function"]),
    (stores_closure, (1,), "STORES-CLOSURE", ["storing it"]),
    (passes_closure, (1,), "PASSES-CLOSURE", ["passing it to another function"]),
    (rebinds_inner, (1,), "REBINDS-INNER", ["name of an inner function"]),
    (kwonly_inner, (1,), "KWONLY-INNER", ["keyword-only"]),
    (spreads_into_print, ((1, 2),), "SPREADS-PRINT", ["*args in this call"]),
    (nonlocal_inner, (1,), "NONLOCAL-INNER", ["nonlocal"]),
])
def test_escaping_and_unsupported_forms_name_the_place(fn, args, marker, words):
    with pytest.raises(jitprofile.UnsupportedError) as ei:
        fn(*args)
    msg = str(ei.value)
    assert f"{HERE}:{line_of(marker)}:" in msg, msg
    for w in words:
        assert w in msg, msg
    assert "hint:" in msg or marker == "NONLOCAL-INNER", msg


def test_kwargs_in_a_definition_is_refused_at_its_line():
    with pytest.raises(jitprofile.UnsupportedError, match=r"test_jit_closures.py:\d+: .*\*\*kwargs"):
        @njit
        def takes_kwargs(**kw):
            return 1


def _cached_with_inner(x, n):
    def scale(v):
        return v * x
    s = 0.0
    for i in range(n):
        s += scale(i)
    return s


def test_cache_true_with_an_inner_function_compiles_and_runs():
    # docs/conformance.md: compiles and runs; the code is not kept on disk (a miss each process)
    f = njit(cache=True)(_cached_with_inner)
    assert f(2.0, 5) == _cached_with_inner(2.0, 5)
    assert f(0.5, 4) == _cached_with_inner(0.5, 4)
