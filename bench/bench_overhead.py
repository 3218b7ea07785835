"""Overhead of `python -m jitprofile record` at 1000 Hz on a long pure-Python
Mandelbrot run, split into a fixed start-up cost and a per-sample cost,
beside py-spy and Scalene (issue 4).

    python bench/bench_overhead.py [--seconds 6] [--repeat 5] [--tools-venv .venv-tools]
                                   [--workload mandel|churn]

--workload churn (issue 16) is code-object churn: each unit compile()s and
exec's 3,000 small functions (a sixth of the issue's script, which does it
six times), as imports, templating, eval-heavy code and re-run notebook
cells do; it measured the code-object deallocation hook, which used to
drain every ring for each freed code object (2.4x slower under record).

Each tool runs the same script in a fresh process; the runs are interleaved
(one of each tool per round) so that load from other processes hits them
alike.  Reported per tool: the median wall time and CPU time (user + system
of the process tree, from wait4) over the rounds, their spread (min..max),
and the overhead against the bare run.  The fixed cost is the same
measurement on an empty script; the per-sample cost comes from the
sampler's own counters (time inside the signal handler, time the collector
held the GIL) in an in-process run.  py-spy and Scalene are taken from
--tools-venv (a benchmark-only venv: `python -m venv .venv-tools &&
.venv-tools/bin/pip install py-spy scalene`), never from jitprofile's deps.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

WORKLOAD = textwrap.dedent("""
    import sys, time
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
    n = int(sys.argv[1])
    for _ in range(n):
        mandel()
""")

CHURN = textwrap.dedent("""
    import sys
    def mandel(rounds=1, n=3000):
        # code-object churn (named mandel for the in-process runner)
        for r in range(rounds):
            ns = {}
            for i in range(n):
                src = f"def f_{i}(x, y=2):\\n    z = x * {i} + y\\n    return z - {r}\\n"
                exec(compile(src, f"<gen {r} {i}>", "exec"), ns)
            ns.clear()
    n = int(sys.argv[1])
    for _ in range(n):
        mandel()
""")

WORKLOADS = {"mandel": WORKLOAD, "churn": CHURN}

INPROC = textwrap.dedent("""
    import json, sys, time
    import jitprofile
    from jitprofile import _core
    exec(compile(open(sys.argv[1]).read().split("n = int")[0], "wl", "exec"))
    hz, wall, native, n = int(sys.argv[2]), sys.argv[3] == "wall", sys.argv[4] == "native", int(sys.argv[5])
    with jitprofile.Profile(hz=hz, wall=wall, native=native) as p:
        t0 = time.thread_time()
        for _ in range(n):
            mandel()
        cpu = time.thread_time() - t0
    st = _core.sampler_stats()
    print(json.dumps({"cpu_s": cpu, "signals": st["handler_calls"],
                      "weighted": sum(t[3] for t in p.data.threads()),
                      "handler_ns": st["handler_ns"], "drains": st["drains"],
                      "drain_ns": st["drain_ns"]}))
""")


def run(cmd):
    """(wall s, cpu s of the process tree) of one run; raises on failure."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]}... exit {proc.returncode}: {err[-400:]}")
    return wall, ru.ru_utime + ru.ru_stime


def calibrate(py, script, seconds):
    """Rounds of mandel() that take about `seconds` here."""
    t = time.perf_counter()
    subprocess.run([py, script, "3"], check=True)
    per = (time.perf_counter() - t) / 3
    return max(1, round(seconds / per))


def summarize(xs):
    return statistics.median(xs), min(xs), max(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tools-venv", default=".venv-tools")
    ap.add_argument("--workload", choices=sorted(WORKLOADS), default="mandel")
    args = ap.parse_args()
    py = sys.executable
    tmp = tempfile.mkdtemp(prefix="jp-overhead-")
    script = os.path.join(tmp, "mandel_wl.py")
    empty = os.path.join(tmp, "empty.py")
    with open(script, "w") as f:
        f.write(WORKLOADS[args.workload])
    with open(empty, "w") as f:
        f.write("import sys\n")
    inproc = os.path.join(tmp, "inproc.py")
    with open(inproc, "w") as f:
        f.write(INPROC)
    n = calibrate(py, script, args.seconds)
    tv = os.path.join(args.tools_venv, "bin")
    tools = {
        "none": lambda s, a: [py, s, a],
        "jitprofile 1kHz native": lambda s, a: [
            py, "-m", "jitprofile", "record", "-r", "1000", "--format", "collapsed",
            "-o", os.devnull, s, a],
        "jitprofile 1kHz no-native": lambda s, a: [
            py, "-m", "jitprofile", "record", "-r", "1000", "--no-native",
            "--format", "collapsed", "-o", os.devnull, s, a],
        "jitprofile 1kHz wall native": lambda s, a: [
            py, "-m", "jitprofile", "record", "-r", "1000", "--wall", "--format",
            "collapsed", "-o", os.devnull, s, a],
    }
    if os.path.exists(os.path.join(tv, "py-spy")):
        tools["py-spy 1kHz"] = lambda s, a: [
            os.path.join(tv, "py-spy"), "record", "-r", "1000", "-o", os.devnull,
            "-f", "raw", "--", py, s, a]
        tools["py-spy 1kHz native"] = lambda s, a: [
            os.path.join(tv, "py-spy"), "record", "-r", "1000", "--native",
            "-o", os.devnull, "-f", "raw", "--", py, s, a]
    if os.path.exists(os.path.join(tv, "scalene")):
        out = os.path.join(tmp, "scalene.json")
        tools["scalene --cpu-only"] = lambda s, a: [
            os.path.join(tv, "scalene"), "run", "--cpu-only", "-o", out, s, a]
    print(f"machine: {os.cpu_count()} CPUs, {os.uname().release}, Python "
          f"{sys.version.split()[0]}; workload: {n} x {args.workload} unit (~{args.seconds:.0f} s); "
          f"{args.repeat} interleaved rounds; load avg {os.getloadavg()[0]:.2f}")
    res = {(w, t): [] for w in ("mandel", "empty") for t in tools}
    for _ in range(args.repeat):
        for tname, mk in tools.items():
            res[("mandel", tname)].append(run(mk(script, str(n))))
            try:
                res[("empty", tname)].append(run(mk(empty, "0")))
            except RuntimeError:        # py-spy: the process ended before it attached
                pass
    print(f"{'tool':<28} {'wall median (min..max)':>28} {'ovh':>7} "
          f"{'cpu median (min..max)':>28} {'ovh':>7} {'fixed wall':>10}")
    base_w = statistics.median(w for w, _ in res[("mandel", "none")])
    base_c = statistics.median(c for _, c in res[("mandel", "none")])
    empty_w = statistics.median(w for w, _ in res[("empty", "none")])
    for tname in tools:
        w = summarize([x[0] for x in res[("mandel", tname)]])
        c = summarize([x[1] for x in res[("mandel", tname)]])
        fixed = (statistics.median(x[0] for x in res[("empty", tname)]) - empty_w
                 if res[("empty", tname)] else float("nan"))
        print(f"{tname:<28} {w[0]:8.3f} s ({w[1]:6.3f}..{w[2]:6.3f}) "
              f"{100 * (w[0] / base_w - 1):+6.1f}% "
              f"{c[0]:8.3f} s ({c[1]:6.3f}..{c[2]:6.3f}) {100 * (c[0] / base_c - 1):+6.1f}% "
              f"{fixed:+9.3f} s")
    print("per-sample cost (in-process, counters of the sampler):")
    for mode in (("1000", "cpu", "native"), ("1000", "wall", "native"),
                 ("1000", "wall", "nonative")):
        import json
        r = subprocess.run([py, inproc, script, *mode, str(max(1, n // 3))],
                           capture_output=True, text=True, check=True)
        d = json.loads(r.stdout)
        sig = max(1, d["signals"])
        print(f"  {' '.join(mode):<18} {d['signals'] / d['cpu_s']:7.0f} signals/CPU-s, "
              f"handler {d['handler_ns'] / 1e3 / sig:6.2f} us/signal "
              f"({100 * d['handler_ns'] / 1e9 / d['cpu_s']:.2f}% of the thread's CPU), "
              f"collector held the GIL {d['drain_ns'] / 1e3 / sig:6.2f} us/signal "
              f"({100 * d['drain_ns'] / 1e9 / d['cpu_s']:.2f}%)")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
