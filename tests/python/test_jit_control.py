"""Control flow: if/elif/else, while, for-range, break/continue, loop else, returns."""
import pytest

from jitprofile import njit


@njit
def classify(x):
    if x < 0:
        return -1
    elif x == 0:
        return 0
    elif x < 10:
        return 1
    else:
        return 2


def test_if_elif_else():
    for x in [-5, 0, 3, 10, 100]:
        assert classify(x) == classify.py_func(x)
    for x in [-0.5, 0.0, 9.99, 10.0]:
        assert classify(x) == classify.py_func(x)


@njit
def sign_no_else(x):
    s = 0
    if x > 0:
        s = 1
    if x < 0:
        s = -1
    return s


def test_if_without_else():
    assert [sign_no_else(v) for v in (-3, 0, 4)] == [-1, 0, 1]


@njit
def nested_if(a, b):
    if a > 0:
        if b > 0:
            r = 1
        else:
            r = 2
    else:
        if b > 0:
            r = 3
        else:
            r = 4
    return r


def test_nested_if():
    for a in (-1, 1):
        for b in (-1, 1):
            assert nested_if(a, b) == nested_if.py_func(a, b)


@njit
def range_sum(start, stop, step):
    s = 0
    for i in range(start, stop, step):
        s += i
    return s


@pytest.mark.parametrize("args", [(0, 10, 1), (0, 10, 3), (10, 0, -1), (10, 0, -3), (10, -10, -7),
                                  (-5, 5, 2), (5, 5, 1), (5, 0, 1), (0, 5, -1), (0, 1, 100),
                                  (-100, 100, 33), (7, -8, -5)])
def test_range_three_args(args):
    assert range_sum(*args) == sum(range(*args))


@njit
def range_one(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


@njit
def range_two(a, b):
    s = 0
    for i in range(a, b):
        s += i
    return s


def test_range_one_and_two_args():
    assert range_one(10) == sum(i * i for i in range(10))
    assert range_one(0) == 0
    assert range_one(-5) == 0
    assert range_two(-3, 4) == sum(range(-3, 4))
    assert range_two(4, -3) == 0


def test_range_zero_step_raises_value_error():
    with pytest.raises(ValueError):
        range_sum(0, 10, 0)


@njit
def loop_var_after_loop(n):
    i = -1
    for i in range(n):
        pass
    return i


def test_loop_variable_keeps_last_value():
    assert loop_var_after_loop(5) == 4
    assert loop_var_after_loop(0) == -1


@njit
def count_down(n):
    out = 0
    while n > 0:
        out = out * 10 + n % 10
        n //= 10
    return out


def test_while_loop():
    assert count_down(12345) == 54321
    assert count_down(0) == 0


@njit
def first_multiple(n, k):
    found = -1
    for i in range(1, n):
        if i % k == 0:
            found = i
            break
    return found


def test_break_in_for():
    assert first_multiple(100, 7) == 7
    assert first_multiple(5, 7) == -1


@njit
def sum_odd(n):
    s = 0
    for i in range(n):
        if i % 2 == 0:
            continue
        s += i
    return s


def test_continue_in_for():
    assert sum_odd(10) == 25


@njit
def while_break_continue(n):
    i = 0
    s = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 3 == 0:
            continue
        s += i
    return s


def test_while_true_break_continue():
    assert while_break_continue(10) == while_break_continue.py_func(10)


@njit
def for_else(n, target):
    for i in range(n):
        if i == target:
            r = 1
            break
    else:
        r = 2
    return r


def test_for_else():
    assert for_else(10, 3) == 1
    assert for_else(10, 30) == 2
    assert for_else(0, 0) == 2


@njit
def while_else(n, target):
    i = 0
    r = 0
    while i < n:
        if i == target:
            r = -i
            break
        i += 1
    else:
        r = 100 + i
    return r


def test_while_else():
    assert while_else(10, 4) == -4
    assert while_else(10, 40) == 110
    assert while_else(0, 0) == 100


@njit
def sum_while_else(n):
    total = 0
    i = 0
    while i < n:
        total += i
        i += 1
    else:
        total += 1000
    return total


def test_sum_loop_with_while_else():
    assert sum_while_else(10) == 1045
    assert sum_while_else(0) == 1000


@njit
def nested_loops(n):
    s = 0
    for i in range(n):
        for j in range(i):
            if j > 5:
                break
            if (i + j) % 2:
                continue
            s += i * j
    return s


def test_nested_loops_break_continue():
    for n in (0, 1, 5, 20):
        assert nested_loops(n) == nested_loops.py_func(n)


@njit
def find_pair(n, target):
    for i in range(n):
        for j in range(n):
            if i * j == target:
                return i, j
    return -1, -1


def test_early_return_from_nested_loop():
    assert find_pair(10, 12) == (2, 6)
    assert find_pair(3, 100) == (-1, -1)


@njit
def many_returns(x):
    if x < 0:
        return 0.0
    for i in range(10):
        if i * i > x:
            return float(i)
    return -1.0


def test_several_returns():
    for x in (-1, 0, 5, 50, 100):
        assert many_returns(x) == many_returns.py_func(x)


@njit
def no_return(x):
    x = x + 1


@njit
def bare_return(x):
    if x > 0:
        return
    x = x - 1


def test_function_without_return_gives_none():
    assert no_return(1) is None
    assert bare_return(1) is None
    assert bare_return(-1) is None


@njit
def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def test_collatz():
    for n in (1, 7, 27, 97):
        assert collatz_steps(n) == collatz_steps.py_func(n)


@njit
def float_loop(n):
    x = 0.0
    for i in range(n):
        x = x * 0.5 + i
    return x


def test_float_accumulation_loop_bit_exact():
    assert float_loop(100) == float_loop.py_func(100)


@njit
def branch_unify(x):
    if x > 0:
        y = 1
    else:
        y = 2.5
    return y


def test_int_and_float_branches_unify_to_float():
    r = branch_unify(1)
    assert r == 1.0 and isinstance(r, float)
    assert branch_unify(-1) == 2.5


@njit
def var_retyped_in_loop(n):
    acc = 0
    for i in range(n):
        acc = acc + 0.5
    return acc


def test_loop_carried_int_to_float_unification():
    r = var_retyped_in_loop(3)
    assert r == 1.5 and isinstance(r, float)
    r = var_retyped_in_loop(0)
    assert r == 0 and isinstance(r, float)


@njit
def bool_conditions(a, b, c):
    if a and not b or c:
        return 1
    return 0


def test_boolean_conditions():
    for a in (True, False):
        for b in (True, False):
            for c in (True, False):
                assert bool_conditions(a, b, c) == bool_conditions.py_func(a, b, c)


@njit
def truthiness(x):
    if x:
        return 1
    return 0


def test_truthiness_of_numbers():
    assert truthiness(0) == 0
    assert truthiness(-3) == 1
    assert truthiness(0.0) == 0
    assert truthiness(-0.0) == 0
    assert truthiness(0.1) == 1
    assert truthiness(0j) == 0
    assert truthiness(1j) == 1
    assert truthiness(True) == 1


@njit
def swap(a, b):
    a, b = b, a
    return a, b


@njit
def fib_iter(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def test_tuple_unpacking_swap():
    assert swap(1, 2) == (2, 1)
    assert swap(1.5, -2.5) == (-2.5, 1.5)
    assert fib_iter(50) == 12586269025


def test_range_near_int64_limits_terminates_like_python(tmp_path):
    # The induction variable must not overflow past stop (an infinite loop in a naive
    # `i += step; i < stop` lowering). Run in a child process in case it hangs.
    from conftest import run_isolated
    out = run_isolated(tmp_path, '''
        from jitprofile import njit

        @njit
        def count_and_sum(a, b, c):
            n = 0
            s = 0
            for i in range(a, b, c):
                n += 1
                s ^= i
            return n, s

        MIN, MAX = -2**63, 2**63 - 1
        for args in [(MAX - 10, MAX, 4), (MIN + 10, MIN, -4), (0, MAX, 2**62),
                     (MIN, MAX, 2**62), (MAX - 1, MAX, 1), (MAX, MIN, -2**62)]:
            n = len(range(*args))
            s = 0
            for i in range(*args):
                s ^= i
            print(args, count_and_sum(*args) == (n, s), flush=True)
    ''', timeout=15)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 6 and all(ln.endswith("True") for ln in lines), out.stdout


@njit
def maybe_unbound(c):
    if c:
        y = 1
    return y


def test_possibly_unbound_local_is_an_error_not_garbage():
    # CPython raises UnboundLocalError for c false; jit code must not return a value
    # (a TypingError naming the variable at compile time is acceptable too).
    from jitprofile import TypingError
    with pytest.raises((UnboundLocalError, NameError, TypingError)) as ei:
        maybe_unbound(False)
    assert "y" in str(ei.value)
