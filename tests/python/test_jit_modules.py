"""Modules in jit code (issue 11): Python's `random` (CPython's own sequence
after random.seed in jit code), `math` and `cmath` complete, and `operator`;
each compared with CPython, and each unsupported neighbour an
UnsupportedError with file:line:col and what to write instead."""
import cmath
import math
import operator
import random
import sys

import numpy as np
import pytest

from jitprofile import njit, jit, TypingError, UnsupportedError

from conftest import line_of, same_float

SEEDS = [0, 1, 42, 2**31 - 1, 2**32 + 5, -7, 2**62 + 12345]


@pytest.fixture(autouse=True)
def builtin_implementations(monkeypatch):
    """Other test files give math functions an @overload (which wins over the
    built-in implementation); these tests check the built-in ones."""
    from jitprofile import extending
    monkeypatch.setattr(extending, "_registry",
                        {k: v for k, v in extending._registry.items()
                         if getattr(k, "__module__", None) not in ("math", "cmath", "random", "_operator")})


# ---------------------------------------------------------------- random

def draws(s):
    random.seed(s)
    out = (random.random(), random.randint(-5, 1000), random.uniform(2.0, -3.0),
           random.gauss(), random.gauss(1.0, 2.0), random.gauss(0.5),
           random.getrandbits(0), random.getrandbits(1), random.getrandbits(31), random.getrandbits(32),
           random.getrandbits(33), random.getrandbits(64),
           random.randrange(10), random.randrange(3, 50), random.randrange(3, 50, 4),
           random.randrange(50, 3, -7), random.randrange(0, 2**40),
           random.normalvariate(), random.normalvariate(3.0, 0.5), random.lognormvariate(0.0, 1.0),
           random.expovariate(2.0), random.paretovariate(3.0), random.weibullvariate(1.5, 2.0),
           random.triangular(), random.triangular(1.0, 5.0), random.triangular(1.0, 5.0, 2.0),
           random.triangular(2.0, 2.0, 2.0),
           random.gammavariate(0.5, 2.0), random.gammavariate(1.0, 2.0), random.gammavariate(4.5, 1.5),
           random.betavariate(2.0, 3.0), random.vonmisesvariate(1.0, 4.0), random.vonmisesvariate(1.0, 0.0),
           random.random())
    return out


jit_draws = njit(draws)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_sequence_matches_cpython(seed):
    got = jit_draws(seed)
    want = draws(seed)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g == w and type(g) is type(w) or (isinstance(w, int) and int(g) == w), (g, w)


def test_random_state_is_separate_from_the_interpreter():
    @njit
    def seed_and_draw(s):
        random.seed(s)
        return random.random()

    random.seed(5)
    before = random.getstate()
    assert seed_and_draw(3) == (random.seed(3), random.random())[1]
    random.setstate(before)
    seed_and_draw(9)
    assert random.getstate() == before       # jit code did not touch Python's generator


def test_random_continues_across_calls():
    @njit
    def seed(s):
        random.seed(s)

    @njit
    def draw():
        return random.random()

    seed(11)
    got = [draw() for _ in range(5)]
    random.seed(11)
    assert got == [random.random() for _ in range(5)]


def test_random_from_import_and_module_alias():
    from random import randint as ri
    import random as rnd

    @njit
    def f(s):
        rnd.seed(s)
        return ri(1, 6) + ri(1, 6)

    random.seed(4)
    assert f(4) == random.randint(1, 6) + random.randint(1, 6)


@pytest.mark.parametrize("seed", [1, 2, 99])
def test_shuffle_and_choice_match_cpython(seed):
    @njit
    def f(a, s):
        random.seed(s)
        random.shuffle(a)
        return random.choice(a)

    a = np.arange(20.0)
    ref = list(range(20))
    x = f(a, seed)
    random.seed(seed)
    random.shuffle(ref)
    assert a.tolist() == ref
    assert x == random.choice(ref)
    b = np.arange(7, dtype=np.int32)[::-1].copy()
    f(b, seed)
    ref = list(range(7))[::-1]
    random.seed(seed)
    random.shuffle(ref)
    assert b.tolist() == ref


def test_shuffle_of_views_and_complex_arrays():
    @njit
    def f(a, s):
        random.seed(s)
        random.shuffle(a)

    base = np.arange(30.0)
    view = base[::-3]               # negative stride
    ref = view.tolist()
    f(view, 8)
    random.seed(8)
    random.shuffle(ref)
    assert view.tolist() == ref
    assert sorted(base.tolist()) == list(np.arange(30.0))
    z = np.arange(9) * (1 + 2j)
    ref = z.tolist()
    f(z, 4)
    random.seed(4)
    random.shuffle(ref)
    assert z.tolist() == ref


def test_random_errors_match_cpython_classes():
    @njit
    def rr(a, b):
        return random.randrange(a, b)

    @njit
    def ch(a):
        return random.choice(a)

    @njit
    def bits(k):
        return random.getrandbits(k)

    @njit
    def gam(a):
        return random.gammavariate(a, 1.0)

    @njit
    def ri(a, b):
        return random.randint(a, b)

    with pytest.raises(ValueError, match="empty range"):
        rr(5, 5)
    with pytest.raises(ValueError):
        random.randrange(5, 5)
    with pytest.raises(ValueError, match="empty range"):
        ri(3, 1)
    with pytest.raises(IndexError, match="Cannot choose from an empty sequence"):
        ch(np.zeros(0))
    with pytest.raises(ValueError, match="number of bits must be non-negative"):
        bits(-1)
    with pytest.raises(ValueError, match="at most 64 bits"):
        bits(65)
    with pytest.raises(ValueError, match="gammavariate: alpha and beta must be > 0.0"):
        gam(0.0)

    @njit
    def expo(l):
        return random.expovariate(l)

    with pytest.raises(ZeroDivisionError):
        expo(0.0)


def test_random_typing_errors():
    @njit
    def seed_none():
        random.seed()

    with pytest.raises(TypingError, match="random.seed\\(\\) takes an integer"):
        seed_none()

    @njit
    def shuffle2d(a):
        random.shuffle(a)

    with pytest.raises(TypingError, match="1-d array"):
        shuffle2d(np.zeros((2, 2)))

    @njit
    def shuffle_ro(a):
        random.shuffle(a)

    ro = np.zeros(3)
    ro.setflags(write=False)
    with pytest.raises(TypingError, match="read-only"):
        shuffle_ro(ro)


def uses_sample(n):
    return random.sample(range(n), 2)  # SAMPLE_LINE


def test_random_unsupported_neighbours_say_what_to_write():
    with pytest.raises(UnsupportedError) as ei:
        njit(uses_sample)(5)
    msg = str(ei.value)
    assert f"test_jit_modules.py:{line_of(__file__, 'SAMPLE_LINE')}:" in msg
    assert "random.sample()" in msg and "randrange" in msg


# ---------------------------------------------------------------- math

INT_CASES = [(0, 0), (1, 1), (5, 2), (10, 4), (20, 10), (33, 16), (60, 30), (12, 18), (-12, 18), (7, 0)]


@pytest.mark.parametrize("n, k", INT_CASES)
def test_integer_functions_match_cpython(n, k):
    @njit
    def f(n, k):
        return math.gcd(n, k), math.lcm(n, k), math.gcd(n, k, 6), math.lcm(n, k, 3), math.gcd(), math.lcm()

    assert f(n, k) == (math.gcd(n, k), math.lcm(n, k), math.gcd(n, k, 6), math.lcm(n, k, 3),
                       math.gcd(), math.lcm())
    if n >= 0 and k >= 0:
        for name, fn, args in [("comb", math.comb, (n, k)), ("perm", math.perm, (n, k)),
                               ("perm1", math.perm, (n,)), ("isqrt", math.isqrt, (n * n + k,)),
                               ("factorial", math.factorial, (n,))]:
            want = fn(*args)
            jf = JIT_INT[name]
            if want >= 2**63:
                with pytest.raises(OverflowError, match="int64"):
                    jf(*args)
            else:
                assert jf(*args) == want, (name, args)


def _comb(n, k):
    return math.comb(n, k)


def _perm(n, k):
    return math.perm(n, k)


def _perm1(n):
    return math.perm(n)


def _isqrt(n):
    return math.isqrt(n)


def _factorial(n):
    return math.factorial(n)


JIT_INT = {"comb": njit(_comb), "perm": njit(_perm), "perm1": njit(_perm1), "isqrt": njit(_isqrt),
           "factorial": njit(_factorial)}


def _gcd3(a, b, c):
    return math.gcd(a, b, c)


def test_gcd_random_pairs_match_cpython():
    g = njit(_gcd3)
    rng = np.random.default_rng(5)
    vals = [0, 1, -1, 2**62, -(2**62), 2**63 - 1, -(2**63 - 1), 6, -12, 7 * 2**40]
    vals += [int(v) for v in rng.integers(-2**63 + 1, 2**63 - 1, 60)]
    vals += [int(v) for v in rng.integers(-1000, 1000, 60)]
    for a in vals[::3]:
        for b in vals[1::4]:
            assert g(a, b, 0) == math.gcd(a, b, 0), (a, b)
            assert g(a, b, 48) == math.gcd(a, b, 48), (a, b)
    with pytest.raises(OverflowError):
        g(-2**63, 0, 0)         # 2**63 does not fit in int64


def test_isqrt_exhaustive_edges():
    f = njit(lambda n: math.isqrt(n))
    for n in list(range(0, 2000)) + [2**52 - 1, 2**52, 2**53 + 1, 2**62, 2**63 - 1, (2**31 - 1) ** 2,
                                      (2**31) ** 2 - 1, (3037000499) ** 2, (3037000499) ** 2 - 1]:
        assert f(n) == math.isqrt(n), n


def test_integer_function_errors():
    fact = njit(lambda n: math.factorial(n))
    with pytest.raises(ValueError, match="factorial\\(\\) not defined for negative values"):
        fact(-1)
    with pytest.raises(OverflowError, match="int64"):
        fact(21)
    assert fact(20) == math.factorial(20)
    with pytest.raises(ValueError, match="isqrt\\(\\) argument must be nonnegative"):
        njit(lambda n: math.isqrt(n))(-4)
    comb = njit(lambda n, k: math.comb(n, k))
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        comb(-1, 2)
    with pytest.raises(ValueError, match="k must be a non-negative integer"):
        comb(4, -2)
    with pytest.raises(OverflowError):
        comb(200, 100)
    assert comb(66, 33) == math.comb(66, 33)
    assert comb(5, 9) == 0
    with pytest.raises(OverflowError):
        njit(lambda n, k: math.perm(n, k))(100, 50)
    with pytest.raises(TypingError, match="needs an integer"):
        njit(lambda x: math.factorial(x))(2.0)


FLOATS = [0.0, -0.0, 1.0, -2.5, 3.75, 1e-310, 5e-324, 1.7976931348623157e308, 1e300, -1e-5,
          math.inf, -math.inf, math.nan, 0.1, 123456.789]


def float_fns(x, y):
    return (math.frexp(x), math.modf(x), math.nextafter(x, y), math.ulp(x),
            math.isclose(x, y), math.isclose(x, y, rel_tol=0.5), math.isclose(x, y, abs_tol=1.0),
            math.copysign(1.0, x))


@pytest.mark.parametrize("x", FLOATS)
@pytest.mark.parametrize("y", [0.0, 1.0, -3.0, math.inf, math.nan, 1e300])
def test_float_functions_match_cpython(x, y):
    got = njit(float_fns)(x, y)
    want = float_fns(x, y)
    flat_g = [v for t in got for v in (t if isinstance(t, tuple) else (t,))]
    flat_w = [v for t in want for v in (t if isinstance(t, tuple) else (t,))]
    for g, w in zip(flat_g, flat_w):
        if isinstance(w, float):
            assert same_float(g, w), (x, y, got, want)
        else:
            assert g == w and type(g) is type(w), (x, y, got, want)


@pytest.mark.parametrize("x", FLOATS)
@pytest.mark.parametrize("y", [0.0, 0.7, -3.0, math.inf, math.nan])
def test_remainder_and_ldexp_match_cpython(x, y):
    rem = njit(lambda x, y: math.remainder(x, y))
    try:
        want = math.remainder(x, y)
    except ValueError:
        with pytest.raises(ValueError, match="math domain error"):
            rem(x, y)
    else:
        assert same_float(rem(x, y), want)
    ld = njit(lambda x, i: math.ldexp(x, i))
    for i in [0, 3, -3, 1100, -1100, 2000, -2000, 10**9, -10**9]:
        try:
            want = math.ldexp(x, i)
        except OverflowError:
            with pytest.raises(OverflowError, match="math range error"):
                ld(x, i)
        else:
            assert same_float(ld(x, i), want), (x, i)


def test_isclose_errors_and_keywords():
    f = njit(lambda a, b, r: math.isclose(a, b, rel_tol=r))
    with pytest.raises(ValueError, match="tolerances must be non-negative"):
        f(1.0, 1.0, -1.0)
    with pytest.raises(TypingError, match="unexpected keyword argument 'rel'"):
        njit(lambda a, b: math.isclose(a, b, rel=1.0))(1.0, 2.0)
    with pytest.raises(TypingError, match="at most 2 positional"):
        njit(lambda a, b: math.isclose(a, b, 0.1))(1.0, 2.0)


def test_fsum_matches_cpython_exactly():
    f = njit(lambda a: math.fsum(a))
    t = njit(lambda a, b, c, d: math.fsum((a, b, c, d)))
    rng = np.random.default_rng(3)
    for _ in range(50):
        a = rng.standard_normal(200) * 10.0 ** rng.integers(-20, 20, 200)
        assert same_float(f(a), math.fsum(a))
        assert same_float(f(a[::3]), math.fsum(a[::3]))
    for case in [(0.1, 0.1, 0.1, -0.3), (1e308, 1e308, -1e308, -1e308), (1e100, 1.0, -1e100, 1e-100),
                 (math.inf, 1.0, 2.0, 3.0), (math.nan, 1.0, 2.0, 3.0), (2.0**53, 1.0, -2.0**53, 0.5)]:
        try:
            want = math.fsum(case)
        except (ValueError, OverflowError) as e:
            with pytest.raises(type(e)):
                t(*case)
        else:
            assert same_float(t(*case), want), case
    with pytest.raises(ValueError, match="-inf \\+ inf in fsum"):
        t(math.inf, -math.inf, 0.0, 0.0)
    with pytest.raises(OverflowError, match="intermediate overflow in fsum"):
        t(1.7e308, 1.7e308, 0.0, 0.0)
    with pytest.raises(TypingError, match="float64 arrays"):
        f(np.arange(3))


def test_prod_matches_cpython():
    p = njit(lambda t: math.prod(t))
    assert p((2, 3, 4)) == 24 and type(p((2, 3, 4))) is int
    assert p((2, 3.5, 4)) == math.prod((2, 3.5, 4))
    assert p(np.arange(1.0, 6.0)) == math.prod(np.arange(1.0, 6.0))
    assert p(np.arange(1, 6)) == 120
    assert p(np.zeros(0)) == 1
    s = njit(lambda t, s: math.prod(t, start=s))
    assert s((2, 3), 0.5) == math.prod((2, 3), start=0.5)
    assert s(np.arange(1.0, 4.0), 2) == math.prod(np.arange(1.0, 4.0), start=2)


@pytest.mark.parametrize("coords", [(3.0, 4.0), (1.0, 2.0, 2.0), (1e-320, 2e-320, 3e-320), (1e200, 1e200, 1e200),
                                    (0.0, 0.0, 0.0), (5.0,), (), (math.inf, math.nan, 1.0),
                                    (math.nan, 1.0, 2.0), (1.0, 1e-17, 1e-17, 1e-17),
                                    (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)])
def test_hypot_and_dist_match_cpython(coords):
    h = njit(lambda *c: math.hypot(*c)) if False else None   # *args in calls is not jit syntax
    n = len(coords)
    src = f"def h({', '.join('a%d' % i for i in range(n))}):\n    return math.hypot({', '.join('a%d' % i for i in range(n))})\n"
    ns = {"math": math}
    import linecache
    fname = f"<hypot{n}>"
    linecache.cache[fname] = (len(src), None, src.splitlines(True), fname)
    exec(compile(src, fname, "exec"), ns)
    got = njit(ns["h"])(*coords)
    want = math.hypot(*coords)
    if math.isnan(want) or math.isinf(want) or want == 0.0:
        assert same_float(got, want)
    else:
        assert abs(got - want) <= math.ulp(want), (got, want)     # last bit may differ (docs/jit.md)
    if n:
        d = njit(lambda p, q: math.dist(p, q))
        q = tuple(0.5 * v for v in coords)
        want = math.dist(coords, q)
        got = d(coords, q)
        assert same_float(got, want) or abs(got - want) <= math.ulp(want)


def test_hypot_overflow_and_dist_errors():
    h3 = njit(lambda a, b, c: math.hypot(a, b, c))
    assert h3(1e308, 1e308, 1e308) == math.hypot(1e308, 1e308, 1e308)
    # CPython's hypot and dist return inf on overflow (no OverflowError);
    # before issue 11 the JIT raised OverflowError for hypot(x, y)
    assert h3(1.5e308, 1.5e308, 1.5e308) == math.hypot(1.5e308, 1.5e308, 1.5e308) == math.inf
    h2 = njit(lambda a, b: math.hypot(a, b))
    assert h2(1.5e308, 1.5e308) == math.hypot(1.5e308, 1.5e308) == math.inf
    d = njit(lambda p, q: math.dist(p, q))
    assert d((1e308,), (-1e308,)) == math.dist((1e308,), (-1e308,)) == math.inf
    with pytest.raises(TypingError, match="same number of dimensions"):
        njit(lambda p, q: math.dist(p, q))((1.0, 2.0), (1.0,))
    with pytest.raises(TypingError, match="tuples, not arrays"):
        njit(lambda p, q: math.dist(p, q))(np.zeros(2), np.zeros(2))


@pytest.mark.skipif(not hasattr(math, "fma"), reason="math.fma is new in Python 3.13")
def test_fma_matches_cpython():
    f = njit(lambda x, y, z: math.fma(x, y, z))
    for args in [(2.0, 3.0, 4.0), (0.1, 10.0, -1.0), (1e308, 10.0, 0.0), (math.inf, 0.0, 1.0)]:
        try:
            want = math.fma(*args)
        except (ValueError, OverflowError) as e:
            with pytest.raises(type(e)):
                f(*args)
        else:
            assert same_float(f(*args), want)


def test_every_math_and_cmath_function_is_supported_or_a_clear_error():
    """Each public function of CPython's math and cmath: compiled, or an
    UnsupportedError that says what to write instead; constants fold."""
    import linecache
    for modname, mod in (("math", math), ("cmath", cmath)):
        for name in sorted(dir(mod)):
            if name.startswith("_"):
                continue
            obj = getattr(mod, name)
            if not callable(obj):
                src = f"def f():\n    return {modname}.{name}\n"
            else:
                src = f"def f(x):\n    return {modname}.{name}\n"
            fname = f"<{modname}.{name}>"
            linecache.cache[fname] = (len(src), None, src.splitlines(True), fname)
            ns = {modname: mod}
            exec(compile(src, fname, "exec"), ns)
            if not callable(obj):
                v = njit(ns["f"])()
                assert v == obj or (v != v and obj != obj), name
                continue
            # the name resolves: using it as a value says "call it instead",
            # and an unsupported one says what to write
            with pytest.raises((TypingError, UnsupportedError)) as ei:
                njit(ns["f"])(1.0)
            msg = str(ei.value)
            if isinstance(ei.value, UnsupportedError):
                assert "hint:" in msg, (name, msg)
            else:
                assert "call it instead" in msg, (name, msg)


def test_cmath_isclose_matches_cpython():
    f = njit(lambda a, b: cmath.isclose(a, b))
    g = njit(lambda a, b: cmath.isclose(a, b, rel_tol=0.1, abs_tol=0.01))
    for a, b in [(1j, 1j), (1 + 1j, 1 + 1.0000000001j), (1 + 1j, 2 + 1j), (complex(math.inf, 1), complex(math.inf, 1)),
                 (complex(math.inf, 1), complex(math.inf, 2)), (complex(math.nan, 0), complex(math.nan, 0)),
                 (0j, 0.005 + 0j), (3.0 + 0j, 3.2 + 0j)]:
        assert f(a, b) == cmath.isclose(a, b), (a, b)
        assert g(a, b) == cmath.isclose(a, b, rel_tol=0.1, abs_tol=0.01), (a, b)
    assert f(1.0, 1.0) is True


def test_cmath_constants_in_jit_code():
    f = njit(lambda: (cmath.pi, cmath.e, cmath.tau, cmath.inf, cmath.infj, math.tau))
    assert f() == (cmath.pi, cmath.e, cmath.tau, cmath.inf, cmath.infj, math.tau)


def uses_sumprod(p, q):
    return math.sumprod(p, q)  # SUMPROD_LINE


@pytest.mark.skipif(not hasattr(math, "sumprod"), reason="math.sumprod is new in Python 3.12")
def test_sumprod_is_a_clear_unsupported_error():
    with pytest.raises(UnsupportedError) as ei:
        njit(uses_sumprod)((1.0,), (2.0,))
    msg = str(ei.value)
    assert f"test_jit_modules.py:{line_of(__file__, 'SUMPROD_LINE')}:" in msg
    assert "np.dot" in msg


# ---------------------------------------------------------------- operator

def ops(a, b):
    return (operator.add(a, b), operator.sub(a, b), operator.mul(a, b), operator.truediv(a, b),
            operator.floordiv(a, b), operator.mod(a, b), operator.pow(a, 2), operator.neg(a),
            operator.pos(a), operator.abs(-a), operator.not_(a), operator.truth(b),
            operator.lt(a, b), operator.le(a, b), operator.eq(a, b), operator.ne(a, b),
            operator.ge(a, b), operator.gt(a, b))


def int_ops(a, b):
    return (operator.and_(a, b), operator.or_(a, b), operator.xor(a, b), operator.lshift(a, 3),
            operator.rshift(a, 1), operator.invert(a), operator.inv(b), operator.index(a),
            operator.contains((1, 2, 3), a), operator.is_(a, a), operator.getitem((a, b), 1))


@pytest.mark.parametrize("a, b", [(7, 3), (-7, 3), (7.5, -2.0), (0.5, 4), (3, 2.5)])
def test_operator_functions_match_cpython(a, b):
    assert njit(ops)(a, b) == ops(a, b)
    if isinstance(a, int) and isinstance(b, int):
        assert njit(int_ops)(a, b) == int_ops(a, b)


def test_operator_on_arrays_and_setitem():
    @njit
    def f(x, y):
        z = operator.add(x, y)
        operator.setitem(z, 0, operator.getitem(y, 1))
        return operator.matmul(x, y), z, operator.neg(z), operator.lt(x, y)

    x, y = np.arange(3.0), np.array([2.0, 1.0, 0.5])
    m, z, nz, lt = f(x, y)
    zz = x + y
    zz[0] = y[1]
    assert m == x @ y
    assert np.array_equal(z, zz) and np.array_equal(nz, -zz) and np.array_equal(lt, x < y)


def test_operator_errors():
    with pytest.raises(ZeroDivisionError):
        njit(lambda a, b: operator.floordiv(a, b))(1, 0)
    with pytest.raises(TypingError, match="needs an integer"):
        njit(lambda a: operator.index(a))(1.5)
    with pytest.raises(TypingError, match="two positional"):
        njit(lambda a: operator.add(a))(1)
    with pytest.raises(UnsupportedError, match="only as a statement"):
        njit(lambda a: operator.setitem(a, 0, 1.0) is None)(np.zeros(2))


def uses_iadd(a, b):
    return operator.iadd(a, b)  # IADD_LINE


def uses_itemgetter(a):
    g = operator.itemgetter(1)  # GETTER_LINE
    return g(a)


def test_operator_unsupported_neighbours_say_what_to_write():
    with pytest.raises(UnsupportedError) as ei:
        njit(uses_iadd)(1, 2)
    msg = str(ei.value)
    assert f"test_jit_modules.py:{line_of(__file__, 'IADD_LINE')}:" in msg
    assert "operator.iadd()" in msg and "a += b" in msg
    with pytest.raises(UnsupportedError) as ei:
        njit(uses_itemgetter)((1, 2))
    msg = str(ei.value)
    assert f"test_jit_modules.py:{line_of(__file__, 'GETTER_LINE')}:" in msg
    assert "a[i]" in msg


def test_error_model_numpy_skips_checks():
    f = jit(error_model="numpy")(lambda x, y: math.remainder(x, y))
    assert math.isnan(f(1.0, 0.0))


# ---------------------------------------------------------------- global arrays

GLOBAL_TABLE = np.array([1.0, 2.0, 4.0, 8.0])
GLOBAL_GRID = np.arange(12, dtype=np.int32).reshape(3, 4)
GLOBAL_FORTRAN = np.asfortranarray(np.arange(6.0).reshape(2, 3))
GLOBAL_STRINGS = np.array(["a", "b"])
GLOBAL_RECORDS = np.array([(1.0, 2), (3.0, 4)], dtype=[("x", "f8"), ("n", "i4")])


def reads_globals(i):
    s = 0.0
    for k in range(GLOBAL_TABLE.shape[0]):
        s += GLOBAL_TABLE[k] * i
    return s + GLOBAL_GRID[1, 2] + GLOBAL_GRID.sum() + GLOBAL_FORTRAN[1, 0] + GLOBAL_TABLE[-1]


def test_global_arrays_are_frozen_constants():
    f = njit(reads_globals)
    assert f(3) == reads_globals(3)
    saved = GLOBAL_TABLE.copy()
    try:
        GLOBAL_TABLE[0] = 100.0
        # copied into the compiled code: later changes are not seen ...
        assert f(3) == reads_globals(3) - 99.0 * 3
        # ... until the globals are read again
        f.recompile()
        assert f(3) == reads_globals(3)
    finally:
        GLOBAL_TABLE[:] = saved


def test_global_array_records_and_views():
    @njit
    def f():
        return GLOBAL_RECORDS[1].x + GLOBAL_RECORDS[0].n + GLOBAL_GRID[:, 1].sum() + GLOBAL_GRID.T[3, 2]

    assert f() == (GLOBAL_RECORDS[1]["x"] + GLOBAL_RECORDS[0]["n"] + GLOBAL_GRID[:, 1].sum()
                   + GLOBAL_GRID.T[3, 2])


def test_returning_a_global_array_gives_a_copy():
    @njit
    def f():
        return GLOBAL_TABLE

    r = f()
    assert np.array_equal(r, GLOBAL_TABLE) and r is not GLOBAL_TABLE
    r[0] = -1.0                         # the caller's copy, not the code's constant
    assert f()[0] == GLOBAL_TABLE[0]


def writes_global():
    GLOBAL_TABLE[0] = 5.0  # WRITE_GLOBAL_LINE


def test_writing_a_global_array_is_a_typing_error():
    with pytest.raises(TypingError) as ei:
        njit(writes_global)()
    msg = str(ei.value)
    assert f"test_jit_modules.py:{line_of(__file__, 'WRITE_GLOBAL_LINE')}:" in msg
    assert "read-only" in msg and "pass it as an argument" in msg


def reads_strings():
    return GLOBAL_STRINGS[0]  # STRINGS_LINE


def test_global_array_of_unsupported_dtype_is_a_clear_error():
    with pytest.raises(TypingError) as ei:
        njit(reads_strings)()
    msg = str(ei.value)
    assert f"test_jit_modules.py:{line_of(__file__, 'STRINGS_LINE')}:" in msg
    assert "GLOBAL_STRINGS" in msg and "pass the array as an argument" in msg


def test_global_array_contents_are_part_of_the_cache_key(tmp_path):
    import subprocess
    import textwrap
    mod = tmp_path / "prog_ga.py"
    code = textwrap.dedent("""
        import sys
        import numpy as np
        from jitprofile import njit
        T = np.array([float(v) for v in sys.argv[1].split(",")])
        if len(T) == 1:             # a big array: its repr elides the middle
            T = np.zeros(5000)
            T[2500] = float(sys.argv[1])

        @njit(cache=True)
        def total():
            return T.sum()

        print(total())
    """)
    mod.write_text(code)
    env = dict(__import__("os").environ, JITPROFILE_CACHE_DIR=str(tmp_path / "cache"))

    def run(arg):
        r = subprocess.run([sys.executable, str(mod), arg], capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        return float(r.stdout.split()[0])

    assert run("1,2,3") == 6.0
    assert run("1,2,3") == 6.0                  # from the cache
    assert run("1,2,4") == 7.0                  # same source, new contents: not the stale entry
    assert run("5") == 5.0
    assert run("6") == 6.0                      # keyed on the bytes, not on repr()
    assert any((tmp_path / "cache").iterdir())
