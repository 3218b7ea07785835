"""The "your code" view (issue 19, kernel_ext/jitprofile/yourcode.py): frames
classified as user code / library / import / native / interpreter, library
and native time folded into the calling user frame, on real ProfileData
tables; the text report and `record --all`; a real profile of NumPy-heavy
user code.  The browser side: tests/python/test_yourcode_browser.py."""
import os
import subprocess
import sys
import sysconfig
import textwrap

import pytest

import jitprofile
from jitprofile import _core, yourcode
from jitprofile.widget_data import TableBuilder

SITE = sysconfig.get_paths()["purelib"]
STDLIB = sysconfig.get_paths()["stdlib"]
PKG = os.path.dirname(jitprofile.__file__)
NUMPY_SO = os.path.join(SITE, "numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so")
LIBPY = "/usr/lib/libpython3.11.so.1.0"
CELL = "/tmp/ipykernel_123/2813617928.py"


def test_classify():
    C = yourcode.classify
    assert C("kde", CELL, "__main__", "python") == (yourcode.USER, "")
    assert C("kde [jit]", CELL, "__main__", "jit") == (yourcode.USER, "")
    assert C("sum", os.path.join(SITE, "numpy/_core/fromnumeric.py"), "numpy._core.fromnumeric",
             "python") == (yourcode.LIBRARY, "numpy")
    assert C("run_cell", os.path.join(SITE, "IPython/core/interactiveshell.py"),
             "IPython.core.interactiveshell", "python") == (yourcode.LIBRARY, "IPython")
    assert C("run", os.path.join(STDLIB, "asyncio/events.py"), "asyncio.events",
             "python") == (yourcode.LIBRARY, "asyncio")
    # another interpreter's standard library (a profile streamed from elsewhere)
    assert C("run", "/opt/py312/lib/python3.12/asyncio/events.py", "asyncio.events",
             "python") == (yourcode.LIBRARY, "asyncio")
    # `python -c` (a spawned worker's entry) is transparent; functions exec'd from a string are yours
    assert C("<module>", "<string>", "__main__", "python")[0] == yourcode.INTERP
    assert C("f", "<string>", "__main__", "python") == (yourcode.USER, "")
    assert C("_find_and_load", "<frozen importlib._bootstrap>", "<frozen importlib._bootstrap>",
             "python")[0] == yourcode.IMPORT
    assert C("run_cell_magic", os.path.join(PKG, "magics.py"), "jitprofile.magics",
             "python") == (yourcode.LIBRARY, "jitprofile")
    assert C("ufunc_generic_fastcall", NUMPY_SO, os.path.basename(NUMPY_SO),
             "native") == (yourcode.NATIVE, "numpy (C)")
    assert C("fetestexcept", "/lib/x86_64-linux-gnu/libm.so.6", "libm.so.6",
             "native") == (yourcode.NATIVE, "libm")
    assert C("float_add", LIBPY, "libpython3.11.so.1.0", "native")[0] == yourcode.INTERP
    assert C("[unknown]", "", "", "native") == (yourcode.NATIVE, "native")


def test_short_name():
    S = yourcode.short_name
    assert S("promote_and_get_info_and_ufuncimpl(_tagPyUFuncObject*, tagPyArrayObject* const*, "
             "PyArray_DTypeMeta**, unsigned char)") == "promote_and_get_info_and_ufuncimpl"
    assert S("void std::vector<int, std::allocator<int> >::push_back(int const&)") == \
        "std::vector<int, std::allocator<int> >::push_back"
    assert S("kde") == "kde" and S("<module>") == "<module>" and S("[libc.so.6+0x3c04f]") == \
        "[libc.so.6+0x3c04f]"
    assert S("_wrapreduction.<locals>.<dictcomp>") == "_wrapreduction.<locals>.<dictcomp>"


def synthetic():
    """Real ProfileData tables: IPython machinery above a cell; the cell
    calls kde (NumPy's Python wrapper, its C code, libm, the interpreter)
    and pair (interpreter only, then libm); a lazy import; a thread with no
    user frame; a jitted user function."""
    d = _core.ProfileData()
    d.interval = 0.001
    F = d.intern_func
    shell = F("run_cell", os.path.join(SITE, "IPython/core/interactiveshell.py"),
              "IPython.core.interactiveshell", 3000, "python")
    magic = F("run_cell_magic", os.path.join(PKG, "magics.py"), "jitprofile.magics", 100, "python")
    evalf = F("_PyEval_EvalFrameDefault", LIBPY, "libpython3.11.so.1.0", 0, "native")
    cell = F("<module>", CELL, "__main__", 1, "python")
    kde = F("kde", CELL, "__main__", 3, "python")
    pair = F("pair", CELL, "__main__", 12, "python")
    npsum = F("sum", os.path.join(SITE, "numpy/_core/fromnumeric.py"), "numpy._core.fromnumeric",
              2304, "python")
    ufunc = F("ufunc_generic_fastcall", NUMPY_SO, os.path.basename(NUMPY_SO), 0, "native")
    cpp = F("promote_and_get_info_and_ufuncimpl(_tagPyUFuncObject*, unsigned char)", NUMPY_SO,
            os.path.basename(NUMPY_SO), 0, "native")
    fetest = F("fetestexcept", "/lib/x86_64-linux-gnu/libm.so.6", "libm.so.6", 0, "native")
    fadd = F("float_add", LIBPY, "libpython3.11.so.1.0", 0, "native")
    boot = F("_find_and_load", "<frozen importlib._bootstrap>", "<frozen importlib._bootstrap>",
             1165, "python")
    nprand = F("<module>", os.path.join(SITE, "numpy/random/__init__.py"), "numpy.random", 1,
               "python")
    inflate = F("inflate", "/lib/x86_64-linux-gnu/libz.so.1", "libz.so.1", 0, "native")
    jitted = F("mandel [jit]", CELL, "__main__", 20, "jit")
    worker = F("blas_thread_server", os.path.join(SITE, "numpy.libs/libscipy_openblas64_.so"),
               "libscipy_openblas64_.so", 0, "native")

    def path(*funcs):
        node = 0
        for f in funcs:
            node = d.intern_node(node, d.intern_frame(f, 0))
        return node

    top = (shell, magic, evalf, cell)
    main = d.add_thread(1, 1, "MainThread")
    other = d.add_thread(1, 2, "Thread-1")
    d.add_sample(main, path(*top, kde, evalf), 10, 7)                       # kde's own (interpreter)
    d.add_sample(main, path(*top, kde, npsum, evalf, ufunc), 11, 20)        # numpy (C)
    d.add_sample(main, path(*top, kde, npsum, ufunc, cpp), 12, 11)          # numpy (C), C++
    d.add_sample(main, path(*top, kde, ufunc, fetest), 13, 9)               # libm
    d.add_sample(main, path(*top, kde, npsum), 14, 5)                       # numpy (Python)
    d.add_sample(main, path(*top, kde, npsum, evalf, fadd), 15, 4)          # numpy (Python), interp leaf
    d.add_sample(main, path(*top, pair, fadd), 16, 13)                      # pair's own
    d.add_sample(main, path(*top, pair, fetest), 17, 2)
    d.add_sample(main, path(*top, boot, boot, nprand, boot, inflate), 18, 3)  # a lazy import
    d.add_sample(main, path(*top, kde, pair), 19, 6)                        # user calls user
    d.add_sample(main, path(*top, jitted, fetest), 20, 8)                   # a jitted user function
    d.add_sample(main, path(shell, evalf), 21, 1)                           # the kernel, no user frame
    d.add_sample(other, path(worker), 22, 4)                                # a BLAS thread
    return d


def test_fold_synthetic():
    d = synthetic()
    folder = yourcode.Folder(d).sync()
    total, rows, outside = yourcode.rows(d)
    assert total == sum(s[3] for s in d.samples()) == 93
    by = {r.name: r for r in rows}
    assert rows[0].name == "kde"                                    # the user function first
    kde = by["kde"]
    assert kde.own_samples == 7
    assert dict(kde.folded) == {"numpy (C)": 31, "libm": 9, "numpy": 9}
    # folded totals equal the sum of what they fold, self = own + folded
    assert kde.self_samples == 7 + 31 + 9 + 9
    assert by["pair"].own_samples == 13 + 6 and dict(by["pair"].folded) == {"libm": 2}
    assert by["<module>"].folded == [("import numpy.random", 3)]
    assert dict(by["mandel [jit]"].folded) == {"libm": 8}
    assert dict(outside) == {"IPython": 1, "numpy (C)": 4}
    # user functions' totals equal the full profile's
    full_total, full_rows = d.stats()
    funcs = d.functions()
    full = {(funcs[f][0], funcs[f][1]): t for f, _s, t, _n in full_rows}
    for r in rows:
        assert r.total_samples == full[(r.name, r.file)], r
    # no user frame is dropped and nothing else survives: the folded tree's
    # user nodes are the user functions, every other node is a group
    user = {c for _p, c in folder.nodes[1:] if c >= 0}
    assert {funcs[c][0] for c in user} == {"<module>", "kde", "pair", "mandel [jit]"}
    # the kernel's and the magic's frames above the cell are dropped: the
    # cell is a child of the root
    cell = next(i for i, (_p, c) in enumerate(folder.nodes) if c >= 0 and funcs[c][0] == "<module>")
    assert folder.nodes[cell][0] == 0


def test_widget_tables_carry_the_folded_tree():
    d = synthetic()
    b = TableBuilder(d, show_internal=True)
    t = b.tables()
    yc = t["yourcode"]
    assert len(yc["map"]) == len(t["nodes"]) // 2
    # the folded weights, through the map, keep every sample
    folded = [0] * (len(yc["nodes"]) // 2)
    for node, w in enumerate(t["weights"]):
        folded[yc["map"][node]] += w
    assert sum(folded) == sum(t["weights"]) == 93
    assert ["numpy (C)", "native"] in yc["groups"] and ["libm", "native"] in yc["groups"]
    # incremental: a new sample under a new stack extends the tables
    n0 = len(yc["map"])
    kde = next(i for i, f in enumerate(d.functions()) if f[0] == "kde")
    node = d.intern_node(0, d.intern_frame(kde, 0))
    d.add_sample(0, node, 30, 1)
    yc2 = b.tables()["yourcode"]
    assert len(yc2["map"]) == n0 + 1 and yc2["map"][:n0] == yc["map"]


KDE = textwrap.dedent('''
    import numpy as np

    def kde(xs, pts):
        out = []
        for p in pts:
            s = 0.0
            for x in xs:
                d = np.array([x - p, 0.5, 1.0])
                s += float(np.exp(-np.sum(d * d)))
            out.append(s)
        return out

    def pair(a):
        t = 0.0
        for i in range(len(a)):
            for j in range(len(a)):
                for k in range(3):
                    t += (a[i][k] - a[j][k]) ** 2
        return t

    def work():
        import numpy.random  # noqa: F401 - the lazy deep import
        kde(list(range(400)), list(range(40)))
        pair([[i, i + 1.0, i + 2.0] for i in range(150)])
''')


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    path = tmp_path_factory.mktemp("yc") / "kdework.py"
    path.write_text(KDE)
    ns = {}
    exec(compile(KDE, str(path), "exec"), ns)
    with jitprofile.Profile(hz=2000, args=None) as prof:
        ns["work"]()
    return prof, str(path)


def test_real_profile_your_code_first(real):
    prof, path = real
    top = prof.top(10, yours=True)
    assert top and top[0].file == path and top[0].name in ("kde", "pair"), prof.text()
    total, rows, _outside = yourcode.rows(prof.view())
    kde = next(r for r in rows if r.name == "kde")
    assert any(label.startswith("numpy") for label, _w in kde.folded), kde
    assert kde.self_samples == kde.own_samples + sum(w for _l, w in kde.folded)
    # the same totals as the full profile's
    funcs = prof.view().functions()
    _t, full = prof.view().stats()
    fulltot = {(funcs[f][0], funcs[f][1]): t for f, _s, t, _n in full}
    for r in rows:
        assert r.total_samples == fulltot[(r.name, r.file)], r
    text = prof.text()
    assert "Your code" in text and "\u21b3 numpy" in text
    first = text.split("Your code", 1)[1].splitlines()[1]
    assert first.split()[0] in ("kde", "pair"), text
    everything = prof.text(all=True)
    assert "Your code" not in everything and "Category" in everything
    natives = [r for r in prof.top(50) if r.category == "native"]
    assert natives and all(r.name[:40] in everything for r in natives[:3])


def test_record_cli_all(tmp_path):
    script = tmp_path / "work.py"
    script.write_text(KDE + "\nwork()\n")

    def record(*args):
        return subprocess.run([sys.executable, "-m", "jitprofile", "record", *args, str(script)],
                              capture_output=True, text=True, timeout=120)
    mine, every = record(), record("--all")
    assert mine.returncode == 0 and every.returncode == 0, (mine.stderr, every.stderr)
    assert "Your code" in mine.stdout and "\u21b3" in mine.stdout
    rows = mine.stdout.split("Your code", 1)[1].splitlines()[1:]
    assert rows[0].split()[0] in ("kde", "pair"), mine.stdout
    assert "Your code" not in every.stdout
    assert any(" native " in line for line in every.stdout.splitlines()), every.stdout


def test_kernel_threads_hidden_while_running():
    """Threads that existed before the profile started carry their OS name
    ("python") until the profile stops: a kernel's Control / IOPub thread
    spinning then was in the live widget's tables (and so in the final view,
    built from the same mirror).  Hidden by their threading name now."""
    import threading
    import time

    from jitprofile._internal import Mirror
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            sum(range(1000))
    t = threading.Thread(target=spin, name="Control", daemon=True)
    t.start()
    prof = jitprofile.Profile(args=None).start()
    try:
        t0 = time.monotonic()
        while time.monotonic() - t0 < 0.3:
            sum(range(1000))
        _core.sampler_drain()
        control = [th for th in prof.data.threads() if th[1] == t.native_id]
        if not control or not control[0][3]:
            pytest.skip("the sampler took no sample of the spinning thread")
        live = Mirror(prof.data).sync()
        assert not [th for th in live.samples() if live.threads()[th[0]][1] == t.native_id]
    finally:
        prof.stop()
        stop.set()
        t.join()
    view = prof.view()
    assert not [s for s in view.samples() if view.threads()[s[0]][1] == t.native_id]
