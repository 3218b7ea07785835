"""What the your-code view costs (issue 19, kernel_ext/jitprofile/yourcode.py):
folding a large profile, once and incrementally, against the widget update
(widget_data.TableBuilder.tables) that carries it, side by side in one process.

    .venv/bin/python bench/bench_yourcode.py [--nodes 200000] [--samples 1000000]

The profile is synthetic but realistic in shape: 30 levels of kernel
machinery (IPython, asyncio, the interpreter) above a cell, user functions
calling NumPy's Python wrappers, NumPy's C code, libm and the interpreter,
up to 60 frames deep, random branching."""
import argparse
import os
import random
import sysconfig
import time

from jitprofile import _core
from jitprofile.widget_data import TableBuilder
from jitprofile.yourcode import Folder, rows

SITE = sysconfig.get_paths()["purelib"]


def build(n_nodes: int, n_samples: int, seed: int = 1):
    rnd = random.Random(seed)
    d = _core.ProfileData()
    d.interval = 0.001
    F = d.intern_func
    machinery = [F(f"ipy_{i}", os.path.join(SITE, f"IPython/core/m{i}.py"), f"IPython.core.m{i}",
                   i, "python") for i in range(20)]
    machinery += [F(f"_PyEval_{i}", "/usr/lib/libpython3.11.so.1.0", "libpython3.11.so.1.0", 0,
                    "native") for i in range(10)]
    user = [F(f"user_{i}", "/tmp/ipykernel_1/123.py", "__main__", i * 10, "python")
            for i in range(200)]
    lib = [F(f"np_{i}", os.path.join(SITE, "numpy/_core/fromnumeric.py"), "numpy._core.fromnumeric",
             i, "python") for i in range(300)]
    nat = [F(f"ufunc_{i}", os.path.join(SITE, "numpy/_core/_multiarray_umath.so"),
             "_multiarray_umath.so", 0, "native") for i in range(2000)]
    nat += [F(f"m_{i}", "/lib/libm.so.6", "libm.so.6", 0, "native") for i in range(200)]
    interp = [F(f"py_{i}", "/usr/lib/libpython3.11.so.1.0", "libpython3.11.so.1.0", 0, "native")
              for i in range(500)]
    pools = [user, lib, nat, interp]
    node = 0
    for f in machinery:
        node = d.intern_node(node, d.intern_frame(f, 0))
    top = node
    leaves = []
    while len(d.nodes()) < n_nodes:
        node = top
        for _ in range(rnd.randint(2, 30)):
            f = rnd.choice(rnd.choice(pools))
            node = d.intern_node(node, d.intern_frame(f, rnd.randint(0, 3)))
        leaves.append(node)
    t = d.add_thread(1, 1, "MainThread")
    for i in range(n_samples):
        d.add_sample(t, rnd.choice(leaves), i, 1)
    return d


def best(fn, reps=3):
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--samples", type=int, default=1_000_000)
    a = ap.parse_args()
    d = build(a.nodes, a.samples)
    print(f"profile: {len(d.functions())} functions, {len(d.nodes())} nodes, "
          f"{len(d.samples())} samples")
    fold = best(lambda: Folder(d).sync())
    folder = Folder(d).sync()
    print(f"folded tree: {len(folder.nodes)} nodes, {len(folder.groups)} groups")
    report = best(lambda: rows(d), 2)

    def update(with_yc: bool):
        b = TableBuilder(d, show_internal=True)
        if not with_yc:
            b._yourcode_tables = lambda *_a: {}
        b.tables()

    with_yc = best(lambda: update(True), 2)
    without = best(lambda: update(False), 2)
    # a live update: 1% more nodes and samples, the builders already up to date
    b1, b2 = TableBuilder(d, show_internal=True), TableBuilder(d, show_internal=True)
    b2._yourcode_tables = lambda *_a: {}
    b1.tables()
    b2.tables()
    rnd = random.Random(7)
    funcs = len(d.functions())
    new = [d.intern_node(rnd.randrange(len(d.nodes())), d.intern_frame(rnd.randrange(funcs), 0))
           for _ in range(a.nodes // 100)]
    for i in range(a.samples // 100):
        d.add_sample(0, rnd.choice(new), a.samples + i, 1)
    t0 = time.perf_counter()
    b1.tables()
    inc_with = time.perf_counter() - t0
    t0 = time.perf_counter()
    b2.tables()
    inc_without = time.perf_counter() - t0
    print(f"Folder.sync, from scratch:          {fold * 1e3:8.1f} ms")
    print(f"yourcode.rows (text report):        {report * 1e3:8.1f} ms")
    print(f"TableBuilder.tables, first update:  {with_yc * 1e3:8.1f} ms with the your-code tables, "
          f"{without * 1e3:.1f} ms without ({with_yc / without:.2f}x)")
    print(f"a live update (1% new nodes, samples): {inc_with * 1e3:5.1f} ms with, "
          f"{inc_without * 1e3:.1f} ms without ({inc_with / inc_without:.2f}x)")


if __name__ == "__main__":
    main()
