"""bench/bench_dask_pickle.py - owns the issue-14 pickling benchmark: time to
the first result of a jitted function defined in a notebook cell, run on a
2-worker dask.distributed LocalCluster (spawned processes, one thread each).

The cell is source exec'd under a file name only the client's linecache
knows; the function has cache=True and the workers share one temporary cache
directory ($JITPROFILE_CACHE_DIR / $NUMBA_CACHE_DIR, set before the workers
spawn).  Per tool and repeat, two fresh clusters in turn:

  cold   the first cluster: one task per worker, timed from submit to both
         results - pickling, shipping, unpickling, compiling on each worker
         (and writing the cache), running;
  warm   a second, fresh cluster on the same cache directory: the same
         (jitprofile: the cache entry is loaded; Numba drops cache=True when
         a dispatcher is pickled, so it compiles again);
  run    the same tasks again on the second cluster (compiled code in memory):
         Dask's own round trip and the kernel, the floor.
The workers import the JIT (jitprofile or numba) before the timed tasks.

Times are the minimum and median over repeats in ms; the ratio is
jitprofile / Numba on the medians (Numba side by side when it is importable:
run in .venv-bench, bench/setup_bench.sh; else jitprofile alone in .venv).
    .venv-bench/bin/python bench/bench_dask_pickle.py [--repeats 3] [--json F]
"""
import argparse
import json
import linecache
import logging
import os
import statistics
import sys
import tempfile
import time

CELL = '''
import math
{import_line}


@{deco}(cache=True)
def mandel_sum(n, max_iters):
    total = 0
    for j in range(n):
        for i in range(n):
            c = complex(-2.0 + 2.5 * i / n, -1.25 + 2.5 * j / n)
            z = 0j
            k = 0
            while k < max_iters and z.real * z.real + z.imag * z.imag <= 4.0:
                z = z * z + c
                k += 1
            total += k
    return total + int(math.sqrt(n))
'''

TOOLS = {"jitprofile": ("import jitprofile as jp", "jp.njit"),
         "numba": ("import numba as nb", "nb.njit")}


def make_cell(tool, index):
    import_line, deco = TOOLS[tool]
    source = CELL.format(import_line=import_line, deco=deco)
    filename = f"/nonexistent/ipykernel_0/bench-{tool}-{index}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    ns = {"__name__": "__main__"}
    exec(compile(source, filename, "exec"), ns)
    return ns["mandel_sum"]


def first_results(client, func, args):
    workers = sorted(client.scheduler_info()["workers"])
    t0 = time.perf_counter()
    futures = [client.submit(func, *args, workers=[w], pure=False) for w in workers]
    results = client.gather(futures)
    return (time.perf_counter() - t0) * 1e3, results


def one_repeat(tool, index, args, expected):
    import distributed
    func = make_cell(tool, index)
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        os.environ["JITPROFILE_CACHE_DIR"] = os.environ["NUMBA_CACHE_DIR"] = cache
        for phase in ("cold", "warm"):
            with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                          dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
                    distributed.Client(cluster) as client:
                # the workers import the JIT first (not timed: any first task pays it)
                client.run(__import__, "jitprofile" if tool == "jitprofile" else "numba")
                out[phase], results = first_results(client, func, args)
                assert results == [expected] * 2, (tool, phase, results, expected)
                if phase == "warm":
                    out["run"], results = first_results(client, func, args)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json")
    opts = ap.parse_args()
    tools = ["jitprofile"]
    try:
        import numba  # noqa: F401
        tools.append("numba")
    except ImportError:
        print("numba is not importable: jitprofile alone (run in .venv-bench for the comparison)")
    args = (40, 100)
    expected = make_cell("jitprofile", -1).py_func(*args)
    table = {}
    for tool in tools:
        runs = [one_repeat(tool, i, args, expected) for i in range(opts.repeats)]
        table[tool] = {phase: [r[phase] for r in runs] for phase in ("cold", "warm", "run")}
    print(f"time to the first result on both workers of a 2-worker LocalCluster, ms "
          f"(min / median of {opts.repeats})")
    print(f"{'':12}" + "".join(f"{t:>24}" for t in tools) + ("   ratio (median)" if len(tools) == 2 else ""))
    for phase in ("cold", "warm", "run"):
        cells = []
        for tool in tools:
            v = table[tool][phase]
            cells.append(f"{min(v):10.1f} / {statistics.median(v):10.1f}")
        line = f"{phase:12}" + "".join(f"{c:>24}" for c in cells)
        if len(tools) == 2:
            line += f"   {statistics.median(table['jitprofile'][phase]) / statistics.median(table['numba'][phase]):.2f}"
        print(line)
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(table, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
