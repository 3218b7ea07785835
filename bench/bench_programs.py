"""bench/bench_programs.py - owns the corpus benchmark of issues 11/12: every
program in tests/programs (real Numba programs, written as their users write
them) run under jitprofile and under Numba, side by side, alternating fresh
processes of each.  Per program and JIT: whether it runs, the first call of
main() (compile + one run) and the best warm main() over repeats.  Ratios are
jitprofile / Numba (below 1: jitprofile is faster).

With --advise it measures the advisor instead: each program runs as plain
Python (NUMBA_DISABLE_JIT=1: the decorators return the Python functions, so
the program is what its author had before adding @jit), profiled with
argument recording for at least half a second of repeated main() calls; then
jitprofile.advise() ranks its suggestions.  A program counts as "applied"
when at least one `jit` suggestion is applicable (compiles, same results on
the recorded arguments, not slower).  Run it in .venv-bench
(bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_programs.py [--repeat N] [--rounds R] [--json F]
    .venv-bench/bin/python bench/bench_programs.py --advise
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
PROGRAMS = HERE.parent / "tests" / "programs"

CHILD = r"""
import importlib, json, sys, time
name, repeat = sys.argv[1], int(sys.argv[2])
t0 = time.perf_counter()
try:
    module = importlib.import_module(name)
    module.main()
except Exception as exc:
    print(json.dumps({"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"}))
    sys.exit(0)
first = time.perf_counter() - t0
best = float("inf")
for _ in range(repeat):
    t = time.perf_counter()
    module.main()
    best = min(best, time.perf_counter() - t)
print(json.dumps({"first": first, "warm": best}))
"""


ADVISE_CHILD = r"""
import importlib, json, sys, time
import jitprofile
name = sys.argv[1]
module = importlib.import_module(name)
with jitprofile.Profile(args="exact") as prof:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.5:
        module.main()
out = []
for s in jitprofile.advise(prof):
    if s.kind == "jit":
        out.append({"function": s.function, "applicable": bool(s.applicable),
                    "speedup": s.speedup, "reason": (s.reason or "").split("\n")[0][:160]})
print(json.dumps(out))
"""


def advise(name):
    env = dict(os.environ, PROGRAM_BACKEND="jitprofile", PYTHONPATH=str(PROGRAMS),
               NUMBA_DISABLE_JIT="1")
    proc = subprocess.run([sys.executable, "-c", ADVISE_CHILD, name], cwd=PROGRAMS, env=env,
                          capture_output=True, text=True, timeout=900)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("[")]
    if proc.returncode != 0 or not lines:
        return {"error": f"rc {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"}
    return {"suggestions": json.loads(lines[-1])}


def advise_all(names, json_path):
    rows = []
    for name in names:
        r = advise(name)
        r["program"] = name
        rows.append(r)
        if "error" in r:
            print(f"{name:16} error: {r['error']}")
            continue
        ok = [s for s in r["suggestions"] if s["applicable"]]
        best = max((s["speedup"] or 0 for s in ok), default=None)
        what = (f"applied ({', '.join(s['function'] for s in ok)}; best {best:.1f}x)" if ok
                else "not applied: " + ("; ".join(f"{s['function']}: {s['reason']}"
                                                 for s in r["suggestions"]) or "no jit suggestion"))
        print(f"{name:16} {what}")
    applied = sum(1 for r in rows if any(s["applicable"] for s in r.get("suggestions", [])))
    print(f"\nadvise could apply @jit to {applied} of {len(rows)} programs")
    if json_path:
        pathlib.Path(json_path).write_text(json.dumps(rows, indent=1))


def measure(name, backend, repeat):
    env = dict(os.environ, PROGRAM_BACKEND=backend, PYTHONPATH=str(PROGRAMS))
    env.pop("NUMBA_DISABLE_JIT", None)
    proc = subprocess.run([sys.executable, "-c", CHILD, name, str(repeat)], cwd=PROGRAMS,
                          env=env, capture_output=True, text=True, timeout=900)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": f"rc {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"}
    return json.loads(lines[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3, help="fresh processes per JIT")
    ap.add_argument("--json")
    ap.add_argument("--advise", action="store_true", help="measure the advisor instead")
    ap.add_argument("programs", nargs="*", help="only these programs")
    args = ap.parse_args()
    names = args.programs or sorted(p.stem for p in PROGRAMS.glob("*.py")
                                    if not p.stem.startswith("_"))
    if args.advise:
        advise_all(names, args.json)
        return
    rows = []
    print(f"{'program':16} {'jitprofile':>10} {'numba':>10} {'warm x':>7} {'first x':>8}  notes")
    for name in names:
        runs = {"jitprofile": [], "numba": []}
        for _ in range(args.rounds):
            for backend in runs:
                runs[backend].append(measure(name, backend, args.repeat))
        row = {"program": name}
        for backend, rs in runs.items():
            ok = [r for r in rs if "error" not in r]
            row[backend] = ({"warm_ms": 1e3 * min(r["warm"] for r in ok),
                             "first_ms": 1e3 * statistics.median(r["first"] for r in ok)}
                            if ok else {"error": rs[0]["error"]})
        jp, nb = row["jitprofile"], row["numba"]
        note = jp.get("error") or nb.get("error") or ""
        if "error" in jp or "error" in nb:
            print(f"{name:16} {'fails' if 'error' in jp else 'runs':>10} "
                  f"{'fails' if 'error' in nb else 'runs':>10} {'':>7} {'':>8}  {note}")
        else:
            row["warm_ratio"] = jp["warm_ms"] / nb["warm_ms"]
            row["first_ratio"] = jp["first_ms"] / nb["first_ms"]
            print(f"{name:16} {jp['warm_ms']:9.2f}ms {nb['warm_ms']:8.2f}ms "
                  f"{row['warm_ratio']:7.2f} {row['first_ratio']:8.3f}")
        rows.append(row)
    ran = sum("error" not in r["jitprofile"] for r in rows)
    ran_nb = sum("error" not in r["numba"] for r in rows)
    both = [r for r in rows if "warm_ratio" in r]
    print(f"\nruns under jitprofile: {ran}/{len(rows)}; under Numba: {ran_nb}/{len(rows)}")
    if both:
        gm = statistics.geometric_mean(r["warm_ratio"] for r in both)
        gf = statistics.geometric_mean(r["first_ratio"] for r in both)
        print(f"geometric mean over {len(both)} programs: warm {gm:.2f}x Numba's time, "
              f"first call {gf:.3f}x")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
