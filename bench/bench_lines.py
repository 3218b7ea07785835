"""Line attribution (issue 16): what it costs and how right it is, beside
py-spy and Scalene on the same workload.

    .venv-bench/bin/python bench/bench_lines.py [--seconds 3] [--repeat 3]
                                                [--tools-venv .venv-bench]

The workload mixes the three kinds of code a line can be in: a Python loop,
NumPy calls and a jitted loop.  In each, two lines do the same work per
iteration, one three times as often as the other (# A3 and # A1), so the
right answer is known: the A3 line holds 75% of the pair's time.  Each tool
profiles the same script (one process each, interleaved rounds):

- none: the plain run;
- jitprofile record: the CLI, text report (lines are always sampled: a
  frame is a function and a line);
- jitprofile record --lines: the same plus the annotated source (time per
  line computed from the profile);
- py-spy record (1 kHz, raw output with line numbers);
- scalene --cpu-only (its JSON per-line CPU percentages).

Accuracy: for each pair, the A3 line's share of the pair as each tool
reports it (py-spy and Scalene cannot see inside jitted code: the JIT pair
is n/a for them).  Overhead: median CPU time of the tool's process tree
(the workload and the profiler's own threads and processes) against the
plain run; wall time beside it (meaningless on a loaded machine).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOAD = r'''
import math, sys
import numpy as np
from jitprofile import njit


def py_work(n):
    s = 0.0
    for i in range(3 * n):
        s += math.sin(i * 1e-3) * math.cos(i * 2e-3)    # PY A3
    for i in range(n):
        s += math.sin(i * 3e-3) * math.cos(i * 4e-3)    # PY A1
    return s


def np_work(x3, x1):
    a = float(np.sin(x3).sum() + np.cos(x3).sum())     # NP A3
    b = float(np.sin(x1).sum() + np.cos(x1).sum())     # NP A1
    return a + b


@njit
def jit_work(n):
    s = 0.0
    for i in range(3 * n):
        s += math.sin(i * 1e-3) * math.cos(i * 2e-3)    # JIT A3
    for i in range(n):
        s += math.sin(i * 3e-3) * math.cos(i * 4e-3)    # JIT A1
    return s


def main(r_py, r_np, r_jit):
    jit_work(10)
    x1 = np.linspace(0.0, 1.0, 200_000)
    x3 = np.linspace(0.0, 1.0, 600_000)
    t = 0.0
    for _ in range(r_py):
        t += py_work(20_000)
    for _ in range(r_np):
        t += np_work(x3, x1)
    for _ in range(r_jit):
        t += jit_work(500_000)
    return t


def calibrate():
    """CPU seconds of one round of each part, in this process."""
    import time
    jit_work(10)
    x1 = np.linspace(0.0, 1.0, 200_000)
    x3 = np.linspace(0.0, 1.0, 600_000)
    out = []
    for fn, args in ((py_work, (20_000,)), (np_work, (x3, x1)), (jit_work, (500_000,))):
        fn(*args)
        t = time.process_time()
        k = 0
        while time.process_time() - t < 0.3:
            fn(*args)
            k += 1
        out.append((time.process_time() - t) / k)
    print(*out)


if __name__ == "__main__":
    if sys.argv[1] == "calibrate":
        calibrate()
    else:
        main(*(int(a) for a in sys.argv[1:4]))
'''

PAIRS = ("PY", "NP", "JIT")


def marker_lines(script: str) -> dict[str, int]:
    """{"PY A3": line, ...} of the workload."""
    out = {}
    with open(script) as f:
        for n, text in enumerate(f, 1):
            for kind in PAIRS:
                for a in ("A3", "A1"):
                    if f"# {kind} {a}" in text:
                        out[f"{kind} {a}"] = n
    return out


def run(cmd, env=None):
    """(wall s, CPU s of the process and the children it waited for, stdout)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    ru_children = __import__("resource").getrusage(__import__("resource").RUSAGE_CHILDREN)
    cpu = ru_children.ru_utime + ru_children.ru_stime - run.cpu_seen
    run.cpu_seen = ru_children.ru_utime + ru_children.ru_stime
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:5])}... exit {proc.returncode}: "
                           f"{err.decode(errors='replace')[-600:]}")
    return wall, cpu, out.decode(errors="replace")


run.cpu_seen = 0.0


def calibrate(py, script, seconds):
    """Rounds of each part that take about seconds/3 of CPU each (timed in
    the workload's own process, on CPU time: a loaded machine still gives
    the same work to every tool)."""
    _w, _c, out = run([py, script, "calibrate"])
    per = [float(x) for x in out.split()]
    return [max(1, round(seconds / 3 / p)) for p in per]


def shares_jitprofile(path, file, marks):
    from jitprofile.profile import Profile
    with open(path) as f:
        prof = Profile.from_dict(json.load(f))
    by_line = {}
    for r in prof.lines():
        if os.path.abspath(r.file) == os.path.abspath(file):
            by_line[r.line] = by_line.get(r.line, 0) + r.self_samples
    return {k: by_line.get(marks[f"{k} A3"], 0) / max(1, by_line.get(marks[f"{k} A3"], 0)
                                                       + by_line.get(marks[f"{k} A1"], 0))
            if by_line.get(marks[f"{k} A3"], 0) + by_line.get(marks[f"{k} A1"], 0) else None
            for k in PAIRS}


def shares_pyspy(path, file, marks):
    """py-spy raw: 'frame;frame;... count', frames 'func (file:line)'; the
    leaf frame of the workload's file owns the sample."""
    by_line = {}
    base = os.path.basename(file)
    with open(path) as f:
        for row in f:
            stack, _, count = row.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            line = None
            for fr in stack.split(";"):
                if f"({base}:" in fr or f"({file}:" in fr:
                    try:
                        line = int(fr.rsplit(":", 1)[1].rstrip(")"))
                    except ValueError:
                        pass
            if line is not None:
                by_line[line] = by_line.get(line, 0) + int(count)
    return _pair_shares(by_line, marks)


def shares_scalene(path, file, marks):
    with open(path) as f:
        doc = json.load(f)
    by_line = {}
    for fname, fd in doc.get("files", {}).items():
        if os.path.basename(fname) != os.path.basename(file):
            continue
        for ln in fd.get("lines", []):
            by_line[ln["lineno"]] = (ln.get("n_cpu_percent_python", 0.0)
                                     + ln.get("n_cpu_percent_c", 0.0)
                                     + ln.get("n_sys_percent", 0.0))
    return _pair_shares(by_line, marks)


def _pair_shares(by_line, marks):
    out = {}
    for k in PAIRS:
        a3, a1 = by_line.get(marks[f"{k} A3"], 0), by_line.get(marks[f"{k} A1"], 0)
        out[k] = a3 / (a3 + a1) if a3 + a1 > 0 else None
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tools-venv", default=".venv-bench")
    args = ap.parse_args()
    py = sys.executable
    tmp = tempfile.mkdtemp(prefix="jp-lines-")
    script = os.path.join(tmp, "lines_wl.py")
    with open(script, "w") as f:
        f.write(WORKLOAD)
    marks = marker_lines(script)
    rounds = [str(r) for r in calibrate(py, script, args.seconds)]
    tv = os.path.join(args.tools_venv, "bin")
    out = {name: os.path.join(tmp, name) for name in ("jp.json", "pyspy.txt", "scalene.json")}
    tools = {
        "none": ([py, script] + rounds, None),
        "jitprofile record": ([py, "-m", "jitprofile", "record", "-o", out["jp.json"],
                               "--format", "json", script] + rounds, "jp"),
        "jitprofile record --lines": ([py, "-m", "jitprofile", "record", "--lines", "",
                                       script] + rounds, None),
    }
    if os.path.exists(os.path.join(tv, "py-spy")):
        tools["py-spy 1kHz"] = ([os.path.join(tv, "py-spy"), "record", "-r", "1000", "-f", "raw",
                                 "-o", out["pyspy.txt"], "--", py, script] + rounds, "pyspy")
    if os.path.exists(os.path.join(tv, "scalene")):
        tools["scalene --cpu-only"] = ([os.path.join(tv, "scalene"), "run", "--cpu-only",
                                        "-o", out["scalene.json"], script] + rounds, "scalene")
    print(f"machine: {os.cpu_count()} CPUs, load avg {os.getloadavg()[0]:.2f}, Python "
          f"{sys.version.split()[0]}; workload rounds (py, numpy, jit) = {', '.join(rounds)} "
          f"(~{args.seconds:.0f} s); {args.repeat} interleaved rounds", flush=True)
    walls = {t: [] for t in tools}
    cpus = {t: [] for t in tools}
    acc = {t: [] for t in tools}
    for _ in range(args.repeat):
        for name, (cmd, kind) in tools.items():
            try:
                w, c, _o = run(cmd)
            except RuntimeError as e:
                print(f"  {name}: failed: {e}")
                continue
            walls[name].append(w)
            cpus[name].append(c)
            print(f"  {name}: {w:.2f} s wall, {c:.2f} s CPU", flush=True)
            if kind == "jp":
                acc[name].append(shares_jitprofile(out["jp.json"], script, marks))
            elif kind == "pyspy":
                acc[name].append(shares_pyspy(out["pyspy.txt"], script, marks))
            elif kind == "scalene":
                acc[name].append(shares_scalene(out["scalene.json"], script, marks))
    base = statistics.median(cpus["none"])
    wbase = statistics.median(walls["none"])
    print(f"\n{'tool':<28} {'CPU median (min..max)':>26} {'CPU ovh':>8} {'wall ovh':>8}   "
          + "   ".join(f"{k} A3 share" for k in PAIRS) + "   (right answer: 75%)")
    for name in tools:
        if not walls[name]:
            continue
        w = cpus[name]
        cells = []
        for k in PAIRS:
            vals = [a[k] for a in acc[name] if a.get(k) is not None]
            cells.append(f"{100 * statistics.median(vals):9.1f}%   " if vals else
                         ("          -   " if not acc[name] else "        n/a   "))
        print(f"{name:<28} {statistics.median(w):8.3f} s ({min(w):6.3f}..{max(w):6.3f}) "
              f"{100 * (statistics.median(w) / base - 1):+7.1f}% "
              f"{100 * (statistics.median(walls[name]) / wbase - 1):+7.1f}%   " + "".join(cells))


if __name__ == "__main__":
    main()
