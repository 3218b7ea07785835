"""bench/bench_scalar.py - owns the issue-2 scalar benchmark: CPython,
Numba and jitprofile side by side, in one run, on
  (a) the seed's Mandelbrot (examples/mandelbrot.py), 300x200 grid, 20
      iterations: the image variant (create_fractal fills a uint8 array) and
      the scalar variant (create_fractal_sum: no arrays);
  (b) the first call of `mandel` in a fresh process (compile latency), and
      each package's import time: medians of 5 processes (bench/first_call.py);
  (c) the cost of calling a jitted add(1, 2) against a plain Python add.
Prints one table of absolute times and time ratios.  Run it in .venv-bench
(bench/setup_bench.sh):   .venv-bench/bin/python bench/bench_scalar.py
An implementation that is absent, or that cannot compile a case, is
reported as such ('unavailable', 'unsupported'); results are checked
against CPython's.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time
import timeit

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
from jitload import load_kernels  # noqa: E402

WIDTH, HEIGHT, ITERS = 300, 200, 20
BOUNDS = (-2.0, 1.0, -1.0, 1.0)
IMPLS = ("cpython", "numba", "jitprofile")


class Outcome:
    """One cell of the table: a time in seconds, or why there is none."""

    def __init__(self, seconds=None, why=None):
        self.seconds, self.why = seconds, why

    def to_json(self):
        return {"seconds": self.seconds, "why": self.why}


def short(exc):
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


def jit_of(impl):
    """The decorator of impl, or an Outcome saying why it is unavailable."""
    if impl == "cpython":
        return None
    try:
        if impl == "numba":
            import numba
            return numba.njit
        from jitprofile import njit
        return njit
    except ImportError as exc:
        return Outcome(why=f"unavailable ({short(exc)})")


def best_time(func, args, min_total=0.5, min_reps=3, max_reps=200):
    """Min over repeats of one call's time (repeats until min_total s)."""
    times = []
    while len(times) < min_reps or (sum(times) < min_total and len(times) < max_reps):
        t0 = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


def image_run(kernels):
    image = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)

    def run():
        kernels.create_fractal(*BOUNDS, image, ITERS)
    return run, lambda: int(image.sum(dtype=np.int64))


def scalar_run(kernels):
    box = {}

    def run():
        box["sum"] = kernels.create_fractal_sum(WIDTH, HEIGHT, ITERS)
    return run, lambda: box["sum"]


def bench_mandelbrot(impl, variant, want, quick):
    """(a): returns (Outcome, checksum)."""
    jit = jit_of(impl)
    if isinstance(jit, Outcome):
        return jit, None
    kernels = load_kernels(jit, f"{impl}_{variant}")
    run, checksum = (image_run if variant == "image" else scalar_run)(kernels)
    try:
        run()  # compiles the jitted versions
    except Exception as exc:
        return Outcome(why=f"unsupported ({short(exc)})"), None
    got = checksum()
    if want is not None and got != want:
        return Outcome(why=f"WRONG result {got} (CPython: {want})"), got
    seconds = best_time(run, (), min_total=0.2 if quick else 1.0)
    return Outcome(seconds), got


def bench_first_call(impl, processes):
    """(b): medians over fresh processes of import, define, first call."""
    samples = []
    for _ in range(processes):
        proc = subprocess.run([sys.executable, str(HERE / "first_call.py"), impl],
                              capture_output=True, text=True, timeout=300)
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines:
            why = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return {k: Outcome(why=f"failed ({why})") for k in ("import_s", "define_s", "first_call_s")}
        sample = json.loads(lines[-1])
        if "error" in sample:
            why = sample["error"]
            label = "unavailable" if "Import" in why else "unsupported"
            return {k: Outcome(why=f"{label} ({why})") for k in ("import_s", "define_s", "first_call_s")}
        samples.append(sample)
    return {k: Outcome(statistics.median(s[k] for s in samples))
            for k in ("import_s", "define_s", "first_call_s")}


def bench_call(impl, quick):
    """(c): min-of-repeats time of one add(1, 2) call."""
    jit = jit_of(impl)
    if isinstance(jit, Outcome):
        return jit
    kernels = load_kernels(jit, f"{impl}_call", path=HERE / "kernels_call.py")
    add = kernels.add
    try:
        if add(1, 2) != 3:
            return Outcome(why="WRONG result")
    except Exception as exc:
        return Outcome(why=f"unsupported ({short(exc)})")
    number = 20_000 if quick else 200_000
    times = timeit.repeat("add(1, 2)", globals={"add": add}, number=number,
                          repeat=3 if quick else 7)
    return Outcome(min(times) / number)


def machine():
    model = platform.processor() or "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    versions = {"python": sys.version.split()[0], "numpy": np.__version__}
    for name in ("numba", "jitprofile"):
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            versions[name] = "absent"
    return {"cpu": model, "cores": os.cpu_count(),
            "date": datetime.date.today().isoformat(), **versions}


def fmt_time(outcome, unit):
    scale = {"ms": 1e3, "ns": 1e9}[unit]
    if outcome.seconds is None:
        return outcome.why.split(" (")[0]
    return f"{outcome.seconds * scale:.2f} {unit}" if unit == "ms" else f"{outcome.seconds * scale:.0f} {unit}"


def fmt_ratio(a, b):
    if a.seconds is None or b.seconds is None or b.seconds == 0:
        return "-"
    return f"{a.seconds / b.seconds:.3g}"


def print_table(rows, info):
    print(f"\nmachine: {info['cpu']}, {info['cores']} cores; {info['date']}; "
          f"Python {info['python']}, NumPy {info['numpy']}, "
          f"Numba {info['numba']}, jitprofile {info['jitprofile']}")
    head = ["benchmark", "CPython", "Numba", "jitprofile",
            "jp/CPython", "jp/Numba", "Numba/CPython"]
    body = []
    for name, unit, cells in rows:
        cp, nb, jp = (cells[i] for i in IMPLS)
        body.append([name, fmt_time(cp, unit), fmt_time(nb, unit), fmt_time(jp, unit),
                     fmt_ratio(jp, cp), fmt_ratio(jp, nb), fmt_ratio(nb, cp)])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    for r in [head, ["-" * w for w in widths]] + body:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
    print("ratios are time / time: below 1 means jitprofile (or Numba) is faster")
    notes = sorted({f"{impl}: {c.why}" for _, _, cells in rows
                    for impl, c in cells.items() if c.why})
    for note in notes:
        print(f"  note: {note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and 2 fresh processes (a smoke run)")
    parser.add_argument("--json", type=pathlib.Path, help="also write results here")
    args = parser.parse_args()
    processes = 2 if args.quick else 5

    rows = []
    grid = f"{WIDTH}x{HEIGHT}, {ITERS} iters"
    for variant, title in (("image", f"mandelbrot image ({grid})"),
                           ("scalar", f"mandelbrot scalar sum ({grid})")):
        cells, want = {}, None
        for impl in IMPLS:
            print(f"running (a) {variant} on {impl} ...", file=sys.stderr)
            cells[impl], got = bench_mandelbrot(impl, variant, want, args.quick)
            if impl == "cpython":
                want = got
        rows.append((title, "ms", cells))

    first = {}
    for impl in IMPLS:
        print(f"running (b) first call on {impl} x{processes} ...", file=sys.stderr)
        first[impl] = bench_first_call(impl, processes)
    imports = {i: first[i]["import_s"] for i in IMPLS}
    imports["cpython"] = Outcome(why="n/a (no package to import)")
    rows.append((f"import package (median of {processes})", "ms", imports))
    rows.append((f"define kernels (median of {processes})", "ms",
                 {i: first[i]["define_s"] for i in IMPLS}))
    rows.append((f"first call mandel (median of {processes})", "ms",
                 {i: first[i]["first_call_s"] for i in IMPLS}))

    calls = {}
    for impl in IMPLS:
        print(f"running (c) add(1, 2) on {impl} ...", file=sys.stderr)
        calls[impl] = bench_call(impl, args.quick)
    rows.append(("call add(1, 2) (min of repeats)", "ns", calls))

    info = machine()
    print_table(rows, info)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(
            {"machine": info,
             "rows": [{"name": n, "unit": u, **{i: c.to_json() for i, c in cells.items()}}
                      for n, u, cells in rows]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
