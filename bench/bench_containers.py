"""bench/bench_containers.py - owns the issue-11 container benchmark:
CPython, Numba and jitprofile side by side, in one process, on the kernels
of bench/kernels_containers.py:
  append loop       build a list of n floats with append, read it back;
  sort (jit list)   a list built from an array in jit code, list.sort();
  sort (reflected)  a Python list argument sorted in place (unbox, sort,
                    reflect back: what a Numba user gets from a plain list);
  sort (typed.List) typed.List sorted in jit code (the copy each run makes
                    is timed apart and subtracted);
  comprehension     [i * i for i in range(n) if ...] and sum();
  dict count        count the ints of an int array into a dict built in jit
                    code ({} then d[x] = d.get(x, 0) + 1), then a pass over it;
  word count        the same with string keys: split a text of n words (a
                    vocabulary of about n/10) and count them in a dict.
Every result is checked against CPython's.  Times are the minimum over
repeats; first-call latency (compile + one small call) is the median of
fresh processes.  Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_containers.py [--quick] [--json F]
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))
from jitload import load_kernels  # noqa: E402

KERNELS = HERE / "kernels_containers.py"
IMPLS = ("cpython", "numba", "jitprofile")


def jit_of(impl):
    if impl == "cpython":
        return None
    if impl == "numba":
        import numba
        return numba.njit
    from jitprofile import njit
    return njit


def best_time(run, min_total, min_reps=5, max_reps=500):
    times = []
    while len(times) < min_reps or (sum(times) < min_total and len(times) < max_reps):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def cases(n):
    rng = np.random.default_rng(0)
    a = rng.random(n)
    ints = rng.integers(0, max(n // 10, 1), n)     # about 10 of each key
    text = " ".join(f"w{x}" for x in rng.integers(0, max(n // 10, 1), n))
    return {
        "append loop": (lambda k: (lambda: k.append_loop(n))),
        "sort (jit list)": (lambda k: (lambda: k.sort_list(a))),
        "sort (reflected)": (lambda k: (lambda: k.sort_reflected(a.tolist()))),
        "comprehension": (lambda k: (lambda: k.comprehension(n))),
        "dict count": (lambda k: (lambda: k.dict_count(ints))),
        "word count": (lambda k: (lambda: k.word_count(text))),
    }


def typed_list_row(n, quick):
    """typed.List sorted in jit code: Numba's and jitprofile's (the sort of
    the list runtime, on a list shared with Python, not copied in)."""
    a = np.random.default_rng(0).random(n)
    row = {}
    for impl in ("numba", "jitprofile"):
        try:
            if impl == "numba":
                import numba as mod
                from numba import typed
            else:
                import jitprofile as mod
                from jitprofile import typed
        except ImportError:
            row[impl] = None
            continue

        @mod.njit
        def sort_typed(xs):
            xs.sort()
            return xs[0] + xs[-1]

        base = typed.List(a)
        got = sort_typed(base.copy())
        if abs(got - (a.min() + a.max())) > 1e-12:
            row[impl] = f"WRONG ({got})"
            continue
        t = best_time(lambda: sort_typed(base.copy()), 0.2 if quick else 1.0)
        copy_only = best_time(lambda: base.copy(), 0.2 if quick else 1.0)
        row[impl] = max(t - copy_only, 0.0)
    return row


FIRST_CALL = r'''
import json, sys, time
sys.path.insert(0, {examples!r}); sys.path.insert(0, {here!r})
t0 = time.perf_counter()
if {impl!r} == "numba":
    import numba; jit = numba.njit
else:
    from jitprofile import njit as jit
import numpy as np
from jitload import load_kernels
k = load_kernels(jit, "fc", path={kernels!r})
t1 = time.perf_counter()
{call}
t2 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "first_call": t2 - t1}}))
'''

FIRST_CALLS = {
    "append loop": "k.append_loop(100)",
    "sort (jit list)": "k.sort_list(np.arange(10.0))",
    "sort (reflected)": "k.sort_reflected([3.0, 1.0, 2.0])",
    "comprehension": "k.comprehension(100)",
    "dict count": "k.dict_count(np.arange(10))",
    "word count": "k.word_count('a b a c')",
}


def first_call(impl, case, runs):
    src = FIRST_CALL.format(examples=str(HERE.parent / "examples"), here=str(HERE), impl=impl,
                            kernels=str(KERNELS), call=FIRST_CALLS[case])
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True)
        if out.returncode != 0:
            return None
        times.append(json.loads(out.stdout.strip().splitlines()[-1])["first_call"])
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    n = 100_000 if args.quick else 1_000_000
    table = {}
    for case, make in cases(n).items():
        row, want = {}, None
        for impl in IMPLS:
            k = load_kernels(jit_of(impl), f"{impl}_{case.split()[0]}", path=KERNELS)
            run = make(k)
            got = run()
            if impl == "cpython":
                want = got
            elif abs(got - want) > 1e-9 * max(1.0, abs(want)):
                row[impl] = f"WRONG ({got} != {want})"
                continue
            row[impl] = best_time(run, 0.3 if impl == "cpython" else (0.3 if args.quick else 1.0),
                                  min_reps=3 if impl == "cpython" else 5)
        table[case] = row
    table["sort (typed.List)"] = dict(cpython=None, **typed_list_row(n, args.quick))
    runs = 3 if args.quick else 5
    fc = {case: {impl: first_call(impl, case, runs) for impl in ("numba", "jitprofile")} for case in FIRST_CALLS}

    def fmt(v):
        if v is None:
            return "-"
        if isinstance(v, str):
            return v
        return f"{v * 1e3:.3f} ms"

    print(f"n = {n}")
    print(f"{'case':20} {'CPython':>12} {'Numba':>12} {'jitprofile':>12} {'jp/Numba':>9} {'jp/CPython':>10}")
    for case, row in table.items():
        jp, nb, cp = row.get("jitprofile"), row.get("numba"), row.get("cpython")
        r1 = f"{jp / nb:.2f}x" if isinstance(jp, float) and isinstance(nb, float) and nb else "-"
        r2 = f"{jp / cp:.3f}x" if isinstance(jp, float) and isinstance(cp, float) and cp else "-"
        print(f"{case:20} {fmt(cp):>12} {fmt(nb):>12} {fmt(jp):>12} {r1:>9} {r2:>10}")
    print("\nfirst call (compile + one small call), median of fresh processes:")
    for case, row in fc.items():
        nb, jp = row["numba"], row["jitprofile"]
        ratio = f"{jp / nb:.3f}x" if nb and jp else "-"
        print(f"{case:20} Numba {fmt(nb):>12}  jitprofile {fmt(jp):>12}  jp/Numba {ratio}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"n": n, "times": table, "first_call": fc}, indent=1))


if __name__ == "__main__":
    main()
