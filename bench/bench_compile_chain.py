"""bench/bench_compile_chain.py - owns the compile-cost-of-call-chains
benchmark (issue 13, item 6): the first call of the last function of a chain
of n small jitted functions, each calling the previous one
(f0(x) = x + 1, f1(x) = f0(x) + 1, ...), for n = 10, 100, 400, and, beside
it, one function of n statements; plus the run time of a hot loop that calls
a tiny jitted helper (inlining across separately compiled functions).

Each case runs in a fresh process per implementation (jitprofile, numba),
so nothing is warm but the import; medians of --repeat processes are
reported with the ratio jitprofile / Numba.  Run it with .venv-bench's
Python (Numba installed there):

    .venv-bench/bin/python bench/bench_compile_chain.py [--repeat 3] [--sizes 10,100,400]

Numba raises RecursionError on chains from n = 100 (its typing recurses once
per level); that is recorded as the result, not hidden.
"""
import argparse
import json
import statistics
import subprocess
import sys

PROBE = r'''
import json, sys, time
impl, case, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if impl == "numba":
    import numba
    jit = numba.njit
else:
    import jitprofile
    jit = jitprofile.njit
out = {"impl": impl, "case": case, "n": n}
import linecache
_cells = 0
def exec_cell(src, ns):
    """exec like a notebook cell: the source stays readable (linecache)."""
    global _cells
    _cells += 1
    name = f"<cell-{_cells}>"
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)
    exec(compile(src, name, "exec"), ns)
try:
    if case == "chain":
        src = ["def f0(x):\n    return x + 1\n"]
        for i in range(1, n):
            src.append(f"def f{i}(x):\n    return f{i-1}(x) + 1\n")
        ns = {}
        t0 = time.perf_counter()
        exec_cell("".join(src), ns)
        for i in range(n):
            ns[f"f{i}"] = jit(ns[f"f{i}"])
        r = ns[f"f{n-1}"](1)
        out["seconds"] = time.perf_counter() - t0
        assert r == n + 1, r
    elif case == "straight":
        body = "".join(f"    x = x + {i % 7 + 1}\n" for i in range(n))
        ns = {}
        t0 = time.perf_counter()
        exec_cell(f"def g(x):\n{body}    return x\n", ns)
        g = jit(ns["g"])
        r = g(1)
        out["seconds"] = time.perf_counter() - t0
    elif case == "helper_loop":
        ns = {}
        exec_cell("def h(x):\n    return x * 0.5 + 1.0\n"
             "def loop(n):\n    s = 0.0\n    for i in range(n):\n        s += h(i * 1.0)\n    return s\n", ns)
        ns["h"] = jit(ns["h"])
        loop = jit(ns["loop"])
        h = ns["h"]
        h(1.0)                 # the helper compiled first, on its own
        loop(10)
        best = 1e9
        for _ in range(5):
            t0 = time.perf_counter()
            loop(n)
            best = min(best, time.perf_counter() - t0)
        out["seconds"] = best
except RecursionError as e:
    out["error"] = "RecursionError"
except Exception as e:
    out["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
print(json.dumps(out))
'''


def probe(impl, case, n):
    p = subprocess.run([sys.executable, "-c", PROBE, impl, case, str(n)],
                       capture_output=True, text=True, timeout=600)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        return {"error": f"exit {p.returncode}: {p.stderr.strip().splitlines()[-1:] or ''}"}
    return json.loads(lines[-1])


def fmt(r):
    if "error" in r:
        return r["error"]
    s = r["seconds"]
    return f"{s * 1e3:.1f} ms" if s < 10 else f"{s:.1f} s"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="10,100,400")
    ap.add_argument("--impls", default="jitprofile,numba")
    ap.add_argument("--loop-n", type=int, default=10_000_000)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    impls = args.impls.split(",")
    cases = [("chain", n) for n in sizes] + [("straight", n) for n in sizes] + [("helper_loop", args.loop_n)]
    print("| case | n | " + " | ".join(impls) + (" | jp/numba |" if len(impls) == 2 else " |"))
    print("| --- | --- |" + " --- |" * (len(impls) + (len(impls) == 2)))
    for case, n in cases:
        med = {}
        for impl in impls:
            runs = [probe(impl, case, n) for _ in range(args.repeat)]
            ok = [r["seconds"] for r in runs if "error" not in r]
            med[impl] = {"seconds": statistics.median(ok)} if ok else runs[0]
        ratio = ""
        if len(impls) == 2:
            a, b = med[impls[0]], med[impls[1]]
            ratio = f" {a['seconds'] / b['seconds']:.3f} |" if "seconds" in a and "seconds" in b else " - |"
        per = ""
        if case == "chain" and "seconds" in med.get("jitprofile", {}):
            per = f" ({med['jitprofile']['seconds'] / n * 1e3:.2f} ms/function)"
        print(f"| {case} | {n} | " + " | ".join(fmt(med[i]) + (per if i == "jitprofile" else "") for i in impls)
              + " |" + ratio, flush=True)


if __name__ == "__main__":
    main()
