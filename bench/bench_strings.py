"""bench/bench_strings.py - owns the issue-11 string benchmark: CPython,
Numba and jitprofile side by side, in one process, on the kernels of
bench/kernels_strings.py (word count over split lines, a character loop
with `in`, building and joining str(i), find in a loop, replace + upper,
f-strings with float/int specs).  Every result is checked against
CPython's; times are the minimum over repeats.  Run it in .venv-bench
(bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_strings.py [--quick]
"""
import argparse
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))
from jitload import load_kernels  # noqa: E402

KERNELS = HERE / "kernels_strings.py"
IMPLS = ("cpython", "numba", "jitprofile")

LINE = "The quick brown fox jumps over the lazy dog; the end, or is it? "


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


def cases(scale):
    text = "\n".join([LINE * 4] * (500 * scale))
    return {
        "word count (split, strip, lower, ==)": lambda k: (lambda: k.word_count(text, "the")),
        "char loop with `in`": lambda k: (lambda: k.vowels(text)),
        "str(i) + join": lambda k: (lambda: k.build_join(20_000 * scale)),
        "find in a loop": lambda k: (lambda: k.find_all(text, "the")),
        "replace + upper": lambda k: (lambda: k.replace_upper(text)),
        "f-strings {:.3f} {:5d}": lambda k: (lambda: k.format_floats(5_000 * scale)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    scale = 1 if args.quick else 4
    print(f"| operation | CPython | Numba | jitprofile | jp / Numba | jp / CPython |")
    print("| --- | --- | --- | --- | --- | --- |")
    for case, make in cases(scale).items():
        times, want = {}, None
        for impl in IMPLS:
            k = load_kernels(jit_of(impl), f"{impl}_{abs(hash(case))}", path=KERNELS)
            run = make(k)
            try:
                got = run()
            except Exception as e:     # Numba lacks some (format specs in f-strings)
                times[impl] = None
                print(f"# {case}: {impl} cannot compile it: {type(e).__name__}: {str(e).splitlines()[0][:100]}")
                continue
            if impl == "cpython":
                want = got
            elif got != want:
                times[impl] = None
                print(f"# {case}: {impl} WRONG ({got} != {want})")
                continue
            times[impl] = best_time(run, 0.3 if args.quick else 1.0)
        c, nb, jp = times["cpython"], times.get("numba"), times.get("jitprofile")
        fmt = lambda t: "unsupported" if t is None else f"{t * 1e3:.2f} ms"
        ratio = lambda a, b: "-" if a is None or b is None else f"{a / b:.2f}"
        print(f"| {case} | {fmt(c)} | {fmt(nb)} | {fmt(jp)} | {ratio(jp, nb)} | {ratio(jp, c)} |")


if __name__ == "__main__":
    main()
