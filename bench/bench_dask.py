"""bench/bench_dask.py (issue 14): profiling a 2-worker Dask cluster.

One LocalCluster(processes=True, n_workers=2, threads_per_worker=1) runs
the same workload - tasks from tests/python/dask_tasks.py that spend their
time in a GIL-holding jitted kernel (dask_spin_kernel, libm callees) - in
alternating rounds: without jitprofile, and under jitprofile.dask.profile()
at 1 kHz.  Dask's own profiler (10 ms, on by default) runs in both.
Reports the wall-time overhead (median of per-round ratios) and, for both
profilers on the profiled rounds, the share of the samples taken during
the tasks that land in the kernel (jitprofile: stacks through
dask_spin_kernel; Dask: its tree's nodes named dask_spin_kernel).

    .venv/bin/python bench/bench_dask.py [--rounds 5] [--tasks 8] [--calls 60]
"""
import argparse
import logging
import os
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
TASKS = ROOT / "tests" / "python"
sys.path.insert(0, str(TASKS))


def dask_share(tree, name):
    """(samples in nodes called name, all samples) of a Dask profile tree."""
    hit = 0

    def walk(node, inside):
        nonlocal hit
        d = node.get("description") or {}
        inside = inside or d.get("name", "").split(" [", 1)[0] == name
        kids = node.get("children", {}).values()
        own = node["count"] - sum(k["count"] for k in kids)
        if inside:
            hit += own
        for k in kids:
            walk(k, inside)
    walk(tree, False)
    return hit, tree["count"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--tasks", type=int, default=8)
    ap.add_argument("--calls", type=int, default=60,
                    help="kernel calls per task (each about 4 ms)")
    a = ap.parse_args()
    import distributed
    import dask_tasks
    import jitprofile.dask as jpd
    env = {"PYTHONPATH": os.pathsep.join([str(TASKS), os.environ.get("PYTHONPATH", "")])}
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None, silence_logs=logging.ERROR,
                                  env=env) as cluster, distributed.Client(cluster) as client:
        def work(tag):
            futs = [client.submit(dask_tasks.spin_calls, a.calls, key=f"spin-{tag}-{i}",
                                  pure=False) for i in range(a.tasks)]
            client.gather(futs)
        work("warm")                                   # compile on both workers

        def cpu():
            """CPU seconds of the worker processes (all their threads,
            the profiler's included): less noisy than wall time on a
            shared machine."""
            return sum(client.run(time.process_time).values())
        ratios, cpu_ratios, ours, theirs, callers = [], [], [], [], []
        for r in range(a.rounds):
            def plain_round():
                c0 = cpu()
                t0 = time.perf_counter()
                work(f"plain{r}")
                return time.perf_counter() - t0, cpu() - c0
            if r % 2:                                  # alternate the order
                plain, plain_cpu = plain_round()
            with jpd.profile(client) as prof:
                start = time.time()
                c0 = cpu()
                t0 = time.perf_counter()
                work(f"prof{r}")
                profiled = time.perf_counter() - t0
                prof_cpu = cpu() - c0
                stop = time.time()
            if not r % 2:
                plain, plain_cpu = plain_round()
            ratios.append(profiled / plain)
            cpu_ratios.append(prof_cpu / plain_cpu)
            # jitprofile: samples labelled with this round's task keys
            nodes = prof.data.nodes()
            frames = prof.data.frames()
            funcs = prof.data.functions()
            in_kernel = {}

            def through(n):
                v = in_kernel.get(n)
                if v is None:
                    if n == 0:
                        return False
                    p, fr = nodes[n]
                    v = (funcs[frames[fr][0]][0].split(" [", 1)[0] == "dask_spin_kernel"
                         or through(p))
                    in_kernel[n] = v
                return v
            hit = tot = 0
            for (_t, node, _ts, w), key in zip(prof.data.samples(), prof.labels):
                if key is not None and key.startswith(f"spin-prof{r}-"):
                    tot += w
                    hit += w if through(node) else 0
            ours.append((hit, tot))
            tree = client.profile(start=start, stop=stop)
            theirs.append(dask_share(tree, "dask_spin_kernel"))
            callers.append(dask_share(tree, "spin_calls"))
            print(f"round {r}: plain {plain:.3f} s, profiled {profiled:.3f} s "
                  f"(x{profiled / plain:.3f}); workers' CPU x{prof_cpu / plain_cpu:.3f}; kernel share jitprofile {hit}/{tot}, "
                  f"dask {theirs[-1][0]}/{theirs[-1][1]}", flush=True)
        med = statistics.median(ratios)
        cmed = statistics.median(cpu_ratios)
        print(f"workers' CPU time overhead: median x{cmed:.3f} ({100 * (cmed - 1):+.1f}%), "
              f"rounds {', '.join(f'{x:.3f}' for x in cpu_ratios)}")
        h, t = map(sum, zip(*ours))
        dh, dt = map(sum, zip(*theirs))
        print(f"\n2 workers x 1 thread, {a.tasks} tasks x {a.calls} kernel calls per round, "
              f"{a.rounds} rounds")
        print(f"wall overhead of jitprofile.dask at 1 kHz: median x{med:.3f} "
              f"({100 * (med - 1):+.1f}%), rounds {', '.join(f'{x:.3f}' for x in ratios)}")
        print(f"samples during the tasks attributed to dask_spin_kernel: jitprofile "
              f"{100 * h / max(t, 1):.1f}% of {t}; Dask's profiler {100 * dh / max(dt, 1):.1f}% "
              f"of {dt} (its samples under the Python caller spin_calls: "
              f"{100 * sum(c[0] for c in callers) / max(dt, 1):.1f}%)")


if __name__ == "__main__":
    main()
