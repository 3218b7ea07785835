"""bench/bench_cache.py - owns the issue-13 cache benchmark: what a cache=True
hit costs, jitprofile vs Numba, side by side, on the Mandelbrot kernel of
bench_scalar.py (a function of about a dozen lines, complex arithmetic).

  in-process   a warm cache, a process that already ran the function: the
               module is reloaded (a notebook cell re-run, a redefined
               function: a new dispatcher) and its first call timed.
  fresh        a new interpreter with a warm cache: the module is imported
               (not timed), then the first call is timed: the whole cache hit
               (jitprofile: finding and checking the entry, building the
               function's IR, linking the object; Numba: its index and
               loading).  For jitprofile the engine start (LLVM's target
               machine and ORC, _core.host_cpu()) is also timed alone in
               another set of processes, and the hit after it.

Every entry is checked for the right result before timing.  Times are the
wall-time minimum and median over the repeats and the median CPU time of the
calling thread (on a shared machine the wall time includes waiting for a
core), in ms; the ratio is jitprofile / Numba on the minimum.
Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_cache.py [--reloads 30] [--procs 9] [--json F]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

KERNEL = '''
@jit(cache=True{extra})
def mandel(x, y, max_iters):
    i = 0
    c = complex(x, y)
    z = 0.0j
    for i in range(max_iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255
'''

HEADERS = {
    "jitprofile": "from jitprofile import jit\n",
    "numba": "from numba import jit\n",
}
EXTRA = {"jitprofile": "", "numba": ", nopython=True"}

CHILD = '''
import sys, time, json
sys.path.insert(0, {dir!r})
import {mod} as m
t0, c0 = time.perf_counter(), time.thread_time()
if {engine_first}:
    import jitprofile._core as c
    c.host_cpu()
t1, c1 = time.perf_counter(), time.thread_time()
r = m.mandel(-0.5, 0.5, 200)
t2, c2 = time.perf_counter(), time.thread_time()
stats = getattr(m.mandel, "stats", None)
hits = stats.cache_hits if stats is not None and hasattr(stats, "cache_hits") else None
if isinstance(hits, dict):
    hits = sum(hits.values())
print(json.dumps({{"engine": (t1 - t0) * 1e3, "call": (t2 - t1) * 1e3, "r": r, "hits": hits,
                  "engine_cpu": (c1 - c0) * 1e3, "call_cpu": (c2 - c1) * 1e3}}))
'''


def expected():
    i = 0
    c = complex(-0.5, 0.5)
    z = 0j
    for i in range(200):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


def write_modules(d):
    for name in HEADERS:
        with open(os.path.join(d, f"cachemod_{name}.py"), "w") as f:
            f.write(HEADERS[name] + textwrap.dedent(KERNEL.format(extra=EXTRA[name])))


def child(d, name, env, engine_first=False):
    code = CHILD.format(dir=d, mod=f"cachemod_{name}", engine_first=engine_first)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"{name} child failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def in_process(d, name, reloads):
    import importlib
    sys.path.insert(0, d)
    mod = importlib.import_module(f"cachemod_{name}")
    assert mod.mandel(-0.5, 0.5, 200) == expected()
    times, cpu = [], []
    for _ in range(reloads):
        importlib.reload(mod)
        t, c = time.perf_counter(), time.thread_time()
        r = mod.mandel(-0.5, 0.5, 200)
        times.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.thread_time() - c) * 1e3)
        assert r == expected()
    sys.path.remove(d)
    return times, cpu


def summary(ts, cpu):
    """Wall time min/median and the median CPU time of the calling thread
    (on a shared machine wall time includes waiting for a core)."""
    return {"min": min(ts), "median": statistics.median(ts), "cpu_median": statistics.median(cpu)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reloads", type=int, default=30)
    ap.add_argument("--procs", type=int, default=9)
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="jp-bench-cache-")
    env = dict(os.environ, JITPROFILE_CACHE_DIR=os.path.join(tmp, "jp"),
               NUMBA_CACHE_DIR=os.path.join(tmp, "nb"), XDG_CACHE_HOME=os.path.join(tmp, "xdg"))
    os.environ.update({k: env[k] for k in ("JITPROFILE_CACHE_DIR", "NUMBA_CACHE_DIR", "XDG_CACHE_HOME")})
    write_modules(tmp)
    import numba
    import jitprofile
    out = {"machine": {"python": sys.version.split()[0], "numba": numba.__version__,
                       "jitprofile": jitprofile.__version__, "loadavg": os.getloadavg(),
                       "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}}
    # warm both caches (first child compiles and stores), then check hits
    for name in HEADERS:
        first = child(tmp, name, env)
        assert first["r"] == expected(), first
        again = child(tmp, name, env)
        assert again["r"] == expected() and (again["hits"] in (None, 1) or again["hits"] >= 1), again
    res = {}
    for name in HEADERS:
        res[name] = {"in_process": summary(*in_process(tmp, name, args.reloads))}
        calls, engine, after, calls_cpu, engine_cpu, after_cpu = [], [], [], [], [], []
        for _ in range(args.procs):
            c = child(tmp, name, env)
            assert c["r"] == expected()
            if c["hits"] is not None:
                assert c["hits"] == 1, c
            calls.append(c["call"])
            calls_cpu.append(c["call_cpu"])
            if name == "jitprofile":
                e = child(tmp, name, env, engine_first=True)
                engine.append(e["engine"])
                engine_cpu.append(e["engine_cpu"])
                after.append(e["call"])
                after_cpu.append(e["call_cpu"])
        res[name]["fresh"] = summary(calls, calls_cpu)
        if engine:
            res[name]["fresh_engine_start"] = summary(engine, engine_cpu)
            res[name]["fresh_after_engine"] = summary(after, after_cpu)
    out["results"] = res
    out["machine"]["loadavg_after"] = os.getloadavg()

    jp, nb = res["jitprofile"], res["numba"]
    print(f"cache=True hit, Mandelbrot kernel: wall min / wall median / CPU median, ms "
          f"({args.reloads} reloads, {args.procs} processes)")
    print(f"{'case':36s} {'jitprofile':>24s} {'numba':>24s} {'jp/numba (min)':>15s}")

    def cell(r):
        return f"{r['min']:7.2f} / {r['median']:6.2f} / {r['cpu_median']:6.2f}"
    for key, label in [("in_process", "in process (reload, first call)"), ("fresh", "fresh process, first call")]:
        print(f"{label:36s} {cell(jp[key])} {cell(nb[key])} {jp[key]['min'] / nb[key]['min']:12.2f}")
    print(f"{'  jitprofile engine start alone':36s} {cell(jp['fresh_engine_start'])}")
    print(f"{'  jitprofile hit after engine start':36s} {cell(jp['fresh_after_engine'])}")
    print("machine:", out["machine"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
