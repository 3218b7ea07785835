"""Issue 7: cache=True: compiled code stored on disk and reused by a new process.

Every case runs child interpreters on a script in tmp_path with
JITPROFILE_CACHE_DIR pointing at a fresh directory, and reads back what the child
printed: its results and each dispatcher's ``stats`` (cache_hits / cache_misses,
as Numba's ``dispatcher.stats``).  A second run of an unchanged script must load
everything from the cache and compute the same results; changing a function's
source, a callee's source, a frozen global, the argument types, or the CPU/version
recorded in an entry must make it a miss; several processes writing the same cache
at once must never corrupt it.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import jitprofile

pytestmark = pytest.mark.skipif(
    not hasattr(jitprofile.njit(lambda: 0), "stats"),
    reason="cache=True (dispatcher.stats, JITPROFILE_CACHE_DIR) is not implemented in this build")

MAGIC = b"JITPROFILE-CACHE-2\n"


def header_end(data):
    """Where an entry's header ends (MAGIC, u32 length, marshal header)."""
    return len(MAGIC) + 4 + int.from_bytes(data[len(MAGIC):len(MAGIC) + 4], "little")

PRELUDE = '''
import json, math, os, sys
import numpy as np
from jitprofile import njit, prange


def _count(v):
    return sum(v.values()) if hasattr(v, "values") else int(v)


def report(results, **dispatchers):
    stats = {n: {"hits": _count(d.stats.cache_hits), "misses": _count(d.stats.cache_misses)}
             for n, d in dispatchers.items()}
    print("RESULT " + json.dumps({"results": results, "stats": stats}))
'''

BASE = '''
K = 3


@njit(cache=True)
def helper(x):
    return x * K


@njit(cache=True)
def f(x):
    return helper(x) + math.sqrt(abs(x))


@njit(cache=True, parallel=True)
def sum_sq(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s


@njit(cache=True)
def checked(x):
    if x < 0:
        raise ValueError("negative input")
    return np.ones(3) * x


@njit(cache=True)
def loop(n):
    acc = 0
    for i in range(n):
        acc += i * i % 7
    return acc


res = {"f_float": f(2.0), "f_int": f(4), "sum_sq": sum_sq(np.arange(100000.0)),
       "checked": checked(2.0).tolist(), "loop": loop(1000)}
try:
    checked(-1.0)
except ValueError as e:
    res["err"] = [type(e).__name__, str(e)]
report(res, f=f, sum_sq=sum_sq, checked=checked, loop=loop)
'''


def expected_base(k=3):
    import math
    return {"f_float": 2.0 * k + math.sqrt(2.0), "f_int": 4 * k + 2.0,
            "sum_sq": float(sum(float(i) * i for i in range(100000))),
            "checked": [2.0, 2.0, 2.0], "loop": sum(i * i % 7 for i in range(1000)),
            "err": ["ValueError", "negative input"]}


def write(tmp_path, body, name="cached_script.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(PRELUDE) + textwrap.dedent(body))
    return path


def run_child(script, cache_dir, timeout=120, env_extra=None):
    env = dict(os.environ)
    if cache_dir is None:
        env.pop("JITPROFILE_CACHE_DIR", None)
    else:
        env["JITPROFILE_CACHE_DIR"] = str(cache_dir)
    env.update(env_extra or {})
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=timeout, cwd=str(script.parent), env=env)
    assert p.returncode == 0, f"child failed (rc={p.returncode}):\n{p.stdout}\n{p.stderr}"
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("RESULT ")]
    assert len(lines) == 1, p.stdout + p.stderr
    return json.loads(lines[0][len("RESULT "):])


def entries(cache_dir):
    return sorted(p for p in os.listdir(cache_dir) if p.endswith(".jpc")) \
        if os.path.isdir(cache_dir) else []


def hits(out):
    return {n: s["hits"] for n, s in out["stats"].items()}


def misses(out):
    return {n: s["misses"] for n, s in out["stats"].items()}


def test_second_process_loads_from_cache(tmp_path):
    script = write(tmp_path, BASE)
    cache = tmp_path / "cache"
    first = run_child(script, cache)
    exp = expected_base()
    got = dict(first["results"])
    assert got.pop("sum_sq") == pytest.approx(exp.pop("sum_sq"), rel=1e-12)
    assert got["f_float"] == pytest.approx(exp.pop("f_float"), rel=1e-15)
    got.pop("f_float")
    assert got == exp
    assert hits(first) == {"f": 0, "sum_sq": 0, "checked": 0, "loop": 0}
    assert misses(first) == {"f": 2, "sum_sq": 1, "checked": 1, "loop": 1}
    assert len(entries(cache)) >= 5
    second = run_child(script, cache)
    assert second["results"] == first["results"]
    assert hits(second) == {"f": 2, "sum_sq": 1, "checked": 1, "loop": 1}
    assert misses(second) == {"f": 0, "sum_sq": 0, "checked": 0, "loop": 0}
    assert not [p for p in os.listdir(cache) if not p.endswith(".jpc")], os.listdir(cache)


def test_source_change_invalidates(tmp_path):
    script = write(tmp_path, BASE)
    cache = tmp_path / "cache"
    run_child(script, cache)
    write(tmp_path, BASE.replace("acc += i * i % 7", "acc += i * i % 5"))
    out = run_child(script, cache)
    assert out["results"]["loop"] == sum(i * i % 5 for i in range(1000))
    assert out["stats"]["loop"] == {"hits": 0, "misses": 1}
    assert out["stats"]["checked"] == {"hits": 1, "misses": 0}      # unchanged: still cached
    again = run_child(script, cache)
    assert again["stats"]["loop"] == {"hits": 1, "misses": 0}
    assert again["results"] == out["results"]


def test_callee_source_change_invalidates_caller(tmp_path):
    script = write(tmp_path, BASE)
    cache = tmp_path / "cache"
    run_child(script, cache)
    write(tmp_path, BASE.replace("return x * K", "return x * K + 100"))
    out = run_child(script, cache)
    assert out["results"]["f_float"] == pytest.approx(2.0 * 3 + 100 + 2.0 ** 0.5)
    assert out["stats"]["f"] == {"hits": 0, "misses": 2}


def test_frozen_global_change_invalidates(tmp_path):
    script = write(tmp_path, BASE)
    cache = tmp_path / "cache"
    run_child(script, cache)
    write(tmp_path, BASE.replace("K = 3", "K = 5"))
    out = run_child(script, cache)
    assert out["results"]["f_float"] == pytest.approx(expected_base(5)["f_float"])
    assert out["results"]["f_int"] == pytest.approx(expected_base(5)["f_int"])
    assert out["stats"]["f"] == {"hits": 0, "misses": 2}


def test_frozen_global_string_change_invalidates(tmp_path):
    # Regression: a global str read by cached code was frozen but left out of the
    # key, so changing it kept returning the old text from the cache.
    body = '''
SEP = "-"

@njit(cache=True)
def joined(n):
    return SEP.join([str(i) for i in range(n)])

report({"s": joined(4)}, joined=joined)
'''
    script = write(tmp_path, body)
    cache = tmp_path / "cache"
    assert run_child(script, cache)["results"]["s"] == "0-1-2-3"
    write(tmp_path, body.replace('SEP = "-"', 'SEP = "+"'))
    out = run_child(script, cache)
    assert out["results"]["s"] == "0+1+2+3"
    assert out["stats"]["joined"] == {"hits": 0, "misses": 1}


def test_signature_change_compiles_new_types_only(tmp_path):
    body_a = '''
@njit(cache=True)
def g(x):
    return x + 1

res = {"a": g(1)}
report(res, g=g)
'''
    body_b = body_a.replace('res = {"a": g(1)}', 'res = {"a": g(1), "b": g(1.5), "c": g(2j).imag}')
    script = write(tmp_path, body_a)
    cache = tmp_path / "cache"
    assert run_child(script, cache)["stats"]["g"] == {"hits": 0, "misses": 1}
    write(tmp_path, body_b)
    out = run_child(script, cache)
    assert out["results"] == {"a": 2, "b": 2.5, "c": 2.0}
    assert out["stats"]["g"] == {"hits": 1, "misses": 2}
    assert run_child(script, cache)["stats"]["g"] == {"hits": 3, "misses": 0}


def _rewrite_headers(cache, fn):
    # entries are authenticated with the user's key (the children use the same
    # one): re-sign the changed header, so that only the changed field decides
    from jitprofile import _cache
    key = _cache._user_key()
    for name in entries(cache):
        path = os.path.join(cache, name)
        data = open(path, "rb").read()
        assert data.startswith(MAGIC)
        header, payload = _cache._unpack(data, key)
        fn(header)
        with open(path, "wb") as fh:
            fh.write(_cache._pack(header, payload, key))


@pytest.mark.parametrize("field", ["cpu", "jitprofile", "python"])
def test_entry_for_another_cpu_or_version_is_a_miss(tmp_path, field):
    script = write(tmp_path, BASE)
    cache = tmp_path / "cache"
    run_child(script, cache)

    def change(header):
        assert field in header, sorted(header)
        header[field] = "something-else-" + str(header[field])
    _rewrite_headers(cache, change)
    out = run_child(script, cache)
    assert out["results"] == run_child(script, tmp_path / "fresh")["results"]
    assert sum(hits(out).values()) == 0, out["stats"]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "header-only"])
def test_damaged_entries_are_misses_not_crashes(tmp_path, damage):
    script = write(tmp_path, BASE)
    cache = tmp_path / "cache"
    good = run_child(script, cache)
    for name in entries(cache):
        path = os.path.join(cache, name)
        data = open(path, "rb").read()
        end = header_end(data)
        new = {"truncated": data[:end + (len(data) - end) // 2],
               "garbage": data[:end] + os.urandom(len(data) - end),
               "empty": b"",
               "header-only": data[:end]}[damage]
        open(path, "wb").write(new)
    out = run_child(script, cache)
    assert out["results"] == good["results"]
    assert sum(hits(out).values()) == 0, out["stats"]
    # the entries were rewritten: a third process loads them
    third = run_child(script, cache)
    assert third["results"] == good["results"]
    assert sum(misses(third).values()) == 0, third["stats"]


def test_default_directory_is_pycache_beside_the_source(tmp_path):
    script = write(tmp_path, BASE)
    run_child(script, None)
    pyc = tmp_path / "__pycache__"
    assert entries(pyc), list(tmp_path.iterdir())
    out = run_child(script, None)
    assert sum(misses(out).values()) == 0


def test_cache_false_writes_nothing(tmp_path):
    script = write(tmp_path, '''
@njit
def plain(x):
    return x * 2

report({"v": plain(21)}, plain=plain)
''')
    cache = tmp_path / "cache"
    out = run_child(script, cache)
    assert out["results"] == {"v": 42}
    assert entries(cache) == []
    assert out["stats"]["plain"] == {"hits": 0, "misses": 0}


CONCURRENT = '''
import glob
N_ROUNDS = int(sys.argv[1])
mine = int(sys.argv[2])


def body(a, k):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * k
    return s


def body2(n):
    t = 0
    for i in range(n):
        t += (i ^ 5) % 11
    return t


a = np.arange(1000.0)
ok = True
for r in range(N_ROUNDS):
    if (r + mine) % 3 == 0:            # some rounds start from an empty cache
        for p in glob.glob(os.path.join(os.environ["JITPROFILE_CACHE_DIR"], "*.jpc")):
            try:
                os.unlink(p)
            except OSError:
                pass
    d1 = njit(cache=True)(body)
    d2 = njit(cache=True)(body2)
    ok = ok and d1(a, 2.0) == 999000.0 and d1(a, 3) == 1498500.0 and d2(5000) == body2(5000)
report({"ok": bool(ok)})
'''


def test_concurrent_writers_never_corrupt_the_cache(tmp_path):
    script = write(tmp_path, CONCURRENT)
    cache = tmp_path / "cache"
    cache.mkdir()
    env = dict(os.environ, JITPROFILE_CACHE_DIR=str(cache))
    procs = [subprocess.Popen([sys.executable, str(script), "6", str(k)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=str(tmp_path), env=env)
             for k in range(6)]
    outs = []
    for p in procs:
        o, e = p.communicate(timeout=180)
        assert p.returncode == 0, f"rc={p.returncode}\n{o}\n{e}"
        outs.append(o)
    for o in outs:
        line = [ln for ln in o.splitlines() if ln.startswith("RESULT ")][0]
        assert json.loads(line[7:])["results"] == {"ok": True}
    leftovers = [p for p in os.listdir(cache) if not p.endswith(".jpc")]
    assert leftovers == [], leftovers
    # whatever the writers left is loadable and right
    final = write(tmp_path, CONCURRENT.replace("if (r + mine) % 3 == 0:", "if False:")
                  .replace('report({"ok": bool(ok)})',
                           'report({"ok": bool(ok)}, d1=d1, d2=d2)'), name="final.py")
    out = run_child_args(final, cache, ["1", "0"])
    assert out["results"] == {"ok": True}
    if entries(cache):
        assert out["stats"]["d1"]["misses"] + out["stats"]["d2"]["misses"] <= 3


def run_child_args(script, cache_dir, args):
    env = dict(os.environ, JITPROFILE_CACHE_DIR=str(cache_dir))
    p = subprocess.run([sys.executable, str(script)] + args, capture_output=True, text=True,
                       timeout=120, cwd=str(script.parent), env=env)
    assert p.returncode == 0, f"rc={p.returncode}\n{p.stdout}\n{p.stderr}"
    line = [ln for ln in p.stdout.splitlines() if ln.startswith("RESULT ")][0]
    return json.loads(line[7:])


def test_stats_attribute_in_process():
    @jitprofile.njit(cache=True)
    def local_fn(x):
        return x + 1
    assert local_fn(1) == 2
    st = local_fn.stats
    assert hasattr(st, "cache_hits") and hasattr(st, "cache_misses")


def test_non_cached_callee_source_change_invalidates(tmp_path):
    body = '''
@njit
def plain_callee(x):
    return x + 1


@njit(cache=True)
def caller(x):
    return plain_callee(x) * 2

report({"v": caller(3)}, caller=caller)
'''
    script = write(tmp_path, body)
    cache = tmp_path / "cache"
    assert run_child(script, cache)["results"] == {"v": 8}
    assert run_child(script, cache)["stats"]["caller"] == {"hits": 1, "misses": 0}
    write(tmp_path, body.replace("return x + 1", "return x + 10"))
    out = run_child(script, cache)
    assert out["results"] == {"v": 26}
    assert out["stats"]["caller"] == {"hits": 0, "misses": 1}


PROCESS_SPECIFIC = '''
import ctypes, ctypes.util
import cffi
libm = ctypes.CDLL(ctypes.util.find_library("m"))
c_cos = libm.cos
c_cos.argtypes = [ctypes.c_double]
c_cos.restype = ctypes.c_double
ffi = cffi.FFI()
ffi.cdef("double sin(double);")
abi = ffi.dlopen(None)
# move the heap around so addresses differ between the two processes
_junk = [np.empty(int(os.environ.get("JP_JUNK", "1")) * 1000) for _ in range(3)]


@njit(cache=True)
def use_c(x):
    return c_cos(x) + abi.sin(x)


@njit(cache=True)
def use_c_loop(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += c_cos(a[i])
    return s


report({"c": use_c(0.5), "t": use_c_loop(np.zeros(3))}, use_c=use_c, use_c_loop=use_c_loop)
'''


def test_cached_code_calling_c_functions(tmp_path):
    import math
    pytest.importorskip("cffi")
    script = write(tmp_path, PROCESS_SPECIFIC)
    cache = tmp_path / "cache"
    first = run_child(script, cache, env_extra={"JP_JUNK": "1"})
    assert first["results"] == {"c": math.cos(0.5) + math.sin(0.5), "t": 3.0}
    for junk in ("7", "300"):
        out = run_child(script, cache, env_extra={"JP_JUNK": junk})
        # C function addresses differ between processes: reusing the code is optional
        # (Numba refuses to cache such "dynamic globals"), a wrong address never is
        assert out["results"] == first["results"]


def test_cached_jitclass_and_generated(tmp_path):
    body = '''
from jitprofile import jitclass, float64, int64, generated_jit, types


@jitclass([("v", float64[:]), ("n", int64)])
class Box:
    def __init__(self, n):
        self.n = n
        self.v = np.arange(n) * 1.0

    def total(self):
        return self.v.sum()


@generated_jit
def twice(x):
    if isinstance(x, types.Float):
        return lambda x: 2.0 * x
    return lambda x: 2 * x


@njit(cache=True)
def use(n):
    b = Box(n)
    return b.total() + twice(1.5) + twice(n)

report({"v": use(4)}, use=use)
'''
    script = write(tmp_path, body)
    cache = tmp_path / "cache"
    assert run_child(script, cache)["results"] == {"v": 6.0 + 3.0 + 8}
    out = run_child(script, cache)
    assert out["results"] == {"v": 17.0}


def test_cached_function_raising_user_exception_class(tmp_path):
    # user-defined exception classes live at process-specific addresses: the entry may
    # be skipped (docs/jit.md), but a new process must raise the right class
    body = '''
class MyError(Exception):
    pass


@njit(cache=True)
def checked(x):
    if x < 0:
        raise MyError("custom negative")
    return x + 1

res = {"ok": checked(1)}
try:
    checked(-1)
except MyError as e:
    res["err"] = ["MyError", str(e)]
report(res, checked=checked)
'''
    script = write(tmp_path, body)
    cache = tmp_path / "cache"
    for _ in range(3):
        assert run_child(script, cache)["results"] == {"ok": 2, "err": ["MyError", "custom negative"]}
