"""Overhead and accuracy of `python -m jitprofile record` (issue 4).

    python bench/bench_profiler.py [--repeat N] [--quick]

Overhead: wall time of a Mandelbrot pure-Python workload and a NumPy-heavy
workload, run as scripts: bare, under `jitprofile record` at 1000 Hz with
native stacks, under cProfile, and under py-spy / Scalene when they are on
PATH (install them in a separate bench venv; never runtime dependencies).
Accuracy: a 70% Python loop / 30% np.sort split, and a GIL-releasing native
thread beside a Python thread, attributed by jitprofile.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

MANDEL = textwrap.dedent("""
    def mandel(w=220, h=160, it=60):
        out = 0
        for y in range(h):
            for x in range(w):
                c = complex(-2 + 3 * x / w, -1.5 + 3 * y / h); z = 0j
                for i in range(it):
                    z = z * z + c
                    if z.real * z.real + z.imag * z.imag > 4: break
                out += i
        return out
    for _ in range(SCALE): mandel()
""")
NUMPY = textwrap.dedent("""
    import numpy as np
    rng = np.random.default_rng(0)
    a = rng.random(2_000_000)
    m = rng.random((400, 400))
    for _ in range(SCALE):
        np.sort(a); np.exp(a).sum(); m @ m; np.cumsum(a); np.argsort(a[:500_000])
""")
SPLIT = textwrap.dedent("""
    import time, json, sys, numpy as np
    import jitprofile
    a = np.random.default_rng(1).random(200_000)
    def py_loop(sec):
        end = time.thread_time() + sec
        s = 0
        while time.thread_time() < end:
            for i in range(1000): s += i * i
    def sort_loop(sec):
        end = time.thread_time() + sec
        while time.thread_time() < end: np.sort(a)
    with jitprofile.Profile(hz=1000) as p:
        for _ in range(10):
            py_loop(0.07); sort_loop(0.03)
    top = {r.name: r.total_pct for r in p.top(500)}
    print(json.dumps({"py_loop": top.get("py_loop", 0), "sort_loop": top.get("sort_loop", 0)}))
""")
THREAD = textwrap.dedent("""
    import threading, time, json, numpy as np
    import jitprofile
    a = np.random.default_rng(2).random(3_000_000)
    stop = threading.Event()
    def native():
        while not stop.is_set(): np.sort(a)
    def py(sec):
        end = time.thread_time() + sec
        while time.thread_time() < end: sum(range(500))
    t = threading.Thread(target=native, name="native")
    with jitprofile.Profile(hz=1000) as p:
        t0 = time.thread_time()
        t.start(); py(1.0); stop.set(); t.join()
    rows = {r["name"]: r for r in p.by_thread()}
    print(json.dumps({k: v["seconds"] for k, v in rows.items()}))
""")


def run(cmd, env=None):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"{cmd}: {r.stderr[-500:]}")
    return dt, r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    py = sys.executable
    tmp = tempfile.mkdtemp(prefix="jp-bench-")
    scale = 1 if args.quick else 10
    scripts = {}
    for name, src in (("wl_mandelbrot", MANDEL), ("wl_numpy", NUMPY)):
        p = os.path.join(tmp, name + ".py")
        with open(p, "w") as f:
            f.write(src.replace("SCALE", str(scale)))
        scripts[name] = p
    tools = {
        "none": lambda s: [py, s],
        "jitprofile@1kHz": lambda s: [py, "-m", "jitprofile", "record", "-r", "1000",
                                      "--format", "collapsed", "-o", os.devnull, s],
        "cProfile": lambda s: [py, "-m", "cProfile", "-o", os.devnull, s],
    }
    if shutil.which("py-spy"):
        tools["py-spy@1kHz(native)"] = lambda s: ["py-spy", "record", "-r", "1000", "--native",
                                                  "-o", os.devnull, "-f", "raw", "--", py, s]
    if shutil.which("scalene"):
        tools["scalene(cpu)"] = lambda s: ["scalene", "--cpu", "--cli", "--off", "--no-browser",
                                           "--outfile", os.devnull, s]
    results = {}
    for wname, script in scripts.items():
        for tname, mk in tools.items():
            times = []
            for _ in range(args.repeat):
                try:
                    times.append(run(mk(script))[0])
                except RuntimeError as e:
                    times = None
                    print(f"{tname} on {wname} failed: {e}", file=sys.stderr)
                    break
            results[(wname, tname)] = statistics.median(times) if times else None
    print(f"{'workload':<12} {'tool':<22} {'median s':>9} {'overhead':>9}")
    for (wname, tname), t in results.items():
        base = results[(wname, "none")]
        ov = f"{100 * (t / base - 1):+.1f}%" if t else "n/a"
        print(f"{wname:<12} {tname:<22} {t if t else float('nan'):9.3f} {ov:>9}")
    split = json.loads(run([py, "-c", SPLIT])[1])
    print(f"accuracy 70/30 split: py_loop {split['py_loop']:.1f}% (want 70), "
          f"sort_loop {split['sort_loop']:.1f}% (want 30)")
    thr = json.loads(run([py, "-c", THREAD])[1])
    print("GIL-releasing native thread, CPU seconds by thread:", thr)


if __name__ == "__main__":
    main()
