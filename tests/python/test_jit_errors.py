"""Errors: run-time exceptions (ZeroDivisionError, raise, assert), TypingError and
UnsupportedError at compile time with FILE:LINE:COL, the source line and a caret."""
import pytest

from jitprofile import jit, njit, TypingError, UnsupportedError
from conftest import line_of, source_line, code_part, py_error

HERE = __file__


# ---- ZeroDivisionError: same messages as the running CPython ----------------------------

@njit
def z_floordiv(a, b):
    return a // b


@njit
def z_mod(a, b):
    return a % b


@njit
def z_truediv(a, b):
    return a / b


@njit
def z_divmod(a, b):
    return divmod(a, b)


ZERO_CASES = [
    ("int //", z_floordiv, lambda a, b: a // b, (1, 0)),
    ("int %", z_mod, lambda a, b: a % b, (1, 0)),
    ("int /", z_truediv, lambda a, b: a / b, (1, 0)),
    ("float /", z_truediv, lambda a, b: a / b, (1.0, 0.0)),
    ("float / -0.0", z_truediv, lambda a, b: a / b, (1.0, -0.0)),
    ("float //", z_floordiv, lambda a, b: a // b, (1.0, 0.0)),
    ("float %", z_mod, lambda a, b: a % b, (1.0, 0.0)),
    ("int / float", z_truediv, lambda a, b: a / b, (1, 0.0)),
    ("divmod int", z_divmod, divmod, (1, 0)),
    ("divmod float", z_divmod, divmod, (1.0, 0.0)),
    ("complex /", z_truediv, lambda a, b: a / b, (1 + 1j, 0j)),
    ("zero int //", z_floordiv, lambda a, b: a // b, (0, 0)),
    ("negative int %", z_mod, lambda a, b: a % b, (-5, 0)),
]


@pytest.mark.parametrize("label, jf, pf, args", ZERO_CASES, ids=[c[0] for c in ZERO_CASES])
def test_zero_division_message_matches_cpython(label, jf, pf, args):
    etype, emsg = py_error(pf, *args)
    assert etype is ZeroDivisionError
    with pytest.raises(ZeroDivisionError) as ei:
        jf(*args)
    assert str(ei.value) == emsg, label


def test_zero_division_does_not_poison_later_calls():
    with pytest.raises(ZeroDivisionError):
        z_floordiv(5, 0)
    assert z_floordiv(5, 2) == 2


@njit
def z_inner(a, b):
    return a // b


@njit
def z_outer(n):
    s = 0
    for i in range(n, -1, -1):
        s += z_inner(100, i)
    return s


def test_zero_division_propagates_through_jitted_caller_and_loop():
    with pytest.raises(ZeroDivisionError) as ei:
        z_outer(5)
    assert str(ei.value) == py_error(lambda a, b: a // b, 100, 0)[1]
    assert z_inner(100, 7) == 14


# ---- raise / assert --------------------------------------------------------------------

@njit
def raise_value_error(x):
    if x < 0:
        raise ValueError("x must be non-negative")
    return x * 2


@njit
def raise_bare_class(x):
    if x < 0:
        raise ValueError
    return x


@njit
def raise_other(kind):
    if kind == 0:
        raise TypeError("a type error")
    elif kind == 1:
        raise RuntimeError("a runtime error")
    elif kind == 2:
        raise IndexError("an index error")
    elif kind == 3:
        raise KeyError("a key")
    elif kind == 4:
        raise ZeroDivisionError("custom zero")
    elif kind == 5:
        raise OverflowError("too big")
    elif kind == 6:
        raise ArithmeticError("arith")
    elif kind == 7:
        raise NotImplementedError("not yet")
    return kind


def test_raise_value_error_with_message():
    assert raise_value_error(3) == 6
    with pytest.raises(ValueError) as ei:
        raise_value_error(-1)
    assert type(ei.value) is ValueError
    assert ei.value.args == ("x must be non-negative",)
    assert raise_value_error(4.5) == 9.0
    with pytest.raises(ValueError, match="x must be non-negative"):
        raise_value_error(-0.5)


def test_raise_exception_class_without_args():
    assert raise_bare_class(1) == 1
    with pytest.raises(ValueError) as ei:
        raise_bare_class(-1)
    assert type(ei.value) is ValueError
    assert ei.value.args == ()


@pytest.mark.parametrize("kind, etype, msg", [
    (0, TypeError, "a type error"), (1, RuntimeError, "a runtime error"),
    (2, IndexError, "an index error"), (3, KeyError, "a key"),
    (4, ZeroDivisionError, "custom zero"), (5, OverflowError, "too big"),
    (6, ArithmeticError, "arith"), (7, NotImplementedError, "not yet"),
])
def test_raise_builtin_exceptions(kind, etype, msg):
    with pytest.raises(etype) as ei:
        raise_other(kind)
    assert type(ei.value) is etype
    assert ei.value.args == (msg,)


def test_no_raise_path():
    assert raise_other(42) == 42


@njit
def raise_in_callee_inner(x):
    if x > 10:
        raise RuntimeError("too large")
    return x


@njit
def raise_in_callee_outer(x):
    total = 0
    for i in range(x):
        total += raise_in_callee_inner(i)
    return total


def test_raise_propagates_through_jitted_call():
    assert raise_in_callee_outer(5) == 10
    with pytest.raises(RuntimeError) as ei:
        raise_in_callee_outer(20)
    assert ei.value.args == ("too large",)


@njit
def checked_sqrt(x):
    assert x >= 0, "negative input"
    return x ** 0.5


@njit
def checked_plain(x):
    assert x > 0
    return x


def test_assert_with_message():
    assert checked_sqrt(4.0) == 2.0
    with pytest.raises(AssertionError) as ei:
        checked_sqrt(-1.0)
    assert ei.value.args == ("negative input",)


def test_assert_without_message():
    assert checked_plain(1) == 1
    with pytest.raises(AssertionError) as ei:
        checked_plain(0)
    assert ei.value.args == ()


# ---- TypingError ---------------------------------------------------------------------------

@njit
def tuple_or_float(x):
    if x > 0:
        return (x, x)  # RET-TUPLE
    return x  # RET-FLOAT


def _check_location(err, lineno_choices):
    msg = str(err)
    assert err.filename == HERE
    assert err.lineno in lineno_choices, (err.lineno, lineno_choices, msg)
    line = source_line(HERE, err.lineno)
    assert isinstance(err.col, int) and 1 <= err.col <= len(line), (err.col, line)
    assert f"{HERE}:{err.lineno}:{err.col}" in msg, msg
    assert code_part(line) in msg, msg
    assert any(set(ln.strip()) <= set("^~") and "^" in ln for ln in msg.splitlines()), msg
    return msg


def test_typing_error_unify_tuple_and_float():
    with pytest.raises(TypingError) as ei:
        tuple_or_float(1.5)
    err = ei.value
    msg = str(err)
    assert "tuple_or_float" in msg
    assert "float64" in msg
    assert "UniTuple(float64, 2)" in msg
    _check_location(err, {line_of(HERE, "RET-TUPLE"), line_of(HERE, "RET-FLOAT")})


def test_typing_error_is_raised_at_first_call_not_decoration():
    def g(x):
        if x > 0:
            return (x, x)
        return x
    f = njit(g)                    # lazy: no error yet
    with pytest.raises(TypingError):
        f(1.0)
    with pytest.raises(TypingError):   # and again, not a crash the second time
        f(1.0)


def test_typing_error_at_decoration_with_explicit_signature():
    def g(x):
        if x > 0:
            return (x, x)
        return x
    with pytest.raises(TypingError) as ei:
        jit("float64(float64)")(g)
    assert "g" in str(ei.value)


@njit
def uses_undefined(x):
    return x + undefined_thing_xyz  # UNDEFINED-NAME  # noqa: F821


def test_typing_error_undefined_name():
    with pytest.raises(TypingError) as ei:
        uses_undefined(1)
    err = ei.value
    msg = str(err)
    assert "undefined_thing_xyz" in msg
    assert "uses_undefined" in msg
    lineno = line_of(HERE, "UNDEFINED-NAME")
    _check_location(err, {lineno})
    assert err.col == source_line(HERE, lineno).index("undefined_thing_xyz") + 1


def test_caret_points_at_column():
    with pytest.raises(TypingError) as ei:
        uses_undefined(1)
    err = ei.value
    lines = str(err).splitlines()
    src = source_line(HERE, err.lineno)
    stripped = code_part(src)
    indent = len(src) - len(src.lstrip())
    for k, ln in enumerate(lines[:-1]):
        if stripped in ln and "^" in lines[k + 1]:
            start = ln.index(stripped)
            caret = lines[k + 1].index("^")
            assert caret == start + (err.col - 1 - indent), (ln, lines[k + 1], err.col)
            break
    else:
        pytest.fail("no source line followed by a caret line in:\n" + str(err))


@njit
def float_plus_tuple(x):
    t = (x, x)
    return x + t  # BAD-OPERANDS


def test_typing_error_bad_operand_types():
    with pytest.raises(TypingError) as ei:
        float_plus_tuple(1.0)
    msg = str(ei.value)
    assert "float64" in msg and "UniTuple(float64, 2)" in msg
    _check_location(ei.value, {line_of(HERE, "BAD-OPERANDS")})


@njit
def maybe_add(x):
    return x + 1


def test_dispatcher_usable_after_typing_error():
    with pytest.raises(TypingError):
        maybe_add((1, 2))
    assert maybe_add(1) == 2
    assert maybe_add(1.5) == 2.5


@njit
def calls_bad_callee(x):
    return uses_undefined_in_callee(x) + 1


@njit
def uses_undefined_in_callee(x):
    return x * another_undefined_name  # noqa: F821


def test_typing_error_in_callee_names_the_name():
    with pytest.raises(TypingError) as ei:
        calls_bad_callee(2)
    assert "another_undefined_name" in str(ei.value)


# ---- UnsupportedError ------------------------------------------------------------------------

def u_with(x):
    with open("/dev/null") as fh:  # U-with
        fh.read()
    return x


def u_try(x):
    try:
        y = 1 // x
    except ZeroDivisionError as e:  # U-try (exception objects do not exist in jit code, as in Numba)
        y = 0
    return y


def u_yield(x):
    yield from range(x)  # U-yield (generators are supported; delegation is not, as in Numba)


def u_class(x):
    class Local:  # U-class
        pass
    return x


def u_list_slice_store(n):
    xs = [i for i in range(n)]     # lists and comprehensions are supported (issue 11) ...
    xs[1:2] = [5]  # U-list-slice-store
    return len(xs)


def u_dictcomp(n):
    d = {i: i for i in range(n)}  # U-dictcomp
    return n


def u_setcomp(n):
    s = {i for i in range(n)}  # U-setcomp
    return n


def u_lambda(x):
    g = lambda y: y + x  # noqa: E731
    return g  # U-lambda (a closure escaping: lambdas themselves work, test_jit_closures.py)


def u_dict(x):
    d = {**{1: x}}  # U-dict-literal (string keys work now: test_jit_dict_strkeys.py)
    return x


def u_set(x):
    s = {*(x, 1)}  # U-set-star
    return x


def u_list(x):
    lst = [*(x, 1)]  # U-list-star
    return x


def u_fstring(x):
    s = f"{x!a}"  # U-fstring
    return x


def u_strop(x):
    s = "ab%d" % x  # U-strop
    return x


def u_global(x):
    global SOME_GLOBAL  # U-global
    return x


def _make_nonlocal():
    k = 1

    def u_nonlocal(x):
        nonlocal k  # U-nonlocal
        k = x
        return x
    return u_nonlocal


UNSUPPORTED = [
    ("with", u_with, "U-with", ["with statement"]),
    ("except as", u_try, "U-try", ["except", "as name"]),
    ("yield from", u_yield, "U-yield", ["yield from"]),
    ("class", u_class, "U-class", ["class"]),
    ("list slice store", u_list_slice_store, "U-list-slice-store", ["slice assignment to a list"]),
    ("dictcomp", u_dictcomp, "U-dictcomp", ["dict", "comprehension"]),
    ("setcomp", u_setcomp, "U-setcomp", ["set", "comprehension"]),
    ("lambda", u_lambda, "U-lambda", ["lambda"]),
    ("dict literal", u_dict, "U-dict-literal", ["dict"]),
    ("starred in a set", u_set, "U-set-star", ["starred", "set"]),     # set literals work (test_jit_sets.py)
    ("starred in a list", u_list, "U-list-star", ["starred", "list"]),
    ("f-string", u_fstring, "U-fstring", ["str"]),
    ("string op", u_strop, "U-strop", ["str"]),
    ("global", u_global, "U-global", ["global"]),
    ("nonlocal", _make_nonlocal(), "U-nonlocal", ["nonlocal"]),
]


@pytest.mark.parametrize("label, fn, marker, words", UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_unsupported_construct(label, fn, marker, words):
    with pytest.raises(UnsupportedError) as ei:
        f = njit(fn)     # may raise here ...
        f(3)             # ... or at the first call
    msg = str(ei.value)
    for w in words:
        assert w in msg.lower(), (label, msg)
    lineno = line_of(HERE, marker)
    assert f"{HERE}:{lineno}:" in msg, (label, msg)


@njit
def non_ascii_before_error(x):
    café = x
    return café + undefined_after_accent  # NON-ASCII  # noqa: F821


def test_column_counts_characters_not_utf8_bytes():
    with pytest.raises(TypingError) as ei:
        non_ascii_before_error(1)
    err = ei.value
    lineno = line_of(HERE, "NON-ASCII")
    src = source_line(HERE, lineno)
    assert err.lineno == lineno
    assert err.col == src.index("undefined_after_accent") + 1, (err.col, str(err))
    lines = str(err).splitlines()
    code = code_part(src)
    for k, ln in enumerate(lines[:-1]):
        if code in ln and "^" in lines[k + 1]:
            caret = lines[k + 1].index("^")
            assert caret == ln.index(code) + code.index("undefined_after_accent"), str(err)
            break
    else:
        pytest.fail("no caret line:\n" + str(err))


@njit
def huge_int_literal(x):
    return x + 100000000000000000000000  # HUGE-LITERAL


def test_int_literal_too_large_is_typing_error_with_caret():
    with pytest.raises(TypingError) as ei:
        huge_int_literal(1)
    msg = _check_location(ei.value, {line_of(HERE, "HUGE-LITERAL")})
    assert "100000000000000000000000" in msg
