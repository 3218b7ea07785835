"""Dispatcher.inspect_vectorization(): LLVM's vectorizer remarks per loop,
in Python terms (issue 20).  Loops with known outcomes; each reason
asserted; line numbers checked for code in this file and in a
notebook-cell-like source (exec'd, registered in linecache)."""
import linecache
import math

import numpy as np
import pytest

from conftest import line_of
from jitprofile import njit
from jitprofile import vectorization

HERE = __file__


@njit
def elementwise(a, x, y, out):
    for i in range(x.shape[0]):  # LOOP-elementwise
        out[i] = a * x[i] + y[i]


@njit
def fsum(x):
    acc = 0.0
    for i in range(x.shape[0]):  # LOOP-fsum
        acc += x[i]
    return acc


@njit(fastmath=True)
def fsum_fast(x):
    acc = 0.0
    for i in range(x.shape[0]):  # LOOP-fsum-fast
        acc += x[i]
    return acc


@njit
def prefix_sum(x, out):
    acc = 0.0
    for i in range(x.shape[0]):  # LOOP-prefix
        acc += x[i]
        out[i] = acc


@njit
def running(a):
    for i in range(1, a.shape[0]):  # LOOP-running
        a[i] = a[i - 1] + a[i]


@njit
def square_plus_one(v):
    return v * v + 1.0


@njit
def calls_inlined(x, out):
    for i in range(x.shape[0]):  # LOOP-inlined
        out[i] = square_plus_one(x[i])


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@njit
def calls_recursive(x, out):
    for i in range(x.shape[0]):  # LOOP-recursive
        out[i] = fib(x[i])


@njit
def calls_sin(x, out):
    for i in range(x.shape[0]):  # LOOP-sin
        out[i] = math.sin(x[i])


@njit
def scale(x, out):
    for i in range(x.shape[0]):  # LOOP-scale
        out[i] = x[i] * 2.0


@njit
def every_other(x, out):
    for i in range(out.shape[0]):  # LOOP-every-other
        out[i] = x[2 * i] * 2.0


@njit
def add_into(a, b, out):
    for i in range(a.shape[0]):  # LOOP-add-into
        out[i] = a[i] + b[i]


@njit
def scatter_add(idx, x, out):
    for i in range(x.shape[0]):  # LOOP-scatter
        out[idx[i]] += x[i]


@njit
def py_mod(x, m, out):
    for i in range(x.shape[0]):  # LOOP-mod
        out[i] = x[i] % m


@njit
def first_zero(x):
    i = 0
    while x[i] != 0:  # LOOP-while
        i += 1
    return i


@njit
def compact(x, out):
    j = 0
    for i in range(x.shape[0]):  # LOOP-compact
        if x[i] > 0.5:
            out[j] = x[i]
            j += 1
    return j


@njit
def to_int(x, out):
    for i in range(x.shape[0]):  # LOOP-int
        out[i] = int(x[i])


@njit
def cond_floordiv(x, out):
    for i in range(x.shape[0]):  # LOOP-cond
        if x[i] > 0.5:
            out[i] = x[i] // 0.3


@njit
def shift_by(a, k):
    for i in range(a.shape[0] - k):  # LOOP-shift
        a[i + k] = a[i] * 0.5


@njit
def three_outputs(a, b, c, d, e, f, g, out1, out2, out3):
    for i in range(a.shape[0]):  # LOOP-three
        out1[i] = a[i] + b[i] + c[i]
        out2[i] = d[i] * e[i] + out1[i]
        out3[i] = f[i] - g[i] + out2[i]


def only_row(disp, sig=None):
    rows = disp.inspect_vectorization(sig)
    assert len(rows) == 1, rows
    return rows[0]


def check_common(row, disp, tag):
    line = line_of(HERE, "LOOP-" + tag)
    assert row.file == HERE
    assert row.line == line
    assert row.source == linecache.getline(HERE, line).strip()
    assert row.function == disp.__name__
    assert row.remarks, "LLVM's own messages are kept"


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).random(1000)


def test_elementwise_loop_vectorizes(x):
    out = np.empty_like(x)
    elementwise(2.0, x, x, out)
    row = only_row(elementwise)
    check_common(row, elementwise, "elementwise")
    assert row.vectorized and row.width >= 2 and row.interleave >= 1
    assert row.state.startswith(f"vectorized x{row.width}")


def test_float_sum_needs_fastmath(x):
    acc = 0.0
    for v in x.tolist():            # (not sum(): 3.12's is compensated)
        acc += v
    assert fsum(x) == acc           # order kept: bit for bit the left-to-right Python loop
    row = only_row(fsum)
    check_common(row, fsum, "fsum")
    assert not row.vectorized and row.width == 1
    r = row.reasons[0]
    assert r.kind == "fp-reduction" and r.name == "acc"
    assert "fastmath=True" in r.text and "`acc`" in r.text
    assert r.line == line_of(HERE, "LOOP-fsum") + 1      # LLVM points at `acc += x[i]`
    assert "reorder floating-point" in r.remark
    assert row.state.startswith("scalar: a floating-point reduction on `acc`")


def test_float_sum_with_fastmath_vectorizes(x):
    assert fsum_fast(x) == pytest.approx(x.sum(), rel=1e-12)
    row = only_row(fsum_fast)
    check_common(row, fsum_fast, "fsum-fast")
    assert row.vectorized and row.width >= 2
    assert not any(r.kind == "fp-reduction" for r in row.reasons)


def test_prefix_sum_is_loop_carried(x):
    out = np.empty_like(x)
    prefix_sum(x, out)
    np.testing.assert_allclose(out, np.cumsum(x))
    row = only_row(prefix_sum)
    check_common(row, prefix_sum, "prefix")
    assert not row.vectorized
    assert row.reasons[0].kind == "loop-carried" and row.reasons[0].name == "acc"
    assert "loop-carried dependence on `acc`" in row.reason


def test_running_array_is_loop_carried(x):
    a = x.copy()
    running(a)
    np.testing.assert_allclose(a, np.cumsum(x))
    row = only_row(running)
    check_common(row, running, "running")
    assert not row.vectorized
    assert row.reasons[0].kind == "loop-carried" and row.reasons[0].name == "a"
    assert "earlier one wrote" in row.reason


def test_inlined_call_vectorizes(x):
    out = np.empty_like(x)
    calls_inlined(x, out)
    np.testing.assert_allclose(out, x * x + 1.0)
    row = only_row(calls_inlined)
    check_common(row, calls_inlined, "inlined")
    assert row.vectorized and row.width >= 2


def test_call_that_cannot_inline():
    n = np.arange(12)
    out = np.empty_like(n)
    calls_recursive(n, out)
    assert out.tolist() == [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89]
    row = only_row(calls_recursive)
    check_common(row, calls_recursive, "recursive")
    assert not row.vectorized
    r = row.reasons[0]
    assert r.kind == "call" and r.name == "fib"
    assert "`fib()` that has no vector version" in r.text and "recursive" in r.text


def test_library_call_without_vector_version(x):
    out = np.empty_like(x)
    calls_sin(x, out)
    np.testing.assert_allclose(out, np.sin(x))
    row = only_row(calls_sin)
    check_common(row, calls_sin, "sin")
    assert not row.vectorized
    assert row.reasons[0].kind == "call" and row.reasons[0].name == "math.sin"


def test_constant_stride_vectorizes_with_shuffles(x):
    out = np.empty(x.shape[0] // 2)
    every_other(x, out)
    np.testing.assert_allclose(out, x[::2] * 2.0)
    row = only_row(every_other)
    check_common(row, every_other, "every-other")
    assert row.vectorized


def test_non_contiguous_argument_is_reported_per_signature(x):
    out = np.empty(x.shape[0] // 2)
    scale(x[::2], out)
    scale(x[:500], out)
    np.testing.assert_allclose(out, x[:500] * 2.0)
    rows = {str(r.signature[0]): r for r in scale.inspect_vectorization()}
    assert set(rows) == {"array(float64, 1d, A)", "array(float64, 1d, C)"}
    strided, contiguous = rows["array(float64, 1d, A)"], rows["array(float64, 1d, C)"]
    check_common(strided, scale, "scale")
    stride = [r for r in strided.reasons if r.kind == "stride"]
    assert stride and stride[0].name == "x" and "np.ascontiguousarray(x)" in stride[0].text
    assert not any(r.kind == "stride" for r in contiguous.reasons)
    # one signature at a time, by its types
    assert scale.inspect_vectorization(contiguous.signature) == [contiguous]


def test_possibly_aliasing_arrays_get_a_runtime_check(x):
    y = x.copy()
    add_into(x, y, y)           # out is b: the overlap check sends it to the scalar loop
    np.testing.assert_allclose(y, 2 * x)
    row = only_row(add_into)
    check_common(row, add_into, "add-into")
    assert row.vectorized
    check = [r for r in row.reasons if r.kind == "runtime-check"]
    assert check and set(check[0].name.split(",")) == {"a", "b", "out"}
    assert "do not overlap" in check[0].text


def test_indirect_store_cannot_be_bounded(x):
    out = np.zeros_like(x)
    idx = np.arange(x.shape[0])[::-1].copy()
    scatter_add(idx, x, out)
    np.testing.assert_allclose(out, x[::-1])
    row = only_row(scatter_add)
    check_common(row, scatter_add, "scatter")
    assert not row.vectorized
    assert row.reasons[0].kind == "indirect" and row.reasons[0].name == "out"
    assert "`out[idx[i]]`" in row.reason


def test_python_modulo_with_negative_operands():
    xi = np.arange(-500, 500)
    out = np.empty_like(xi)
    for m in (7, -7):
        py_mod(xi, m, out)
        assert out.tolist() == [v % m for v in xi.tolist()]      # Python's rounding
    row = only_row(py_mod)
    check_common(row, py_mod, "mod")
    assert not row.vectorized
    assert row.reasons[0].kind == "python-int" and row.reasons[0].name == "%"
    assert "Python's rounding" in row.reason


def test_while_loop_trip_count():
    assert first_zero(np.array([3.0, 2.0, 0.0, 1.0])) == 2
    row = only_row(first_zero)
    check_common(row, first_zero, "while")
    assert not row.vectorized and row.reasons[0].kind == "trip-count"


def test_unknown_signature_is_a_clear_error(x):
    elementwise(2.0, x, x, np.empty_like(x))
    with pytest.raises(KeyError, match="no compiled signature"):
        elementwise.inspect_vectorization(("int8",))


CELL = '''\
import numpy as np
from jitprofile import njit

@njit
def cell_sum(x):
    total = 0.0
    for v in range(x.shape[0]):
        total += x[v] * x[v]
    return total

@njit
def cell_scale(x, out):
    for i in range(x.shape[0]):
        out[i] = 3.0 * x[i]
'''


def test_notebook_cell_lines(x):
    # what IPython does for a cell: its source in linecache under a file name
    name = "/tmp/ipykernel_4242/2718281828.py"
    linecache.cache[name] = (len(CELL), None, CELL.splitlines(True), name)
    g = {}
    exec(compile(CELL, name, "exec"), g)
    g["cell_sum"](x)
    g["cell_scale"](x, np.empty_like(x))
    (r1,) = g["cell_sum"].inspect_vectorization()
    (r2,) = g["cell_scale"].inspect_vectorization()
    assert (r1.file, r1.line, r1.source) == (name, 7, "for v in range(x.shape[0]):")
    assert not r1.vectorized and r1.reasons[0].kind == "fp-reduction"
    assert r1.reasons[0].name == "total" and r1.reasons[0].line == 8
    assert (r2.file, r2.line) == (name, 13) and r2.vectorized
    # the profiler's view of the same loops
    notes = vectorization.file_notes(name)
    assert notes[13].startswith("vectorized x")
    assert notes[7].startswith("scalar: a floating-point reduction on `total`")
    assert vectorization.loop_notes(name, 7) == notes[7]
    assert vectorization.loop_notes(name, 8) is None


def test_remarks_are_parsed_and_deduplicated():
    raw = ("f.py:3:5: vectorized loop (vectorization width: 8, interleaved count: 2)\x1e"
           "f.py:3:5: vectorized loop (vectorization width: 8, interleaved count: 2)\x1e"
           "<unknown>:0:0: List vectorization was possible but not beneficial\x1e"
           "f.py:4:9: loop not vectorized: unsafe dependent memory operations in loop.\n"
           "Backward loop carried data dependence.\x1e")
    rems = vectorization.parse_remarks(raw)
    assert [(r.file, r.line, r.col) for r in rems] == [("f.py", 3, 5), ("f.py", 4, 9)]
    assert rems[1].text.endswith("Backward loop carried data dependence.")


THREADED = '''\
from jitprofile import njit

@njit
def t_sum_{k}(x):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i] * {k}.0
    return acc

@njit
def t_scale_{k}(x, out):
    for i in range(x.shape[0]):
        out[i] = x[i] * {k}.0
'''


def test_compiles_on_several_threads_keep_their_own_remarks(x):
    import threading
    disps = []
    for k in range(6):
        name = f"<vec-thread-{k}>"
        src = THREADED.format(k=k)
        linecache.cache[name] = (len(src), None, src.splitlines(True), name)
        g = {}
        exec(compile(src, name, "exec"), g)
        disps.append((name, g[f"t_sum_{k}"], g[f"t_scale_{k}"]))
    errors = []

    def work(f, args):
        try:
            f(*args)
        except BaseException as e:      # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=work, args=(f, a)) for _n, s, c in disps
               for f, a in ((s, (x,)), (c, (x, np.empty_like(x))))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for name, s, c in disps:
        (rs,) = s.inspect_vectorization()
        (rc,) = c.inspect_vectorization()
        assert (rs.file, rs.line, rs.vectorized) == (name, 6, False)
        assert rs.reasons[0].kind == "fp-reduction"
        assert (rc.file, rc.line, rc.vectorized) == (name, 12, True)
        for d in (s, c):        # nothing from another thread's compile
            (raw,) = d._vec_remarks().values()
            recs = [r for r in raw.split("\x1e") if r and not r.startswith("<unknown>")]
            assert recs and all(r.startswith(name + ":") for r in recs), recs


def test_compaction_index_is_loop_carried(x):
    out = np.empty_like(x)
    n = compact(x, out)
    assert out[:n].tolist() == [v for v in x.tolist() if v > 0.5]
    row = only_row(compact)
    check_common(row, compact, "compact")
    assert not row.vectorized and row.reasons[0].kind == "loop-carried"
    assert row.reasons[0].name == "j"


def test_int_of_float_may_raise(x):
    out = np.empty(x.shape[0], dtype=np.int64)
    to_int(x * 100, out)
    assert out.tolist() == [int(v) for v in (x * 100).tolist()]
    with pytest.raises((ValueError, OverflowError)):
        to_int(np.array([1.0, np.nan]), np.empty(2, dtype=np.int64))
    row = only_row(to_int)
    check_common(row, to_int, "int")
    assert not row.vectorized
    assert row.reasons[0].kind == "python-int" and row.reasons[0].name == "int()"


def test_conditional_store_with_a_call(x):
    out = np.zeros_like(x)
    cond_floordiv(x, out)
    np.testing.assert_allclose(out, np.where(x > 0.5, x // 0.3, 0.0))
    row = only_row(cond_floordiv)
    check_common(row, cond_floordiv, "cond")
    assert not row.vectorized
    assert [r.kind for r in row.reasons][:2] == ["conditional", "call"]


def test_same_array_at_a_run_time_offset(x):
    a = x.copy()
    shift_by(a, 3)
    want = x.copy()
    for i in range(want.shape[0] - 3):
        want[i + 3] = want[i] * 0.5
    np.testing.assert_allclose(a, want)
    row = only_row(shift_by)
    check_common(row, shift_by, "shift")
    assert not row.vectorized
    assert row.reasons[0].kind == "aliasing" and row.reasons[0].name == "a"


def test_slp_remarks_are_not_loop_reasons(x):
    arrays = [x.copy() for _ in range(10)]
    three_outputs(*arrays)
    np.testing.assert_allclose(arrays[9], x - x + (x * x + (x + x + x)))
    row = only_row(three_outputs)
    check_common(row, three_outputs, "three")
    assert row.vectorized
    assert not any("horizontal reduction" in m for m in row.remarks)
    assert [r.kind for r in row.reasons] == ["runtime-check"]
