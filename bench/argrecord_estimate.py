"""The sampled argument recorder's calls estimate against exact mode's count
(issue 19): .venv/bin/python bench/argrecord_estimate.py (from the repo root)."""
import sys, threading, math
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "tests", "python"))
import numpy as np
import test_argrecord_estimate as T, dask_tasks
def np_work(a): return float(np.sort(a).sum())
def np_many(k):
    a = np.random.rand(20000)
    return sum(np_work(a) for _ in range(k))
cases = [("short main", T._on_main(lambda: T.many_short(40000)), "short_call"),
         ("short thread", T._on_thread(lambda: T.many_short(40000)), "short_call"),
         ("short two", T._on_two_threads(lambda: T.many_short(20000), lambda: T.many_short(20000)), "short_call"),
         ("sqrt 3000x1000 main", T._on_main(lambda: dask_tasks.py_many(3000, 1000)), "py_kernel"),
         ("sqrt 3000x1000 thread", T._on_thread(lambda: dask_tasks.py_many(3000, 1000)), "py_kernel"),
         ("repro 150x20000 thread", T._on_thread(lambda: dask_tasks.py_many(150, 20000)), "py_kernel"),
         ("numpy sort 20k x 1000", T._on_main(lambda: np_many(1000)), "np_work")]
for name, run, fn in cases:
    ex = T._figure(run, "exact", fn); sa = [T._figure(run, "sampled", fn) for _ in range(3)]
    print(f"{name:26s} exact {ex[0]:>6}  sampled " + "  ".join(f"{m}{n}" for n, m in sa) + "  ratio " + " ".join(f"{n/ex[0]:.2f}" for n, m in sa))
