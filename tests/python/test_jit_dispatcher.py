"""The dispatcher: lazy compilation per signature, explicit signatures, argument
binding (keywords, defaults), argument type errors, introspection, recompile."""
import io
import contextlib

import pytest

from jitprofile import jit, njit, int64, float64, complex128, boolean


def sig_strs(f):
    return [tuple(str(t) for t in s) for s in f.signatures]


def test_lazy_compile_one_signature_per_type_combination():
    @njit
    def add(a, b):
        return a + b

    assert list(add.signatures) == []
    assert add(1, 2) == 3
    assert sig_strs(add) == [("int64", "int64")]
    assert add(3, 4) == 7
    assert sig_strs(add) == [("int64", "int64")]          # no recompilation for same types
    assert add(1.0, 2) == 3.0
    assert add(1j, 1j) == 2j
    assert add(True, False) == 1
    assert sorted(sig_strs(add)) == sorted([("int64", "int64"), ("float64", "int64"),
                                            ("complex128", "complex128"), ("bool", "bool")])
    assert add.signatures[0] == (int64, int64)


def test_signature_tuple_types():
    @njit
    def first(t):
        return t[0]

    assert first((1.0, 2.0, 3.0)) == 1.0
    assert first((1, 2.5)) == 1
    assert sig_strs(first) == [("UniTuple(float64, 3)",), ("Tuple(int64, float64)",)]


def test_overloads_keyed_by_signatures():
    @njit
    def f(x):
        return x + 1

    f(1)
    f(1.5)
    assert set(f.overloads.keys()) == set(f.signatures)
    assert len(f.overloads) == 2
    assert (int64,) in f.overloads and (float64,) in f.overloads


def test_explicit_signature_is_compiled_eagerly():
    def f(x):
        return x * 2.0

    d = jit("float64(float64)")(f)
    assert sig_strs(d) == [("float64",)]
    assert (float64,) in d.overloads


def test_explicit_signature_converts_int_to_float_and_compiles_nothing_new():
    @jit("float64(float64, float64)")
    def add(a, b):
        return a + b

    r = add(1, 2)
    assert r == 3.0 and isinstance(r, float)
    assert sig_strs(add) == [("float64", "float64")]


def test_explicit_signature_rejects_unsafe_conversion():
    @jit("int64(int64)")
    def inc(x):
        return x + 1

    assert inc(1) == 2
    with pytest.raises(TypeError) as ei:
        inc(1.5)
    assert "int64" in str(ei.value)
    with pytest.raises(TypeError):
        inc(1j)
    assert sig_strs(inc) == [("int64",)]


def test_explicit_signatures_error_lists_available_signatures():
    @jit(["int64(int64)", "float64(float64)"])
    def ident(x):
        return x

    assert ident(3) == 3 and isinstance(ident(3), int)
    assert ident(2.5) == 2.5
    with pytest.raises(TypeError) as ei:
        ident(1 + 2j)
    msg = str(ei.value)
    assert "int64" in msg and "float64" in msg
    assert len(ident.signatures) == 2


def test_explicit_signature_complex_and_bool():
    @jit([complex128(complex128), boolean(boolean)])
    def f(x):
        return x

    assert f(1 + 1j) == 1 + 1j
    assert f(True) is True
    assert f(2.0) == 2 + 0j      # float -> complex128 is a safe conversion


# ---- argument binding ---------------------------------------------------------------------

@njit
def with_defaults(a, b=10, c=0.5):
    return a + b * c


def test_keyword_arguments():
    assert with_defaults(1, b=2) == 2.0
    assert with_defaults(a=1, b=2, c=3.0) == 7.0
    assert with_defaults(c=3.0, b=2, a=1) == 7.0
    assert with_defaults(1, 2, c=1.0) == 3.0


def test_default_arguments_omitted():
    assert with_defaults(1) == 6.0
    assert with_defaults(1, 4) == 3.0
    assert with_defaults(1, c=2.0) == 21.0


def test_defaults_and_keywords_match_python():
    for args, kwargs in [((1,), {}), ((1, 3), {}), ((1,), {"c": 4.0}), ((), {"a": 2, "b": 1})]:
        assert with_defaults(*args, **kwargs) == with_defaults.py_func(*args, **kwargs)


@pytest.mark.parametrize("args, kwargs", [((), {}), ((1, 2, 3, 4), {}), ((1,), {"d": 2}),
                                          ((1, 2), {"b": 3})])
def test_bad_argument_binding_raises_type_error(args, kwargs):
    with pytest.raises(TypeError):
        with_defaults(*args, **kwargs)


@njit
def two_args(a, b):
    return a - b


def test_argument_count_mismatch():
    with pytest.raises(TypeError):
        two_args(1)
    with pytest.raises(TypeError):
        two_args(1, 2, 3)
    assert two_args(5, 3) == 2


@njit
def takes_velocity(velocity):
    return velocity * 2


@pytest.mark.parametrize("value, pytype", [(b"fast", "bytes"), (set(), "set"), ({"a": 1}, "dict"),
                                           (object(), "object"), ([], "list")])
def test_unsupported_argument_type_names_parameter_and_type(value, pytype):
    with pytest.raises(TypeError) as ei:
        takes_velocity(value)
    msg = str(ei.value)
    assert "velocity" in msg, msg
    assert pytype in msg, msg


def test_set_argument_is_supported_now():
    # non-empty sets became reflected sets (issue 11); an empty one has no item type (above)
    @njit
    def size(s):
        return len(s)
    assert size({1, 2}) == 2


def test_list_argument_is_supported_now():
    # lists became reflected lists (issue 11): `velocity * 2` repeats it, as CPython
    assert takes_velocity([1, 2]) == [1, 2, 1, 2]


def test_str_argument_is_supported_now():
    # strings became unicode_type (issue 11): `velocity * 2` repeats it, as CPython
    assert takes_velocity("fast") == "fastfast"


def test_unsupported_argument_type_as_keyword():
    with pytest.raises(TypeError) as ei:
        takes_velocity(velocity=b"fast")
    assert "velocity" in str(ei.value) and "bytes" in str(ei.value)


def test_int_too_large_for_int64_raises_overflow_error():
    with pytest.raises(OverflowError):
        takes_velocity(2**63)
    with pytest.raises(OverflowError):
        takes_velocity(-2**63 - 1)
    assert takes_velocity(2**62) == -2**63          # fits int64; the product wraps
    assert takes_velocity(-2**63) == 0
    assert takes_velocity(-2**62) == -2**63
    assert takes_velocity(2**31) == 2**32


def test_tuple_with_unsupported_element_is_type_error():
    with pytest.raises(TypeError):
        takes_velocity((1, b"a"))


@njit
def none_check(x, y):
    return y is None


def test_none_argument():
    assert none_check(1, None) is True
    assert none_check(1, 2.5) is False
    assert any("none" in str(t).lower() for s in none_check.signatures for t in s)


@njit
def returns_none_or_nothing(x):
    y = x + 1


def test_returns_none():
    assert returns_none_or_nothing(1) is None


# ---- introspection -----------------------------------------------------------------------

@njit
def summed(n):
    total = 0.0
    for i in range(n):
        total += i * 0.5
    return total


def test_inspect_types_mentions_variables_and_types():
    summed(10)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        ret = summed.inspect_types()
    text = buf.getvalue() + (ret if isinstance(ret, str) else "")
    assert "total" in text
    assert "float64" in text
    assert "int64" in text


def test_inspect_llvm_returns_ir():
    summed(10)
    ir = summed.inspect_llvm(summed.signatures[0])
    assert isinstance(ir, str)
    assert "define" in ir


def test_inspect_asm_returns_assembly():
    summed(10)
    asm = summed.inspect_asm(summed.signatures[0])
    assert isinstance(asm, str)
    assert "ret" in asm
    assert "define" not in asm


def test_inspect_llvm_per_signature():
    @njit
    def f(x):
        return x * 3

    f(1)
    f(1.0)
    ir_int = f.inspect_llvm((int64,))
    ir_float = f.inspect_llvm((float64,))
    assert "mul" in ir_int
    assert "fmul" in ir_float


def test_recompile_keeps_signatures_and_results():
    @njit
    def f(x):
        return x + 1

    f(1)
    f(2.0)
    before = sorted(sig_strs(f))
    f.recompile()
    assert sorted(sig_strs(f)) == before
    assert f(1) == 2 and f(2.0) == 3.0


def test_py_func_is_original_and_still_python():
    def g(x):
        return x + 1
    f = njit(g)
    assert f.py_func is g
    assert f.py_func(1) == 2
    assert f(1) == 2


@njit
def optional_offset(a, b=None):
    if b is None:
        return a
    return a + b


def test_default_none_with_is_none_branch():
    # the common Numba idiom: a None default tested with `is None` (the branch that
    # would use None is pruned for that signature)
    assert optional_offset(1) == 1
    assert optional_offset(1, 2) == 3
    assert optional_offset(1.5, b=2) == 3.5


def test_explicit_int32_signature_never_silently_truncates_arguments():
    @jit("int32(int32, int32)")
    def add32(a, b):
        return a + b

    # a Python int that does not fit int32 must not be silently wrapped (2**40 -> 0):
    # TypeError (no safe conversion from int64) or OverflowError are both acceptable
    with pytest.raises((TypeError, OverflowError)):
        add32(2**40, 1)
    assert sig_strs(add32) == [("int32", "int32")]
