"""Time per source line (Profile.lines, `record --lines`): a hot and a cold
line of a jitted function and of a Python function are ranked right, a
prange loop's samples (worker threads included) land on its line, and the
JSON and speedscope outputs keep the lines."""
import inspect
import json
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jitprofile
from jitprofile import njit, prange
from jitprofile.lines import LineStat


@njit
def hotcold(n):
    s = 0.0
    for i in range(n):
        s += math.sin(i * 1e-3) * math.exp(-i * 1e-9)      # HOT
    t = 0.0
    for i in range(n):
        t = t * 0.999999 + 1.0                              # COLD
    return s + t


def py_hotcold(n):
    s = 0.0
    for i in range(n):
        s += math.sin(i) * math.cos(i) + math.sqrt(i) * 0.5 + (i % 7) ** 2   # PYHOT
    for i in range(n // 8):
        s += i                                              # PYCOLD
    return s


@njit(parallel=True)
def par_loop(n, m):
    out = np.empty(n)
    for i in prange(n):
        acc = 0.0
        for j in range(m):
            acc += math.sin(i * 1e-3 + j * 1e-4)           # PRANGE
        out[i] = acc
    return out.sum()


@njit
def inl_callee(x):
    acc = 0.0
    for j in range(100):
        acc += math.sin(x + j * 1e-3)                       # CALLEE
    return acc


@njit
def inl_caller(n):
    s = 0.0
    for i in range(n):
        s += inl_callee(i * 1e-6)                           # CALLSITE
    return s


def _line_of(fn, marker):
    py = getattr(fn, "py_func", fn)
    src, first = inspect.getsourcelines(py)
    hits = [first + k for k, text in enumerate(src) if marker in text]
    assert len(hits) == 1, (marker, hits)
    return hits[0]


def _run_until(prof_fn, fn, *args, min_s=1.5):
    """Call fn(*args) under a profile until at least min_s of CPU time was
    sampled in it (a loaded machine samples less per call)."""
    import time
    with jitprofile.Profile(hz=1000, args=None) as prof:
        t0 = time.process_time()
        while time.process_time() - t0 < min_s:
            fn(*args)
    return prof


@pytest.fixture(scope="module")
def jit_profile():
    hotcold(1000)
    return _run_until(None, hotcold, 2_000_000)


def test_jit_hot_line_ranks_first(jit_profile):
    rows = jit_profile.lines(hotcold)
    assert rows and all(isinstance(r, LineStat) for r in rows)
    assert all(r.category == "jit" and r.function.startswith("hotcold [jit") for r in rows)
    by_line = {r.line: r for r in rows}
    hot, cold = _line_of(hotcold, "# HOT"), _line_of(hotcold, "# COLD")
    assert rows[0].line == hot, [(r.line, r.self_samples) for r in rows]
    cold_samples = by_line[cold].self_samples if cold in by_line else 0
    assert by_line[hot].self_samples >= 3 * cold_samples
    assert "math.sin" in by_line[hot].source
    # seconds add up; the split covers the self time
    r = by_line[hot]
    assert r.total_s >= r.self_s > 0
    assert abs((r.jit_s + r.python_s + r.native_s) - r.self_s) < 1e-9
    # the hot line's libm calls are its native callees
    names = {c.name for c in r.native}
    assert names & {"sin", "__sin_fma", "__sin_avx2", "exp", "__exp_fma", "__exp1",
                    "__ieee754_exp_fma", "__sin"} or r.native_s < 0.5 * r.self_s, r.native
    # the lines of a profile match by name too, and the whole list has them
    assert [x.line for x in jit_profile.lines("hotcold")] == [x.line for x in rows]
    assert any(x.line == hot for x in jit_profile.lines())


def test_python_hot_line_ranks_first():
    prof = _run_until(None, py_hotcold, 200_000, min_s=1.0)
    rows = prof.lines(py_hotcold)
    hot, cold = _line_of(py_hotcold, "# PYHOT"), _line_of(py_hotcold, "# PYCOLD")
    by_line = {r.line: r for r in rows}
    assert rows[0].line == hot, [(r.line, r.self_samples) for r in rows]
    assert rows[0].category == "python"
    assert by_line[hot].self_samples >= 3 * (by_line[cold].self_samples if cold in by_line else 0)
    assert by_line[hot].python_s > 0
    # the caller's line holds the callee's time as total, not self
    caller = [r for r in prof.lines(_run_until) if r.total_samples]
    assert caller and max(r.total_samples for r in caller) >= by_line[hot].total_samples


def test_prange_samples_land_on_the_loop_line():
    par_loop(100, 10)
    prof = _run_until(None, par_loop, 2000, 2000, min_s=2.0)
    rows = prof.lines(par_loop)
    line = _line_of(par_loop, "# PRANGE")
    assert rows and rows[0].line == line, [(r.line, r.self_samples) for r in rows]
    top = rows[0]
    # worker threads ran chunks too: the per-thread split names more than one
    if jitprofile.get_num_threads() > 1:
        tids = {tid for _pid, tid, _n in top.threads}
        assert len(tids) >= 2, top.threads
    assert sum(n for _p, _t, n in top.threads) == top.self_samples
    # and no sample of the loop is left unnamed (raw addresses in JIT code)
    unnamed = [r for r in prof.top(50) if r.name.startswith("[") and "jit" in r.module]
    assert not unnamed


def test_inlined_callee_maps_to_its_own_line():
    inl_caller(10)
    asm = inl_caller.inspect_asm()
    text = "\n".join(asm.values()) if isinstance(asm, dict) else str(asm)
    # the caller's machine code (its own function, not the callee's beside it)
    # has no call to the callee: O3 inlined it
    body = text[text.index("inl_caller"):]
    body = body[body.index(":\n"):]
    assert "jp.inl_callee" not in body.split(".size")[0], "the callee was not inlined"
    prof = _run_until(None, inl_caller, 20_000, min_s=1.5)
    callee = prof.lines(inl_callee)
    line = _line_of(inl_callee, "# CALLEE")
    assert callee and callee[0].line == line, [(r.function, r.line, r.self_samples) for r in callee]
    assert callee[0].function.startswith("inl_callee [jit")
    assert callee[0].file == inl_callee.py_func.__code__.co_filename
    # the caller keeps the time at its call site, as total time
    site = {r.line: r for r in prof.lines(inl_caller)}[_line_of(inl_caller, "# CALLSITE")]
    assert site.total_samples >= callee[0].self_samples > 5 * site.self_samples
    # and the stack reads caller -> callee
    assert any(len(stack) >= 2 and stack[-2].startswith("inl_caller [jit")
               and stack[-1].startswith("inl_callee [jit") or
               (len(stack) >= 3 and stack[-3].startswith("inl_caller [jit")
                and stack[-2].startswith("inl_callee [jit"))
               for stack, _w in prof.stacks())


def test_root_calling_jit_code_directly():
    """A %%jitprofile cell (the profile's root) that calls a jitted function
    itself: its samples were all "[unknown]" (the root's frame and every
    native frame were hidden), now they are the function's lines."""
    code = compile("import time\nt0 = time.process_time()\n"
                   "while time.process_time() - t0 < 1.0:\n    hotcold(1_000_000)\n",
                   "<cell>", "exec")
    hotcold(10)
    prof = jitprofile.Profile(args=None, root=code)
    with prof:
        exec(code, {"hotcold": hotcold})
    top = prof.top(3)
    assert top[0].name != "[unknown]", prof.text()
    rows = prof.lines(hotcold)
    assert rows and rows[0].line == _line_of(hotcold, "# HOT")
    assert sum(r.self_samples for r in rows) > 0.8 * sum(t[3] for t in prof.data.threads())


def test_lines_survive_json_and_speedscope(jit_profile):
    before = [(r.function, r.line, r.self_samples, r.total_samples) for r in jit_profile.lines()]
    again = jitprofile.Profile.from_dict(json.loads(json.dumps(jit_profile.to_dict())))
    after = [(r.function, r.line, r.self_samples, r.total_samples) for r in again.lines()]
    assert before == after
    doc = jit_profile.to_speedscope()
    hot = _line_of(hotcold, "# HOT")
    assert any(f["line"] == hot and f["name"].startswith("hotcold [jit")
               for f in doc["shared"]["frames"])


def test_annotate_marks_the_hot_line(jit_profile):
    text = jit_profile.annotate(hotcold)
    hot = _line_of(hotcold, "# HOT")
    marked = [l for l in text.splitlines() if l.startswith(">")]
    assert any(f" {hot} " in l and "# HOT" in l for l in marked), text
    assert "hotcold [jit" in text


def test_bad_func_is_a_clear_error(jit_profile):
    with pytest.raises(TypeError, match="lines"):
        jit_profile.lines(42)
    assert jit_profile.lines("no_such_function") == []


SCRIPT = textwrap.dedent('''
    import math, time
    from jitprofile import njit

    @njit
    def hotcold(n):
        s = 0.0
        for i in range(n):
            s += math.sin(i * 1e-3) * math.exp(-i * 1e-9)      # HOT
        t = 0.0
        for i in range(n):
            t = t * 0.999999 + 1.0                              # COLD
        return s + t

    t0 = time.process_time()
    while time.process_time() - t0 < 1.5:
        hotcold(2_000_000)
''')


def _annotated_rows(text, name):
    """(line, self s, marked) of the annotated block of function `name`."""
    rows, inside = [], False
    for l in text.splitlines():
        if l.startswith(name) and "  (" in l and " s self" in l:      # the block's header
            inside = True
            continue
        if inside and not l.strip():
            break
        if inside and l[:1] in "> " and l[2:7].strip().isdigit():
            parts = l[2:].split()
            secs = float(parts[1]) if len(parts) > 2 and parts[1].replace(".", "").isdigit() else 0.0
            rows.append((int(parts[0]), secs, l.startswith(">"), l))
    return rows


def test_record_lines_cli(tmp_path):
    script = tmp_path / "hc.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, "-m", "jitprofile", "record", "--lines", "hotcold",
                          str(script)], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": ""})
    assert out.returncode == 0, out.stderr
    rows = _annotated_rows(out.stdout, "hotcold [jit")
    assert rows, out.stdout
    hot = next(r for r in rows if "# HOT" in r[3])
    cold = next(r for r in rows if "# COLD" in r[3])
    assert hot[2], out.stdout                  # marked
    assert hot[1] >= 3 * cold[1] and hot[1] > 0, out.stdout
    # `--lines script.py` (no FUNC) annotates the top functions
    out = subprocess.run([sys.executable, "-m", "jitprofile", "record", "--lines", str(script)],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "hotcold [jit" in out.stdout and "# HOT" in out.stdout


def test_widget_source_pane_data(jit_profile):
    """The widget's `lines` trait (widget_data.source_panes): the jitted
    function's source, its rows, the hot line heaviest, its native callees;
    a recommendation's function gets a pane even when it is not hot."""
    from jitprofile.widget_data import source_panes
    panes = source_panes(jit_profile.data)
    funcs = jit_profile.data.functions()
    key = next(k for k in panes if funcs[int(k)][0].startswith("hotcold [jit"))
    pane = panes[key]
    hot = _line_of(hotcold, "# HOT")
    assert any(n == hot and "# HOT" in text for n, text in pane["src"])
    rows = {r[0]: r for r in pane["rows"]}
    assert max(pane["rows"], key=lambda r: r[1])[0] == hot
    line, self_w, total_w, jit_w, py_w, nat_w, callees = rows[hot]
    assert total_w >= self_w == jit_w + py_w + nat_w
    assert sum(w for _n, _m, w in callees) <= nat_w
    assert json_roundtrip(panes) == panes
    assert source_panes(jit_profile.data, names=["hotcold"], limit=0).keys() == {key}


def json_roundtrip(obj):
    return json.loads(json.dumps(obj))


def test_jit_loop_lines_carry_their_vectorization_state(jit_profile):
    """Issue 20 joined to the line view: each jitted loop's header line says
    why LLVM left it scalar, in Profile.lines, the source pane and annotate."""
    from jitprofile.widget_data import source_panes
    hot_for = _line_of(hotcold, "# HOT") - 1
    cold_for = _line_of(hotcold, "# COLD") - 1
    panes = source_panes(jit_profile.data, names=("hotcold",))
    loops = [p["loops"] for p in panes.values() if str(hot_for) in p["loops"]]
    assert loops, panes
    assert loops[0][str(hot_for)].startswith("scalar: a call to `math.sin()`")
    assert "loop-carried dependence on `t`" in loops[0][str(cold_for)]
    rows = {r.line: r for r in jit_profile.lines(hotcold)}
    for line, r in rows.items():
        assert bool(r.loop) == (line in (hot_for, cold_for)), (line, r.loop)
    if cold_for in rows:
        assert "`t`" in rows[cold_for].loop
        assert "[scalar: a loop-carried dependence on `t`" in jit_profile.annotate(hotcold)


def test_hotspot_row_note_is_the_hottest_loop(jit_profile):
    """Issue 20 in the hotspots table: a jitted function's pane carries its
    hottest loop's header line and state (`hot_loop`), which the table shows
    under the function's name."""
    from jitprofile.widget_data import source_panes
    hot_for = _line_of(hotcold, "# HOT") - 1
    panes = source_panes(jit_profile.data, names=("hotcold",))
    funcs = jit_profile.data.functions()
    (pane,) = [p for k, p in panes.items() if funcs[int(k)][0].startswith("hotcold [jit")]
    line, state = pane["hot_loop"]
    assert line == hot_for and state == pane["loops"][str(hot_for)]
    assert state.startswith("scalar: a call to `math.sin()`")
    py = [p for k, p in panes.items() if funcs[int(k)][4] != "jit"]
    assert all("hot_loop" not in p for p in py)


def test_hottest_loop_counts_each_line_for_its_innermost_loop(tmp_path):
    from jitprofile.vectorization import hottest_loop
    src = tmp_path / "nest.py"
    src.write_text("def f(a):\n"
                   "    for i in range(3):\n"          # 2
                   "        for j in range(3):\n"      # 3
                   "            a[i] += j\n"           # 4
                   "        a[i] *= 2\n"               # 5
                   "    return a\n")
    notes = {2: "scalar: outer", 3: "vectorized x4"}
    assert hottest_loop(str(src), notes, {4: 10, 5: 3}) == (3, "vectorized x4")
    assert hottest_loop(str(src), notes, {4: 2, 5: 3}) == (2, "scalar: outer")
    assert hottest_loop(str(src), notes, {6: 9}) is None
