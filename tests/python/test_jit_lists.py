"""Lists (issue 11): built in jit code (`list(int64)`) and passed from Python
(`reflected list(int64)`, mutations visible to the caller after the call, as
Numba documents).  Results are compared with CPython's own (py_func)."""
import copy

import numpy as np
import pytest

import jitprofile
from jitprofile import _core, njit


def same(f, *args):
    """Run the jit function and CPython on deep copies; return both results
    and both argument lists after the call (reflection)."""
    a1, a2 = copy.deepcopy(args), copy.deepcopy(args)
    r1 = f(*a1)
    r2 = f.py_func(*a2)
    return r1, r2, a1, a2


def check(f, *args):
    r1, r2, a1, a2 = same(f, *args)
    assert r1 == r2
    assert type(r1) is type(r2)
    assert a1 == a2
    return r1


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


# ---- the type language -----------------------------------------------------------

def test_typeof_spells_as_numba():
    assert str(jitprofile.typeof([1, 2, 3])) == "reflected list(int64)"
    assert str(jitprofile.typeof([1, 2.5])) == "reflected list(float64)"
    assert str(jitprofile.typeof([(1, 2.0)])) == "reflected list(Tuple(int64, float64))"
    assert str(jitprofile.typeof([np.zeros(2)])) == "reflected list(array(float64, 1d, C))"
    assert str(jitprofile.typeof([[1], [2]])) == "reflected list(reflected list(int64))"
    assert jitprofile.typeof([]) is None          # no item type, as in Numba
    assert jitprofile.typeof([None]) is None


def test_explicit_signature_with_a_list():
    @njit("float64(reflected list(float64))")
    def total(xs):
        s = 0.0
        for x in xs:
            s += x
        return s
    assert total([1.0, 2.5]) == 3.5


# ---- building and methods ------------------------------------------------------------

@njit
def literals(n):
    a = [1, 2, 3]
    b = [1.5, n]            # int into a float64 list
    c = list()
    c.append(n)
    d = [0] * n
    e = [n] + a
    f = list(range(n))
    g = []
    return a, b, c, d, e, f, len(g)


def test_literals_and_constructors(no_leak):
    check(literals, 4)


@njit
def methods(xs):
    xs.append(7)
    xs.insert(0, 9)
    xs.insert(-1, 8)
    xs.insert(100, 6)
    last = xs.pop()
    first = xs.pop(0)
    xs.extend([1, 2])
    xs.extend((3, 4))
    xs.extend(range(2))
    xs.remove(2)
    i = xs.index(3)
    k = xs.count(1)
    xs.reverse()
    return last, first, i, k, len(xs), xs


def test_methods(no_leak):
    check(methods, [5, 1, 2])


@njit
def sorting(xs, ys):
    xs.sort()
    ys.sort(reverse=True)
    zs = sorted(ys)
    return xs, ys, zs, sorted(ys, reverse=True)


@pytest.mark.parametrize("xs", [[3, 1, 2, 1, -5], [2.5, -1.0, 3.25, 0.0], [True, False, True]])
def test_sort_numbers(xs, no_leak):
    check(sorting, list(xs), list(reversed(xs)))


@njit
def sort_pairs(ps):
    ps.sort()
    return ps


def test_sort_is_stable_for_tuples():
    ps = [(1, 2.0), (0, 5.0), (1, 1.0), (0, 5.0), (-1, 3.0)]
    check(sort_pairs, ps)


@njit
def keyfn(p):
    return p[1]


@njit
def sort_key(ps):
    ps.sort(key=keyfn)
    return sorted(ps, key=keyfn, reverse=True)


def test_sort_with_jitted_key_is_stable():
    ps = [(1, 2.0), (0, 5.0), (3, 2.0), (2, 5.0), (-1, 3.0)]
    r = sort_key(list(ps))
    assert r == sorted(ps, key=lambda p: p[1], reverse=True)
    q = list(ps)
    sort_key(q)
    assert q == sorted(ps, key=lambda p: p[1])


@njit
def indexing(xs, i):
    return xs[0], xs[-1], xs[i], xs[1:], xs[:-1], xs[::-1], xs[::2], xs[i:i + 2], xs[5:]


def test_indexing_and_slicing():
    check(indexing, [1, 2, 3, 4], 1)
    check(indexing, [1.0, 2.0, 3.0], -2)


@njit
def out_of_range(xs, i):
    return xs[i]


@njit
def store_out_of_range(xs, i):
    xs[i] = 0


@njit
def pop_empty(n):
    xs = [1]
    xs.pop()
    return xs.pop()


def test_index_errors():
    with pytest.raises(IndexError, match="list index out of range"):
        out_of_range([1, 2], 2)
    with pytest.raises(IndexError, match="list index out of range"):
        out_of_range([1, 2], -3)
    with pytest.raises(IndexError, match="list assignment index out of range"):
        store_out_of_range([1, 2], 5)
    with pytest.raises(IndexError, match="pop from empty list"):
        pop_empty(1)


@njit
def missing(xs):
    xs.remove(42)


def test_remove_missing_raises_value_error():
    with pytest.raises(ValueError, match=r"list.remove\(x\): x not in list"):
        missing([1, 2])


@njit
def contains(xs, v):
    return v in xs, v not in xs, bool(xs), len(xs)


@njit
def equality(xs, ys):
    return xs == ys, xs != ys, xs == [1, 2, 3], [(1, 2.0)] == [(1, 2.0)], [[1], [2]] == [[1], [3]]


def test_list_equality_item_by_item():
    check(equality, [1, 2, 3], [1, 2, 3])
    check(equality, [1, 2, 3], [1, 2])
    check(equality, [1, 2, 3], [1, 5, 3])


def test_in_and_truth():
    check(contains, [1, 2, 3], 2)
    check(contains, [1.5, 2.5], 3)
    check(contains, [(1, 2)], (1, 2))


@njit
def iterate(xs):
    s = 0
    for x in xs:
        s += x
    for i, x in enumerate(xs, 1):
        s += i * x
    for x in reversed(xs):
        s = s * 2 - x
    return s


def test_iteration():
    check(iterate, [3, 1, 4, 1, 5])


@njit
def grow_while_iterating(xs):
    for x in xs:
        if x < 3:
            xs.append(x + 3)
    return xs


def test_iteration_sees_appends_like_cpython():
    check(grow_while_iterating, [1, 2])


@njit
def augmented(xs, i):
    xs[i] += 10
    xs[-1] *= 2
    ys = [1]
    ys += xs
    ys += (5, 6)
    return ys


def test_augmented_items_and_inplace_extend():
    check(augmented, [1, 2, 3], 0)


# ---- comprehensions ----------------------------------------------------------------------

@njit
def comps(n, a, xs):
    c1 = [i * i for i in range(n) if i % 2 == 0]
    c2 = [x + 1.0 for x in a]
    c3 = [x * 2 for x in xs if x > 1]
    c4 = [(i, j) for i in range(n) for j in range(i) if (i + j) % 2]
    c5 = [[j for j in range(i)] for i in range(n)]
    i = 100                 # the comprehension variable does not leak
    c6 = [i for i in range(3)]
    return c1, c2, c3, c4, c5, c6, i


def test_list_comprehensions(no_leak):
    r1, r2, _, _ = same(comps, 5, np.arange(3.0), [1, 2, 3])
    assert r1 == r2


# ---- containers of containers --------------------------------------------------------------

@njit
def of_arrays(n):
    xs = [np.zeros(2) for i in range(n)]
    xs[0][1] = 5.0
    xs.append(np.ones(2))
    y = xs.pop(0)
    xs.insert(0, y * 2)
    total = 0.0
    for a in xs:
        total += a.sum()
    return xs, total


def test_lists_of_arrays_own_their_arrays(no_leak):
    xs, total = of_arrays(3)
    assert total == 12.0
    assert [a.tolist() for a in xs] == [[0.0, 10.0], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    del xs


@njit
def array_arg_list(xs):
    s = 0.0
    for a in xs:
        s += a[0]
    xs.append(xs[0] + 1.0)
    return s


def test_reflected_list_of_arrays(no_leak):
    a, b = np.ones(3), np.full(3, 2.0)
    xs = [a, b]
    assert array_arg_list(xs) == 3.0
    assert xs[0] is a and xs[1] is b and len(xs) == 3
    assert xs[2].tolist() == [2.0, 2.0, 2.0]


@njit
def of_tuples(n):
    ps = [(i, i * 0.5) for i in range(n)]
    ps.append((9, 9.5))
    return ps, ps[-1][1], (2, 1.0) in ps


def test_lists_of_tuples():
    check(of_tuples, 4)


@njit
def nested(xs):
    xs[0].append(5)
    xs.append([7])
    return len(xs), xs[1][0]


def test_nested_reflected_lists():
    check(nested, [[1], [2, 3]])


# ---- reflection -----------------------------------------------------------------------------

@njit
def mutate(xs):
    xs.append(1.5)
    xs[0] = -1.0
    xs.sort()


def test_reflection_mutations_visible_to_caller():
    xs = [3.0, 2.0]
    mutate(xs)
    assert xs == [-1.0, 1.5, 2.0]


@njit
def read_only(xs):
    return xs[0]


def test_unchanged_list_keeps_its_items():
    a = [10**3, 2]
    items = list(a)
    read_only(a)
    assert all(x is y for x, y in zip(a, items))


@njit
def ret_same(xs):
    xs.append(4)
    return xs


def test_returning_the_argument_returns_the_same_object():
    xs = [1, 2]
    r = ret_same(xs)
    assert r is xs and xs == [1, 2, 4]


@njit
def callee(xs):
    xs.append(len(xs))


@njit
def caller(xs):
    callee(xs)
    ys = [0]
    callee(ys)
    return ys


def test_lists_passed_between_jit_functions():
    xs = [5]
    assert caller(xs) == [0, 1]
    assert xs == [5, 1]


def test_list_argument_with_wrong_item_type():
    with pytest.raises(TypeError, match="argument 'xs' is a mixed list"):
        read_only([1, "a"])
    with pytest.raises(TypeError, match="argument 'xs' is an empty list"):
        read_only([])


# ---- errors with a location -----------------------------------------------------------------

@njit
def slice_store(xs):
    xs[1:2] = [3]


@njit
def mixed():
    return [1, (2, 3)]


@njit
def bad_append():
    xs = [1]
    xs.append(2.5)


@njit
def unknown_method(xs):
    xs.frobnicate()


@njit
def lambda_key(xs):
    xs.sort(key=lambda v: -v)
    return xs


@njit
def builtin_key(xs):
    xs.sort(key=abs)


def test_unsupported_list_forms_name_the_line():
    with pytest.raises(jitprofile.UnsupportedError, match=r"test_jit_lists.py:\d+:\d+: .*slice assignment to a list"):
        slice_store([1, 2])
    with pytest.raises(jitprofile.TypingError, match=r"test_jit_lists.py:\d+:\d+: .*do not unify"):
        mixed()
    with pytest.raises(jitprofile.TypingError, match=r"cannot store a float64 in a list\(int64\)"):
        bad_append()
    with pytest.raises(jitprofile.TypingError, match=r"has no method 'frobnicate'"):
        unknown_method([1])
    with pytest.raises(jitprofile.UnsupportedError, match=r"test_jit_lists.py:\d+:\d+: .*sort key must be a function"):
        builtin_key([1])
    assert lambda_key([3, 1, 2]) == lambda_key.py_func([3, 1, 2])     # a lambda key works (test_jit_closures.py)


# ---- the argument profiler records the type the JIT compiles ------------------------------

def test_profiler_records_list_types_the_advisor_can_compile(tmp_path):
    import importlib.util
    import sys
    path = tmp_path / "list_target.py"
    path.write_text(
        "import numpy as np\n"
        "def norms(points, scale):\n"
        "    out = []\n"
        "    w = np.array([-1.0, 2.0, 5.0])\n"
        "    for i in range(len(points)):\n"
        "        x, y = points[i]\n"
        "        out.append((x * x + y * y) * scale + w[i % 3])\n"
        "    out.sort()\n"
        "    for i in range(len(out) - 1):\n"
        "        if out[i] > out[i + 1]:\n"
        "            out[i], out[i + 1] = out[i + 1], out[i]\n"
        "    return out\n")
    spec = importlib.util.spec_from_file_location("list_target", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["list_target"] = mod
    try:
        spec.loader.exec_module(mod)
        from jitprofile.advisor import jit_closure, measure
        rec = _core.ArgRecorder()
        pts = [(float(i), float(i % 5)) for i in range(50)]
        rec.record(mod.norms, (pts, 0.5))
        (row,) = rec.signatures(mod.norms)
        assert "reflected list(UniTuple(float64, 2))" in row["signature"]
        disp, callees, err = jit_closure(mod.norms, [row["signature"]])
        assert err is None
        assert disp(pts, 0.5) == mod.norms(pts, 0.5)
        speedup, why_not = measure(mod.norms, disp, [row["samples"][0]])
        assert why_not is None and speedup > 0
    finally:
        del sys.modules["list_target"]


def test_lists_in_cuda_kernels_are_refused_with_the_line():
    from jitprofile import cuda

    def kern(out):
        xs = [1.0, 2.0]
        out[0] = xs[0]

    def kern2(out):
        out[0] = np.array([1.0, 2.0])[0]

    with pytest.raises(jitprofile.UnsupportedError, match=r"test_jit_lists.py:\d+:\d+: .*lists are not supported in CUDA"):
        cuda.compile_ptx(kern, "void(float64[::1])")
    with pytest.raises(jitprofile.UnsupportedError, match=r"not supported in CUDA kernels"):
        cuda.compile_ptx(kern2, "void(float64[::1])")


@njit
def picky_key(v):
    if v < 0:
        raise ValueError("negative item")
    return -v


@njit
def sort_picky(xs):
    xs.sort(key=picky_key)
    return xs


def test_sort_key_exceptions_propagate():
    assert sort_picky([1, 3, 2]) == [3, 2, 1]
    with pytest.raises(ValueError, match="negative item"):
        sort_picky([1, -3, 2])


@njit
def abs_key(v):
    return abs(v)


@njit
def sort_reverse_stable(xs):
    return sorted(xs, key=abs_key, reverse=True), sorted(xs, key=abs_key)


def test_sort_key_reverse_keeps_equal_items_in_order():
    xs = [1, -1, 2, -2, 1, 0]
    assert sort_reverse_stable(xs) == (sorted(xs, key=abs, reverse=True), sorted(xs, key=abs))


@njit
def nested_comprehension(n):
    grid = [[i * j for j in range(3)] for i in range(n)]
    after = 5                   # a local made after the comprehensions' own names
    pairs = [(i, x) for i, row in enumerate(grid) for x in row if x]
    return grid, pairs, after


def test_nested_comprehensions_number_their_locals_apart():
    # crashed (segfault in typing) when a comprehension's scope ended and the
    # next local reused an index
    assert nested_comprehension(3) == nested_comprehension.py_func(3)


@njit
def show(xs):
    print(xs, [(1, 2.5)], [[1], []])


def test_print_of_lists_matches_cpython(capsys):
    show([1, 2, 3])
    got = capsys.readouterr().out
    show.py_func([1, 2, 3])
    assert got == capsys.readouterr().out


@njit
def alias_before_append(n):
    x = []
    y = x                       # the literal's variable never learns the item type
    for i in range(n):
        y.append(i * 1.5)
    y.insert(0, -1.0)
    nested = [[0.5], []]
    nested[1].append(2.5)
    return x, y, nested


def test_empty_literal_gets_its_layout_from_the_first_store():
    # the list was made with no item size: the first append adopts the
    # appender's (growing it with size 1 overflowed the heap)
    assert alias_before_append(40) == alias_before_append.py_func(40)
