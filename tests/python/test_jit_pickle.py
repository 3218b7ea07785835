"""Issue 14: jitted objects pickle (jitprofile/serialize.py).

The functions are defined the way a notebook cell defines them: source exec'd
under a file name that exists only in this process's linecache, in a module
named __main__.  They are pickled here (plain pickle and cloudpickle) and
unpickled in a fresh interpreter, which has no copy of that source: it must
compile from the source shipped in the pickle, give the same results as
here, keep the options (cache=True, explicit signatures, object mode ...),
report errors at the cell's own file:line, and rebuild each function once
(the memo) however many times it is unpickled.
"""
import json
import linecache
import os
import pickle
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

import jitprofile
from jitprofile import serialize

CELL = "/nonexistent/ipykernel_4242/cell-7.py"     # exists only in linecache

SOURCE = '''\
import numpy as np
import jitprofile as jp
from jitprofile import prange

SCALE = 3.0


@jp.njit
def axpy(a, x):
    return a * x + SCALE


@jp.njit(cache=True, fastmath=True)
def total(xs):
    s = 0.0
    for v in xs:
        s += v
    return s


@jp.njit("float64(float64, int64)")
def powi(x, n):
    r = 1.0
    for _ in range(n):
        r *= x
    return r


@jp.njit(parallel=True, nogil=True)
def psum(xs):
    s = 0.0
    for i in prange(xs.shape[0]):
        s += xs[i]
    return s


@jp.jit(forceobj=True)
def objfn(x):
    return str(x) + "!"


@jp.njit
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)


@jp.njit
def uses_fact(n):
    return fact(n) + 1


def make_adder(k):
    @jp.njit
    def add(x):
        return x + k
    return add


adder = make_adder(5)


@jp.vectorize(["float64(float64)", "int64(int64)"])
def vsq(x):
    return x * x + 1


@jp.vectorize
def vdyn(x):
    return x - 1


@jp.guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")
def gcum(x, out):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
        out[i] = acc


@jp.njit
def pick(n, which):
    jp.literally(which)
    if which == 0:
        return n + 0.5
    return n * 2.0


@jp.njit
def bad(x):
    y = x + 1
    return y.no_such_attribute
'''

BAD_LINE = SOURCE.splitlines().index("    return y.no_such_attribute") + 1


def calls(ns):
    """Each function's result on fixed arguments, as JSON-able values."""
    xs = np.arange(10.0)
    return {
        "axpy": ns["axpy"](2.0, 4.0),
        "total": ns["total"](xs),
        "powi": ns["powi"](1.5, 3),
        "psum": ns["psum"](xs),
        "objfn": ns["objfn"](7),
        "fact": ns["fact"](10),
        "uses_fact": ns["uses_fact"](5),
        "adder": ns["adder"](10),
        "vsq": ns["vsq"](np.array([1.0, 2.0])).tolist() + ns["vsq"](np.array([3])).tolist(),
        "vdyn": ns["vdyn"](np.array([5.0, 6.0])).tolist(),
        "gcum": ns["gcum"](np.array([1.0, 2.0, 3.0])).tolist(),
        "pick": [ns["pick"](3, 0), ns["pick"](3, 1)],
    }


NAMES = ["axpy", "total", "powi", "psum", "objfn", "fact", "uses_fact", "adder", "vsq", "vdyn", "gcum", "pick", "bad"]


def make_cell(source=SOURCE, filename=CELL):
    """Run source as a notebook cell: linecache-only text, module __main__."""
    lines = source.splitlines(True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    ns = {"__name__": "__main__"}
    exec(compile(source, filename, "exec"), ns)
    return ns


CHILD = r'''
import json, pickle, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
sys.path.insert(0, sys.argv[2])
from test_jit_pickle import calls, CELL
import jitprofile
from jitprofile import serialize
import linecache
assert not linecache.getlines(CELL), "the cell's source must not be here before unpickling"
data = open(sys.argv[1], "rb").read()
objs = pickle.loads(data)
out = {"results": calls(objs)}
again = pickle.loads(data)
out["same"] = all(again[k] is objs[k] for k in objs)
for _ in range(3):
    calls(objs)
out["stats"] = serialize.stats()
out["nsigs"] = {k: len(objs[k].signatures) for k in ("axpy", "total", "powi", "fact", "adder")}
out["cache"] = objs["total"].stats.cache_misses + objs["total"].stats.cache_hits
out["total_options"] = objs["total"].targetoptions
out["psum_parallel"] = objs["psum"]._jitprofile_recipe[2].get("parallel")
out["objmode"] = type(objs["objfn"]).__name__
out["literal"] = type(objs["pick"]).__name__
from jitprofile import _core
out["symbols"] = [(s[3], s[4], sorted({line for _, line in s[5]})) for s in _core.jit_symbols()
                  if s[2].startswith("total [jit ")]
try:
    objs["powi"](1.5, 2.5)
except TypeError as e:
    out["powi_fixed"] = str(e)
try:
    objs["bad"](1)
except Exception as e:
    out["error"] = str(e)
print(json.dumps(out))
'''


def run_child(tmp_path, data, env=None):
    path = tmp_path / "payload.pkl"
    path.write_bytes(data)
    full_env = dict(os.environ, JITPROFILE_CACHE_DIR=str(tmp_path / "cache"), **(env or {}))
    r = subprocess.run([sys.executable, "-c", CHILD, str(path), os.path.dirname(__file__)],
                       capture_output=True, text=True, env=full_env, timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cell():
    import warnings
    ns = make_cell()
    with warnings.catch_warnings():     # objfn: forceobj=True warns once, as it should
        warnings.simplefilter("ignore", jitprofile.errors.ObjectModeWarning)
        return ns, calls(ns)


def check_child(out, expected):
    assert out["results"] == expected
    assert out["same"]                                  # the memo: one object per function
    assert out["stats"]["rebuilt"] == len(NAMES)        # each rebuilt once ...
    assert out["stats"]["reused"] >= len(NAMES)         # ... and reused on the second load
    assert out["nsigs"] == {"axpy": 1, "total": 1, "powi": 1, "fact": 1, "adder": 1}  # compiled once
    assert out["cache"] == 1                            # cache=True kept: the cache was consulted
    assert out["total_options"]["fastmath"] is True
    assert out["psum_parallel"] is True
    assert out["objmode"] == "ObjModeDispatcher"
    assert out["literal"] == "LiteralDispatcher"
    assert "powi" in out["powi_fixed"]                 # explicit signature: no new compile
    assert f"{CELL}:{BAD_LINE}" in out["error"]         # the cell's file:line, from the shipped source
    # what the profiler names samples with: the cell's file and the body's lines
    lines = SOURCE.splitlines()
    first = lines.index("def total(xs):") + 1
    body = {lines.index("        s += v") + 1, lines.index("    return s", first) + 1}
    [(filename, def_line, table_lines)] = out["symbols"]
    assert filename == CELL and def_line in (first - 1, first)
    assert body <= set(table_lines) and all(first - 1 <= n <= first + 5 for n in table_lines)


def test_plain_pickle_round_trip_in_a_fresh_process(cell, tmp_path):
    pytest.importorskip("cloudpickle")      # plain pickle writes the function's code with it
    ns, expected = cell
    data = pickle.dumps({k: ns[k] for k in NAMES})
    check_child(run_child(tmp_path, data), expected)


def test_cloudpickle_round_trip_in_a_fresh_process(cell, tmp_path):
    cloudpickle = pytest.importorskip("cloudpickle")
    ns, expected = cell
    data = cloudpickle.dumps({k: ns[k] for k in NAMES})
    check_child(run_child(tmp_path, data), expected)


def test_cloudpickle_closure_over_a_dispatcher(cell, tmp_path):
    """What Dask sends: a plain notebook function calling jitted ones."""
    cloudpickle = pytest.importorskip("cloudpickle")
    ns, _ = cell
    src = "def task(v):\n    return axpy(v, 2.0) + fact(4)\n"
    exec(compile(src, CELL + "-task", "exec"), ns)
    task = pickle.loads(cloudpickle.dumps(ns["task"]))
    assert task(3.0) == ns["task"](3.0) == 3.0 * 2.0 + 3.0 + 24


def test_same_process_round_trip_is_the_same_object(cell):
    pytest.importorskip("cloudpickle")
    ns, _ = cell
    for name in NAMES:
        assert pickle.loads(pickle.dumps(ns[name])) is ns[name], name


def test_importable_function_pickles_by_reference(tmp_path):
    """A module function, ufunc or jitclass pickles as module.qualname (no
    cloudpickle needed); the other process imports the module."""
    mod = tmp_path / "jp_pickle_mod.py"
    mod.write_text(textwrap.dedent('''
        import numpy as np
        import jitprofile as jp

        @jp.njit(cache=True)
        def twice(x):
            return 2 * x

        @jp.vectorize(["float64(float64)"])
        def half(x):
            return x / 2

        @jp.jitclass([("v", jp.float64)])
        class Box:
            def __init__(self, v):
                self.v = v

            def get(self):
                return self.v * 2
    '''))
    sys.path.insert(0, str(tmp_path))
    try:
        import jp_pickle_mod
        for obj in (jp_pickle_mod.twice, jp_pickle_mod.half, jp_pickle_mod.Box):
            data = pickle.dumps(obj)
            assert b"jp_pickle_mod" in data and len(data) < 200
            assert pickle.loads(data) is obj
        code = ("import pickle, sys; obj = pickle.loads(sys.stdin.buffer.read()); "
                "import jp_pickle_mod; print(obj[0] is jp_pickle_mod.twice, obj[0](21), obj[1](4.0).get())")
        r = subprocess.run([sys.executable, "-c", code],
                           input=pickle.dumps((jp_pickle_mod.twice, jp_pickle_mod.Box)),
                           capture_output=True, env=dict(os.environ, PYTHONPATH=str(tmp_path)), timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.decode().split() == ["True", "42", "8.0"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("jp_pickle_mod", None)


def test_by_value_without_cloudpickle_is_a_clear_error(tmp_path):
    code = textwrap.dedent(f'''
        import sys, linecache, pickle
        sys.modules["cloudpickle"] = None       # not installed
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_jit_pickle import make_cell
        ns = make_cell()
        try:
            pickle.dumps(ns["axpy"])
        except pickle.PicklingError as e:
            print("ERR", e)
    ''')
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "ERR" in r.stdout and "axpy" in r.stdout and "cloudpickle" in r.stdout


def test_recipe_keeps_options_numba_drops():
    f = jitprofile.njit(cache=True, parallel=True, fastmath=True, nogil=True)(lambda x: x)
    kind, args, kwargs = f._jitprofile_recipe
    assert kind == "jit" and args == ()
    assert kwargs == {"cache": True, "parallel": True, "fastmath": True, "nogil": True}
    g = jitprofile.njit([jitprofile.float64(jitprofile.float64)])(lambda x: x)
    assert g._jitprofile_recipe[1] == (["float64(float64)"],)


def test_memo_rebuilds_once_per_id(cell):
    pytest.importorskip("cloudpickle")
    ns, _ = cell
    _, (uid, *rest) = serialize.reduce_jitted(ns["axpy"])
    before = serialize.stats()
    first = serialize._rebuild("fresh-" + uid, *rest)
    second = serialize._rebuild("fresh-" + uid, *rest)
    after = serialize.stats()
    assert first is second and first is not ns["axpy"]
    assert after["rebuilt"] - before["rebuilt"] == 1 and after["reused"] - before["reused"] == 1
    assert first(2.0, 4.0) == ns["axpy"](2.0, 4.0)


def test_types_and_signatures_pickle_as_text():
    t = jitprofile
    for obj in (t.float64, t.float64[:, ::1], t.int32[:], t.Tuple((t.int64, t.float64)), t.optional(t.int64),
                t.float64(t.int64, t.float32[:]), t.void(t.float64[:])):
        back = pickle.loads(pickle.dumps(obj))
        assert type(back) is type(obj) and back == obj and str(back) == str(obj)


def test_locals_option_round_trips(tmp_path):
    pytest.importorskip("cloudpickle")
    ns = make_cell("import jitprofile as jp\n\n\n@jp.njit(locals={'s': jp.float32})\n"
                   "def acc(n):\n    s = 0\n    for i in range(n):\n        s += 0.1\n    return s\n",
                   "/nonexistent/ipykernel_4242/cell-9.py")
    data = pickle.dumps(ns["acc"])
    code = "import pickle, sys; f = pickle.loads(sys.stdin.buffer.read()); print(repr(f(10)), f._jitprofile_recipe[2])"
    r = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().split()[0] == repr(ns["acc"](10))
    assert "float32" in r.stdout.decode()


def test_jitclass_from_a_cell_is_a_clear_error():
    """A jitclass pickles by reference only: from a cell, a clear PicklingError."""
    cloudpickle = pytest.importorskip("cloudpickle")
    ns = make_cell("import jitprofile as jp\n\n\n@jp.jitclass([('v', jp.float64)])\nclass Box:\n"
                   "    def __init__(self, v):\n        self.v = v\n", "/nonexistent/ipykernel_4242/cell-10.py")
    with pytest.raises(pickle.PicklingError, match="jitclass"):
        cloudpickle.dumps(ns["Box"])


def test_threads_unpickling_at_once_build_one_object(cell):
    """Dask worker threads may unpickle the same function together."""
    import threading
    pytest.importorskip("cloudpickle")
    ns, _ = cell
    _, (uid, *rest) = serialize.reduce_jitted(ns["powi"])
    got, start = [], threading.Barrier(4)

    def load():
        start.wait()
        got.append(serialize._rebuild("threads-" + uid, *rest))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(g is got[0] for g in got)
    assert got[0](2.0, 3) == 8.0 and len(got[0].signatures) == 1


def test_module_registered_by_value_pickles_by_value(tmp_path):
    cloudpickle = pytest.importorskip("cloudpickle")
    (tmp_path / "jp_byvalue_mod.py").write_text("import jitprofile as jp\n\n\n@jp.njit\ndef inc(x):\n"
                                                "    return x + 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import jp_byvalue_mod
        assert b"_rebuild" not in cloudpickle.dumps(jp_byvalue_mod.inc)
        cloudpickle.register_pickle_by_value(jp_byvalue_mod)
        try:
            data = cloudpickle.dumps(jp_byvalue_mod.inc)
        finally:
            cloudpickle.unregister_pickle_by_value(jp_byvalue_mod)
        assert b"_rebuild" in data
        assert pickle.loads(data) is jp_byvalue_mod.inc       # same process: the memo
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("jp_byvalue_mod", None)


def test_fallback_and_parallel_ufunc_recipes_rebuild():
    """nopython=False (compiled, falling back to the interpreter) and a
    parallel DUFunc rebuild as what they were (in this process, fresh ids)."""
    pytest.importorskip("cloudpickle")
    ns = make_cell("import jitprofile as jp\n\n\n@jp.jit(nopython=False)\ndef f(x):\n    return x * 2\n\n\n"
                   "@jp.vectorize(target='parallel', identity=0)\ndef g(x, y):\n    return x + y\n",
                   "/nonexistent/ipykernel_4242/cell-11.py")
    for name, args in (("f", (21,)), ("g", (np.arange(4.0), 1.0))):
        _, (uid, *rest) = serialize.reduce_jitted(ns[name])
        back = serialize._rebuild("recipe-" + uid, *rest)
        assert type(back) is type(ns[name]) and back is not ns[name]
        np.testing.assert_array_equal(back(*args), ns[name](*args))
    assert back.identity == 0 and back._parallel


def test_shipped_source_goes_over_another_version_of_the_file(tmp_path):
    """The receiving machine has the file, in another version: the shipped
    function's lines replace its own region only."""
    path = tmp_path / "mod_v1.py"
    path.write_text("def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    new_b = ["def b():\n", "    return 3 + 4\n"]
    serialize._register_source((str(path), 5, new_b))
    try:
        lines = linecache.getlines(str(path))
        assert lines[:2] == ["def a():\n", "    return 1\n"] and lines[4:6] == new_b
        linecache.checkcache(str(path))         # kept (as IPython's cells)
        assert linecache.getlines(str(path))[4:6] == new_b
    finally:
        linecache.cache.pop(str(path), None)


def test_cache_entries_travel_with_the_function(tmp_path, monkeypatch):
    """cache=True: the code compiled here ships as cache entries; a fresh
    process with its own empty cache directory loads it instead of compiling."""
    pytest.importorskip("cloudpickle")
    here, there = tmp_path / "here", tmp_path / "there"
    monkeypatch.setenv("JITPROFILE_CACHE_DIR", str(here))
    ns = make_cell("import jitprofile as jp\n\n\n@jp.njit(cache=True)\ndef tri(n):\n    s = 0\n"
                   "    for i in range(n):\n        s += i\n    return s\n",
                   "/nonexistent/ipykernel_4242/cell-12.py")
    assert ns["tri"](100) == 4950 and ns["tri"].stats.cache_misses == 1
    data = pickle.dumps(ns["tri"])
    code = ("import pickle, sys; from jitprofile import serialize; f = pickle.loads(sys.stdin.buffer.read()); "
            "print(f(100), f.stats.cache_hits, f.stats.cache_misses, serialize.stats()['entries_installed'])")
    r = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, timeout=120,
                       env=dict(os.environ, JITPROFILE_CACHE_DIR=str(there)))
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().split() == ["4950", "1", "0", "1"]     # loaded, not compiled
    assert [p.name for p in there.glob("*.jpc")] == [p.name for p in here.glob("*.jpc")]
    # a changed function (another source) ships nothing stale: compiled there
    ns2 = make_cell("import jitprofile as jp\n\n\n@jp.njit(cache=True)\ndef tri(n):\n    s = 1\n"
                    "    for i in range(n):\n        s += i\n    return s\n",
                    "/nonexistent/ipykernel_4242/cell-12.py")
    _, (_, _, _, _, entries) = serialize.reduce_jitted(ns2["tri"])
    assert entries == ()
