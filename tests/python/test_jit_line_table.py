"""The JIT's line tables: DWARF .debug_line of each compiled function,
decoded into (code offset, Python line) rows for the symbol registry."""
import inspect

from jitprofile import _core, njit


def _symbol(fn):
    """The registry entry of fn's (single) compiled instance."""
    found = [s for s in _core.jit_symbols()
             if s[3] == fn.py_func.__code__.co_filename
             and s[2].startswith(fn.__qualname__ + " [jit ")]
    assert len(found) == 1, found
    return found[0]


def _source_lines(fn):
    lines, first = inspect.getsourcelines(fn.py_func)
    return first, first + len(lines) - 1


def _line_of(fn, text):
    lines, first = inspect.getsourcelines(fn.py_func)
    hits = [first + i for i, line in enumerate(lines) if text in line]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def _check_table(sym, lo, hi):
    start, end, _display, _filename, _def_line, table = sym
    assert table, "empty line table"
    offsets = [off for off, _ in table]
    assert offsets == sorted(offsets)
    assert len(set(offsets)) == len(offsets)
    assert all(0 <= off < end - start for off in offsets)
    assert all(lo <= line <= hi for _, line in table), (lo, hi, table)
    # consecutive rows with the same line are merged
    assert all(a[1] != b[1] for a, b in zip(table, table[1:]))


def test_loop_body_lines():
    @njit
    def kernel(n, x):
        acc = 0.0
        for i in range(n):
            t = x * i
            acc += t * t
        return acc

    assert kernel(100, 0.5) == sum((0.5 * i) ** 2 for i in range(100))
    sym = _symbol(kernel)
    _check_table(sym, *_source_lines(kernel))
    lines = {line for _, line in sym[5]}
    assert _line_of(kernel, "t = x * i") in lines
    assert _line_of(kernel, "acc += t * t") in lines
    assert _line_of(kernel, "for i in range") in lines


def test_branches_and_while():
    @njit
    def collatz(n):
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    assert collatz(27) == 111
    sym = _symbol(collatz)
    _check_table(sym, *_source_lines(collatz))
    lines = {line for _, line in sym[5]}
    assert _line_of(collatz, "while n != 1") in lines


def test_vectorised_loop_has_table():
    @njit(fastmath=True)
    def dot(n, x):
        acc = 0.0
        for i in range(n):
            acc += x * i
        return acc

    assert dot(1000, 0.5) == 0.5 * sum(range(1000))
    ir = dot.inspect_llvm(dot.signatures[0])
    assert "<" in ir and " x double>" in ir  # still vectorised with debug info on
    sym = _symbol(dot)
    _check_table(sym, *_source_lines(dot))
    assert _line_of(dot, "acc += x * i") in {line for _, line in sym[5]}


def test_inlined_callee_maps_to_call_site():
    @njit
    def scale(a, b):
        c = a * b
        return c + 1.0

    @njit
    def caller(n):
        acc = 0.0
        for i in range(n):
            acc += scale(i * 1.0, 2.0)
        return acc

    assert caller(10) == sum(2.0 * i + 1.0 for i in range(10))
    # scale() is inlined into caller(): its rows must speak of caller's
    # lines only (the call site), never of scale's.
    _check_table(_symbol(caller), *_source_lines(caller))
    _check_table(_symbol(scale), *_source_lines(scale))


def test_several_signatures_each_have_a_table():
    @njit
    def poly(x):
        y = x * x
        return y + x

    assert poly(3) == 12
    assert poly(1.5) == 3.75
    syms = [s for s in _core.jit_symbols()
            if s[3] == poly.py_func.__code__.co_filename
            and s[2].startswith(poly.__qualname__ + " [jit ")]
    assert len(syms) == 2
    for sym in syms:
        _check_table(sym, *_source_lines(poly))
