"""Allocation sampling (Profile(memory=True), sampler/memory.c): NumPy array
data (through a wrapping PyDataMem handler) and arrays that jitted code
allocates (jit/nrt.c) are sampled by bytes and attributed to the line that
allocated them; frees of sampled blocks are tracked (peak live below total);
NumPy's handler is put back after the session; threads allocating at the
same time are safe; `record --memory` reports it."""
import inspect
import json
import subprocess
import sys
import threading

import numpy as np
import pytest

import jitprofile
from jitprofile import _core, njit

MB = 1_000_000


def _line_of(func, text):
    src, first = inspect.getsourcelines(func)
    for i, line in enumerate(src):
        if text in line:
            return first + i
    raise AssertionError(text)


def numpy_loop(n):
    total = 0.0
    for _ in range(n):
        a = np.zeros(MB // 8)          # 1 MB each, freed at the next iteration
        total += a[0]
    return total


@njit
def jit_loop(n):
    total = 0.0
    for i in range(n):
        a = np.ones(MB // 8)          # 1 MB each, allocated by compiled code
        total += a[i % 10]
    return total


def _row(rows, func, line):
    got = [r for r in rows if r.line == line and r.function.startswith(func)]
    assert got, [(r.function, r.line, r.bytes) for r in rows]
    return got[0]


def test_numpy_line_shows_100mb_and_frees():
    with jitprofile.Profile(memory=True) as prof:
        numpy_loop(100)
    row = _row(prof.memory(), "numpy_loop", _line_of(numpy_loop, "np.zeros"))
    assert row.category == "python"
    assert row.file == __file__
    assert abs(row.bytes - 100 * MB) <= 10 * MB, row
    assert 90 <= row.count <= 110, row
    # every array is freed before the next one: the peak is a few MB
    assert row.peak_bytes < 10 * MB, row
    assert row.live_bytes < 5 * MB, row


def test_jit_line_shows_100mb():
    jit_loop(2)                         # compiled outside the session
    with jitprofile.Profile(memory=True) as prof:
        assert jit_loop(100) == 100.0
    row = _row(prof.memory(), "jit_loop", _line_of(jit_loop, "np.ones"))
    assert row.category == "jit", row
    assert abs(row.bytes - 100 * MB) <= 10 * MB, row
    assert row.peak_bytes < 10 * MB, row


def test_peak_live_when_arrays_are_kept():
    keep = []
    with jitprofile.Profile(memory=True) as prof:
        for _ in range(50):
            keep.append(np.zeros(MB // 8))      # kept: all 50 MB live at the end
    row = _row(prof.memory(), "test_peak_live_when_arrays_are_kept",
               _line_of(test_peak_live_when_arrays_are_kept, "keep.append"))
    assert abs(row.peak_bytes - 50 * MB) <= 5 * MB, row
    assert abs(row.live_bytes - 50 * MB) <= 5 * MB, row
    tl = prof.memory_timeline()
    assert tl and abs(tl[-1][1] - 50 * MB) <= 5 * MB and tl[-1][2] >= tl[-1][1]
    del keep


def test_small_allocations_are_estimated_unbiased():
    # 20,000 allocations of 4 KiB = 80 MB in all, each far below the
    # interval: about one in 64 is sampled and stands for 64 of them
    with jitprofile.Profile(memory=True) as prof:
        for _ in range(20000):
            np.empty(4096, dtype=np.uint8)
    rows = prof.memory()
    total = sum(r.bytes for r in rows)
    assert abs(total - 20000 * 4096) <= 0.25 * 20000 * 4096, rows


def test_numpy_handler_is_restored():
    before = _core.memory_numpy_handler()
    name = np._core.multiarray.get_handler_name()
    with jitprofile.Profile(memory=True):
        assert np._core.multiarray.get_handler_name().startswith("jitprofile(")
        a = np.zeros(1000)
    assert _core.memory_numpy_handler() is before
    assert np._core.multiarray.get_handler_name() == name
    # an array allocated under the session is freed through its handler later
    del a
    np.zeros(MB).sum()
    # and a second session works the same
    with jitprofile.Profile(memory=True) as prof:
        numpy_loop(20)
    assert _core.memory_numpy_handler() is before
    assert sum(r.bytes for r in prof.memory()) > 10 * MB


def test_no_memory_by_default():
    with jitprofile.Profile() as prof:
        numpy_loop(5)
    assert prof.memory() == [] and prof.memory_events == []
    assert "Memory:" not in prof.text()


def test_threads_allocating_concurrently():
    jit_loop(1)
    errors = []

    def work():
        try:
            numpy_loop(30)
            jit_loop(30)
        except BaseException as e:      # noqa: BLE001 - reported below
            errors.append(e)

    with jitprofile.Profile(memory=True) as prof:
        ts = [threading.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    assert not errors
    rows = prof.memory()
    np_row = _row(rows, "numpy_loop", _line_of(numpy_loop, "np.zeros"))
    jit_row = _row(rows, "jit_loop", _line_of(jit_loop, "np.ones"))
    assert abs(np_row.bytes - 120 * MB) <= 15 * MB, (rows, _core.memory_stats())
    assert abs(jit_row.bytes - 120 * MB) <= 15 * MB, jit_row
    threads = {e[2] for e in prof.memory_events if e[0] == 1}
    assert len(threads) >= 4


def test_json_and_speedscope_keep_memory(tmp_path):
    with jitprofile.Profile(memory=True) as prof:
        numpy_loop(30)
    back = jitprofile.Profile.from_dict(json.loads(json.dumps(prof.to_dict())))
    assert back.memory() == prof.memory()
    doc = prof.to_speedscope()
    mem = [p for p in doc["profiles"] if p["unit"] == "bytes"]
    assert mem and abs(mem[0]["endValue"] - 30 * MB) <= 5 * MB


def test_bad_memory_option():
    with pytest.raises(ValueError, match="memory"):
        jitprofile.Profile(memory=-5)
    with pytest.raises(ValueError, match="memory"):
        jitprofile.Profile(memory="lots")


SCRIPT = '''\
import numpy as np

def main():
    total = 0.0
    for _ in range(100):
        a = np.zeros(125_000)
        total += a[0]
    return total

main()
'''


def test_record_memory_cli(tmp_path):
    path = tmp_path / "alloc.py"
    path.write_text(SCRIPT)
    r = subprocess.run([sys.executable, "-m", "jitprofile", "record", "--memory", str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Memory:" in r.stdout
    line = [ln for ln in r.stdout.splitlines() if "alloc.py:6" in ln]
    assert line, r.stdout
    mb = float(line[0].split()[2])
    assert 90 <= mb <= 110, line
    r = subprocess.run([sys.executable, "-m", "jitprofile", "record", "--memory",
                        "--memory-interval", "nonsense", str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "byte count" in r.stderr


def test_widget_memory_table_on_the_cpu_timeline():
    from jitprofile.html_export import profile_state
    from jitprofile.widget_data import TableBuilder, memory_table
    keep = []
    with jitprofile.Profile(memory=True) as prof:
        numpy_loop(40)
        for _ in range(20):
            keep.append(np.zeros(MB // 8))
        sum(range(3_000_000))           # CPU samples: the timeline has a clock
    b = TableBuilder(prof.data)
    tables = b.tables()
    mem = memory_table(prof, b)
    assert len(mem["live"]) == len(mem["alloc"]) >= 1
    assert mem["bucket"] == tables["timeline"]["bucket"]
    assert abs(mem["total"] - 60 * MB) <= 8 * MB
    assert abs(mem["peak"] - 20 * MB) <= 5 * MB
    assert abs(mem["live"][-1] - 20 * MB) <= 5 * MB
    assert {r[0] for r in mem["rows"]} >= {"numpy_loop"}
    state = profile_state(prof)
    assert state["memory"]["total"] == mem["total"]
    # a profile without memory sampling: the view stays hidden (no buckets)
    with jitprofile.Profile() as plain:
        numpy_loop(2)
    assert memory_table(plain, TableBuilder(plain.data))["live"] == []
    del keep


def test_session_after_a_sparse_one_samples():
    # a thread's countdown drawn under a huge interval must not carry over
    # into the next session (it did: no sample at all in the second one)
    with jitprofile.Profile(memory=1 << 40):
        numpy_loop(5)
    with jitprofile.Profile(memory=True) as prof:
        numpy_loop(50)
    assert abs(sum(r.bytes for r in prof.memory()) - 50 * MB) <= 8 * MB


@njit
def jit_inner(k):
    return np.ones(MB // 8)[k % 10]       # 1 MB allocated here


@njit
def jit_outer(n):
    s = 0.0
    for i in range(n):
        s += jit_inner(i)
    return s


def test_jit_callee_line_and_its_callers():
    # compiled code's stack is walked by frame pointers from the allocating
    # call up to the Python caller.  LLVM inlines jit_inner into jit_outer:
    # the line is the callee's where the symbol registry knows the inlining
    # chain, else the caller's call line
    jit_outer(2)
    with jitprofile.Profile(memory=True) as prof:
        jit_outer(60)
    rows = prof.memory()
    where = {(r.function.split(" ")[0], r.line) for r in rows}
    assert where & {("jit_inner", _line_of(jit_inner, "np.ones")),
                    ("jit_outer", _line_of(jit_outer, "jit_inner(i)"))}, rows
    assert rows[0].category == "jit" and abs(rows[0].bytes - 60 * MB) <= 8 * MB, rows
    data = prof.data
    funcs, frames, nodes = data.functions(), data.frames(), data.nodes()
    for ev in prof.memory_events:
        if ev[0] != 1:
            continue
        names, n = [], ev[3]
        while n > 0:
            names.append(funcs[frames[nodes[n][1]][0]][0])
            n = nodes[n][0]
        assert any(x.startswith(("jit_inner [jit", "jit_outer [jit")) for x in names), names
        assert names.index("test_jit_callee_line_and_its_callers") > 0, names


@njit(parallel=True)
def par_alloc(n):
    out = np.zeros(n)
    for i in jitprofile.prange(n):
        a = np.ones(MB // 8)
        out[i] = a[i % 10]
    return out.sum()


def test_prange_workers_allocating():
    # the JIT's worker threads have no Python frames: their blocks are
    # sampled from the native stack alone (no crash, every byte counted,
    # never attributed to the hooks' own frames)
    par_alloc(4)
    with jitprofile.Profile(memory=True) as prof:
        for _ in range(5):
            assert par_alloc(40) == 40.0
    rows = prof.memory()
    assert abs(sum(r.bytes for r in rows) - 200 * MB) <= 20 * MB, rows
    assert not [r for r in rows if r.function.startswith(("capture_native", "jp_mem"))], rows


CELL = '''
import numpy as np
def grow():
    keep = []
    for _ in range(40):
        keep.append(np.zeros(125_000))
    return len(keep)
grow()
'''


def test_cell_magic_memory(tmp_path):
    # %%jitprofile --memory in terminal IPython (a subprocess): the text
    # report ends with the memory table, the cell's line on top
    pytest.importorskip("IPython")
    driver = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "ip.run_line_magic('load_ext', 'jitprofile')\n"
        f"ip.run_cell_magic('jitprofile', '--memory --no-widget', {CELL!r})\n"
        "rows = ip.user_ns['_jitprofile'].memory()\n"
        "print('ROW', rows[0].function, round(rows[0].bytes / 1e6))\n")
    p = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                       timeout=240)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Memory:" in p.stdout, p.stdout
    row = [ln for ln in p.stdout.splitlines() if ln.startswith("ROW")]
    assert row and row[0].split()[1] == "grow", p.stdout
    assert 36 <= int(row[0].split()[2]) <= 44, row
