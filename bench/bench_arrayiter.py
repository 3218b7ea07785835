"""bench/bench_arrayiter.py - owns the issue-12 iteration benchmark: loops
over a.flat (C and Fortran order), np.ndenumerate, np.ndindex, np.nditer
(one and two operands), zip and rows of a 1000x1000 int64 array, Numba and
jitprofile side by side in one process (bench/kernels_arrayiter.py).
Results must agree; times are the thread's CPU time (time.thread_time),
best of --repeat interleaved calls.
Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_arrayiter.py [--repeat N]
"""
import argparse
import pathlib
import sys
import tempfile
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))
from jitload import load_kernels  # noqa: E402
from bench_scalar import machine  # noqa: E402


def item(x):
    return x.item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=9)
    opts = ap.parse_args()
    import numba
    import jitprofile
    nb = load_kernels(numba.njit, "numba", HERE / "kernels_arrayiter.py")
    nb.ITEM = numba.njit(item)
    # jitprofile's nditer yields elements: the same source without ITEM(...)
    tmp = pathlib.Path(tempfile.mkdtemp()) / "kernels_arrayiter_jp.py"
    tmp.write_text((HERE / "kernels_arrayiter.py").read_text().replace("ITEM(", "("))
    jp = load_kernels(jitprofile.njit, "jp", tmp)
    rng = np.random.default_rng(0)
    a = rng.integers(0, 10, (1000, 1000))
    b = rng.integers(0, 10, (1000, 1000))
    rows = [("a.flat, C order", "flat_sum", (a,)), ("a.flat, Fortran order", "flat_sum", (np.asfortranarray(a),)),
            ("np.ndenumerate", "ndenumerate_sum", (a,)), ("np.ndindex(a.shape)", "ndindex_sum", (a,)),
            ("np.nditer(a)", "nditer1_sum", (a,)), ("np.nditer((a, b))", "nditer2_dot", (a, b)),
            ("zip(a[0], b[0])", "zip_dot", (a[0], b[0])), ("for row in a", "rows_sum", (a,))]
    print(f"# {machine()}")
    print(f"{'loop (1000x1000 int64)':26s} {'numba':>10s} {'jitprofile':>10s} {'jp/numba':>9s}")
    for label, name, args in rows:
        fns = (getattr(nb, name), getattr(jp, name))
        got = [f(*args) for f in fns]
        best = [float("inf")] * 2
        for _ in range(opts.repeat):
            for k, f in enumerate(fns):
                t0 = time.thread_time()
                f(*args)
                best[k] = min(best[k], time.thread_time() - t0)
        flag = "" if got[0] == got[1] else "  WRONG"
        print(f"{label:26s} {best[0] * 1e6:8.1f}us {best[1] * 1e6:8.1f}us {best[1] / best[0]:9.2f}{flag}")


if __name__ == "__main__":
    main()
