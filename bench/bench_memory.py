"""Overhead of allocation sampling (`record --memory`, Profile(memory=True))
on allocation-heavy workloads, beside memray and Scalene's memory profiler,
and its accuracy (issue 16, memory).

    python bench/bench_memory.py [--rounds 5] [--seconds 2] [--tools-venv .venv-bench]

Workloads (each a script run in a fresh process, warm-up first, then a
timed part that prints its own time):
  numpy   a NumPy loop: arrays of 4 KiB, 64 KiB and 1 MiB created, combined
          and dropped (np.ones, a * 2 + b, np.concatenate): ~10^5
          allocations per second through NumPy's allocator
  jit     an @njit function allocating arrays (np.ones, a * 2.0 + b) in a
          loop: the JIT runtime's allocator (jit/nrt.c)
Tools, interleaved one of each per round (load from other processes hits
them alike): bare; `record` (CPU sampling only); `record --memory`;
`memray run` (every allocation, no sampling); `scalene run` (Scalene 2's
default: CPU + memory, its allocations sampled).
Reported per workload and tool: the median timed part and process wall
time over the rounds, their spread, and the overhead against bare; the
memory-sampling cost proper is `record --memory` against `record`.
memray and Scalene come from --tools-venv (bench/setup_bench.sh), never from
jitprofile's dependencies; a tool that is missing is skipped with a note.

Accuracy: the numpy workload's known allocation (bytes per line) against
Profile.memory() in process.
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

NUMPY_WL = textwrap.dedent("""
    import sys, time
    import numpy as np
    def work(n):
        s = 0.0
        for i in range(n):
            a = np.ones(512)                  # 4 KiB
            b = np.ones(8192)                 # 64 KiB
            c = a * 2 + a[0]
            d = b * 2.0 + b
            e = np.concatenate((c, d))
            if i % 16 == 0:
                big = np.ones(131072)         # 1 MiB
                s += big[-1]
            s += e[0]
        return s
    n = int(sys.argv[1])
    work(n // 10)
    t = time.perf_counter()
    work(n)
    print("JPBENCH", time.perf_counter() - t, flush=True)
""")

JIT_WL = textwrap.dedent("""
    import sys, time
    import numpy as np
    from jitprofile import njit
    @njit
    def work(n):
        s = 0.0
        for i in range(n):
            a = np.ones(512)
            b = np.ones(8192)
            c = a * 2.0 + a
            d = b * 2.0 + b
            s += c[i % 512] + d[i % 8192]
            if i % 16 == 0:
                big = np.ones(131072)
                s += big[i % 131072]
        return s
    n = int(sys.argv[1])
    work(n // 10)
    t = time.perf_counter()
    work(n)
    print("JPBENCH", time.perf_counter() - t, flush=True)
""")

WORKLOADS = {"numpy": NUMPY_WL, "jit": JIT_WL}


def run(cmd, env=None):
    """(timed part s, wall s) of one run; raises on failure."""
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:5])}... exit {p.returncode}: {p.stderr[-600:]}")
    for line in p.stdout.splitlines():
        if line.startswith("JPBENCH"):
            return float(line.split()[1]), wall
    raise RuntimeError(f"{' '.join(cmd[:5])}: no timing line: {p.stdout[-400:]}")


def calibrate(py, script, seconds):
    n = 2000
    while True:
        part, _ = run([py, script, str(n)])
        if part >= seconds / 4 or n > 10**8:
            return max(1, int(n * seconds / max(part, 1e-3)))
        n *= 4


def tools(py, tools_py, out_dir):
    t = {"bare": lambda s, n: [py, s, str(n)],
         "record": lambda s, n: [py, "-m", "jitprofile", "record", "-o",
                                 os.path.join(out_dir, "cpu.json"), s, str(n)],
         "record --memory": lambda s, n: [py, "-m", "jitprofile", "record", "--memory",
                                          "-o", os.path.join(out_dir, "mem.json"), s, str(n)]}
    notes = []
    if tools_py and subprocess.run([tools_py, "-c", "import memray"],
                                   capture_output=True).returncode == 0:
        t["memray"] = lambda s, n: [tools_py, "-m", "memray", "run", "-q", "-f", "-o",
                                    os.path.join(out_dir, "memray.bin"), s, str(n)]
    else:
        notes.append("memray: not installed in the tools venv (bench/setup_bench.sh)")
    if tools_py and subprocess.run([tools_py, "-c", "import scalene"],
                                   capture_output=True).returncode == 0:
        t["scalene (cpu+mem)"] = lambda s, n: [tools_py, "-m", "scalene", "run", "-o",
                                               os.path.join(out_dir, "scalene.json"),
                                               s, "---", str(n)]
    else:
        notes.append("scalene: not installed in the tools venv (bench/setup_bench.sh)")
    return t, notes


INPROC = textwrap.dedent("""
    import json, statistics, sys, time
    import jitprofile
    from jitprofile import _core
    exec(compile(open(sys.argv[1]).read().split("n = int")[0], sys.argv[1], "exec"))
    n, rounds = int(sys.argv[2]), int(sys.argv[3])
    work(n // 10)
    out = {"cpu only": [], "cpu + memory": []}
    samples = 0
    for _ in range(rounds):
        for name, mem in (("cpu only", False), ("cpu + memory", True)):
            with jitprofile.Profile(memory=mem, args=None):
                t = time.process_time()     # CPU of every thread: load moves it less
                work(n)
                out[name].append(time.process_time() - t)
            if mem:
                samples += _core.memory_stats()["sampled"]
    print(json.dumps({"medians": {k: statistics.median(v) for k, v in out.items()},
                      "ratios": [m / c for c, m in zip(out["cpu only"], out["cpu + memory"])],
                      "samples_per_s": samples / sum(out["cpu + memory"])}))
""")


def inproc(py, script, n, rounds):
    """Profile() and Profile(memory=True) alternated in one process: the
    cost of memory sampling proper (process CPU time, the collector's
    included), without process start-up noise."""
    p = subprocess.run([py, "-c", INPROC, script, str(n), str(rounds)], capture_output=True,
                       text=True, timeout=1200)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-600:])
    return json.loads(p.stdout.splitlines()[-1])


PER_SAMPLE = textwrap.dedent("""
    import json, statistics, sys, time
    import numpy as np
    import jitprofile
    from jitprofile import _core, njit
    @njit
    def jit_alloc(n):
        s = 0.0
        for i in range(n):
            a = np.empty(8192)
            s += a.size
        return s
    def np_alloc(n):
        for i in range(n):
            np.empty(65536, dtype=np.uint8)
    jit_alloc(10)
    out = {}
    for name, fn, n in (("numpy", np_alloc, 100000), ("jit", jit_alloc, 100000)):
        cost = []
        for _ in range(5):
            t = {}
            for mem in (1 << 40, 65536):        # hooks on, no sample / a sample per alloc
                with jitprofile.Profile(memory=mem, args=None):
                    t0 = time.perf_counter()
                    fn(n)
                    t[mem] = time.perf_counter() - t0
                    if mem == 65536:
                        k = _core.memory_stats()["sampled"]
            cost.append((t[65536] - t[1 << 40]) / max(1, k))
        out[name] = statistics.median(cost)
    print(json.dumps(out))
""")


def per_sample(py):
    """Seconds one allocation sample (and the free of its block) costs."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(PER_SAMPLE)         # jit reads its functions' source from a file
    try:
        p = subprocess.run([py, f.name], capture_output=True, text=True, timeout=600)
    finally:
        os.unlink(f.name)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-600:])
    return json.loads(p.stdout.splitlines()[-1])


def accuracy(py):
    code = textwrap.dedent("""
        import json, numpy as np, jitprofile
        def f():
            keep = []
            for i in range(20000):
                if i % 100 == 0:
                    a = np.zeros(131072)      # BIG: 200 x 1 MiB, each dropped
                keep.append(np.zeros(512))    # SMALL: 20000 x 4 KiB, all kept
            return keep
        with jitprofile.Profile(memory=True) as p:
            f()
        rows = {r.line: (r.bytes, r.peak_bytes, r.count) for r in p.memory()}
        print(json.dumps(rows))
    """)
    lines = code.splitlines()
    big = 1 + next(i for i, ln in enumerate(lines) if "# BIG" in ln)
    small = 1 + next(i for i, ln in enumerate(lines) if "# SMALL" in ln)
    p = subprocess.run([py, "-c", code], capture_output=True, text=True, check=True)
    rows = {int(k): v for k, v in json.loads(p.stdout).items()}
    return [("1 MiB arrays, dropped", 200 * 1048576, 200, 1048576, rows.get(big, (0, 0, 0))),
            ("4 KiB arrays, kept", 20000 * 4096, 20000, 20000 * 4096,
             rows.get(small, (0, 0, 0)))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0, help="timed part of a bare run")
    ap.add_argument("--tools-venv", default=".venv-bench")
    ap.add_argument("--workloads", default="numpy,jit")
    a = ap.parse_args(argv)
    py = sys.executable
    tools_py = os.path.join(a.tools_venv, "bin", "python")
    tools_py = tools_py if os.path.exists(tools_py) else None
    out_dir = tempfile.mkdtemp(prefix="jp-bench-memory-")
    try:
        table, notes = tools(py, tools_py, out_dir)
        for n in notes:
            print("note:", n)
        rates = {}
        for wl in a.workloads.split(","):
            script = os.path.join(out_dir, f"wl_{wl}.py")
            with open(script, "w") as f:
                f.write(WORKLOADS[wl])
            n = calibrate(py, script, a.seconds)
            res = {k: [] for k in table}
            for _ in range(a.rounds):
                for name, cmd in table.items():
                    try:
                        res[name].append(run(cmd(script, n)))
                    except RuntimeError as e:
                        print(f"  {wl} / {name}: failed: {e}")
            base = statistics.median(r[0] for r in res["bare"])
            base_w = statistics.median(r[1] for r in res["bare"])
            cpu_only = statistics.median(r[0] for r in res["record"]) if res["record"] else base
            print(f"\n{wl}: n={n}, {a.rounds} rounds (median timed part; process wall)")
            print(f"  {'tool':<18} {'timed s':>8} {'spread':>15} {'vs bare':>8} "
                  f"{'wall s':>7} {'vs bare':>8}")
            for name, rows in res.items():
                if not rows:
                    continue
                part = [r[0] for r in rows]
                wall = [r[1] for r in rows]
                m, w = statistics.median(part), statistics.median(wall)
                print(f"  {name:<18} {m:8.3f} {min(part):7.3f}..{max(part):6.3f} "
                      f"{100 * (m / base - 1):+7.1f}% {w:7.2f} {100 * (w / base_w - 1):+7.1f}%")
            ip = inproc(py, script, n, 2 * a.rounds)
            rates[wl] = ip["samples_per_s"]
            r = sorted(ip["ratios"])
            print(f"  in process, alternated {2 * a.rounds} times: Profile(memory=True) / "
                  f"Profile() = {100 * (statistics.median(r) - 1):+.1f}% (median of the "
                  f"pairs; spread {100 * (r[0] - 1):+.1f}%..{100 * (r[-1] - 1):+.1f}%), "
                  f"{ip['samples_per_s']:.0f} allocation samples/s")
            if res["record --memory"]:
                mm = statistics.median(r[0] for r in res["record --memory"])
                print(f"  memory sampling proper (record --memory vs record): "
                      f"{100 * (mm / cpu_only - 1):+.1f}%")
        ps = per_sample(py)
        print(f"\ncost of one allocation sample and its free (a tight loop, median of 5): "
              f"NumPy {ps['numpy'] * 1e6:.2f} us, compiled code {ps['jit'] * 1e6:.2f} us")
        for wl, rate in rates.items():
            print(f"  {wl}: {rate:.0f} samples/s x {ps[wl] * 1e6:.2f} us = "
                  f"{100 * rate * ps[wl]:.1f}% of one core (the sampling cost, load-independent)")
        print("\naccuracy (Profile(memory=True), 256 KiB interval): known vs reported")
        for what, known, k_count, k_peak, (got, peak, count) in accuracy(py):
            print(f"  {what:<22} bytes {known / 1e6:7.2f} MB -> {got / 1e6:7.2f} MB "
                  f"({100 * (got / known - 1):+.1f}%); allocations {k_count} -> {count:.0f}; "
                  f"peak live {k_peak / 1e6:.2f} MB -> {peak / 1e6:.2f} MB")
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
