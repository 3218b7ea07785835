"""Benchmark of the live stream (issue 6): throughput and latency from a
sample to the subscriber's Python-visible aggregate.

Two processes on this machine, real ZeroMQ (tcp on loopback by default):

* the publisher process fills a ProfileData the way the sampler's collector
  does - every 10 ms it adds the samples of the last 10 ms (timestamps
  spread over those 10 ms, STACKS distinct stacks over THREADS threads) and
  runs the drain hook's copy (Publisher.push) - at RATE samples/s for
  SECONDS, then closes the stream;
* this process subscribes (default queue sizes), polls with a 5 ms timeout
  and, after each poll, reads the aggregate's total weight from Python.

Loss: samples produced - samples in the rebuilt aggregate (and the stream's
own counters: sequence gaps, staging drops, rejected messages).  Latency of
a sample: the time its weight first shows in the Python-visible total minus
its timestamp (samples become visible in timestamp order, one 100 ms
interval at a time, so the cumulative curves give it per sample).

    .venv/bin/python bench/bench_stream.py [--rates 100000,1000000] [--seconds 5]
        [--endpoint tcp://127.0.0.1:*] [--stalled] [--real]

--stalled repeats the first rate with a second subscriber connected that
never reads: the publisher's push() times and the first subscriber's loss
and latency must not change (ZeroMQ drops for the stalled one only).

--real adds an end-to-end run of `python -m jitprofile record --serve` on a
script with one busy thread per core at 10 kHz (the real sampler).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

TICK_NS = 10_000_000


def publisher_role(args) -> None:
    from jitprofile import _core
    from jitprofile.stream import Publisher

    rng = random.Random(1)
    data = _core.ProfileData()
    funcs = [data.intern_func(f"func{i}", f"/src/mod{i % 40}.py", f"mod{i % 40}", i, "python")
             for i in range(400)]
    nodes = []
    for _ in range(args.stacks):
        node = 0
        for _ in range(rng.randint(3, 30)):
            node = data.intern_node(node, data.intern_frame(rng.choice(funcs), rng.randint(1, 50)))
        nodes.append(node)
    threads = [data.add_thread(os.getpid(), 1000 + i, f"worker-{i}") for i in range(args.threads)]
    pick_node = [rng.choice(nodes) for _ in range(8192)]
    pick_thread = [rng.choice(threads) for _ in range(8192)]
    pub = Publisher(args.endpoint)
    with open(args.ready, "w") as f:
        f.write(pub.endpoint)
    pub.attach(data)
    while not os.path.exists(args.go):          # the subscriber is in sync
        time.sleep(0.01)
    log = []
    push_ns = []
    per_tick = args.rate * TICK_NS / 1e9
    owed = 0.0
    k = 0
    start = time.monotonic_ns()
    prev = start
    next_tick = start + TICK_NS
    end = start + int(args.seconds * 1e9)
    add = data.add_sample
    while prev < end:
        now = time.monotonic_ns()
        if now < next_tick:
            time.sleep((next_tick - now) / 1e9)
            now = time.monotonic_ns()
        owed += per_tick * (now - prev) / TICK_NS
        n = int(owed)
        owed -= n
        step = (now - prev) / max(n, 1)
        for j in range(n):
            add(pick_thread[k & 8191], pick_node[k & 8191], prev + int(j * step), 1)
            k += 1
        t0 = time.perf_counter_ns()
        pub.push(wait=False)                    # what the drain hook does
        push_ns.append(time.perf_counter_ns() - t0)
        log.append((prev, now, n))
        prev = now
        next_tick += TICK_NS
    pub.push()                                  # what is left, then END
    busy = pub.stats()["stage_busy"]
    pub.close()
    with open(args.log, "w") as f:
        json.dump({"ticks": log, "samples": k, "push_ns": push_ns, "busy": busy}, f)


def run_synthetic(rate: int, args, stalled: bool = False) -> dict:
    from jitprofile.stream import Subscriber

    tmp = tempfile.mkdtemp(prefix="jp-bench-stream-")
    ready, go, logp = (os.path.join(tmp, n) for n in ("ready", "go", "log.json"))
    proc = subprocess.Popen([sys.executable, __file__, "--role", "publisher",
                             "--rate", str(rate), "--seconds", str(args.seconds),
                             "--stacks", str(args.stacks), "--threads", str(args.threads),
                             "--endpoint", args.endpoint, "--ready", ready, "--go", go,
                             "--log", logp])
    while not os.path.exists(ready) or not open(ready).read():
        time.sleep(0.01)
    sub = Subscriber(open(ready).read())
    # a subscriber that never reads (its queue fills, ZeroMQ drops for it)
    stuck = Subscriber(open(ready).read(), rcvhwm=1) if stalled else None
    deadline = time.monotonic() + 30
    while not sub.synced:
        assert time.monotonic() < deadline, "no snapshot from the publisher"
        sub.poll(0.05)
    open(go, "w").close()
    vis_t, vis_w = [], []
    last = sub.stats()["total_weight"]
    while not sub.finished:
        sub.poll(0.005)
        now = time.monotonic_ns()
        w = sub.stats()["total_weight"]       # the Python-visible aggregate
        if w != last:
            vis_t.append(now)
            vis_w.append(w)
            last = w
    proc.wait(timeout=60)
    with open(logp) as f:
        log = json.load(f)
    st = sub.stats()
    profile = sub.profile()
    if stuck is not None:
        stuck.poll(0)
        stuck_lost = stuck.stats()["lost"]
        stuck.close()
    push_us = np.array(log["push_ns"], dtype=np.float64) / 1e3
    # per-sample timestamps, in order, from the publisher's log
    ts = np.concatenate([np.linspace(a, b, n, endpoint=False, dtype=np.float64)
                         for a, b, n in log["ticks"] if n > 0])
    vis_t, vis_w = np.array(vis_t, dtype=np.float64), np.array(vis_w, dtype=np.int64)
    visible = min(len(ts), int(vis_w[-1]) if len(vis_w) else 0)
    k = np.arange(1, visible + 1)
    idx = np.searchsorted(vis_w, k, side="left")
    lat_ms = (vis_t[idx] - ts[:visible]) / 1e6
    produced = log["samples"]
    duration = (log["ticks"][-1][1] - log["ticks"][0][0]) / 1e9
    return {
        "rate_target": rate, "stalled_subscriber": stalled, "seconds": round(duration, 3),
        "produced": produced, "received": st["total_weight"], "lost_samples": produced - st["total_weight"],
        "achieved_rate": round(produced / duration),
        "lost_messages": st["lost"], "rejected": st["rejected"],
        "stage_dropped": st["publisher"]["stage_dropped"] if st["publisher"] else None,
        "messages": st["received"],
        "bytes": st["publisher"]["bytes"] if st["publisher"] else None,
        "latency_ms": {"p50": round(float(np.percentile(lat_ms, 50)), 1),
                       "p99": round(float(np.percentile(lat_ms, 99)), 1),
                       "max": round(float(lat_ms.max()), 1)},
        "push_us": {"p50": round(float(np.percentile(push_us, 50)), 1),
                    "p99": round(float(np.percentile(push_us, 99)), 1),
                    "max": round(float(push_us.max()), 1)},
        "push_skipped_busy": log["busy"],
        "stalled_lost_messages": stuck_lost if stalled else None,
        "call_tree_nodes": len(profile["nodes"]) - 1,
    }


REAL_SCRIPT = textwrap.dedent("""
    import threading, time, os
    def spin(stop):
        x = 0
        while time.monotonic() < stop:
            x += 1
    stop = time.monotonic() + {seconds}
    ts = [threading.Thread(target=spin, args=(stop,)) for _ in range({threads} - 1)]
    for t in ts: t.start()
    spin(stop)
    for t in ts: t.join()
""")


def run_real(args) -> dict:
    from jitprofile.stream import Subscriber

    cores = os.cpu_count() or 1
    tmp = tempfile.mkdtemp(prefix="jp-bench-real-")
    script = os.path.join(tmp, "spin.py")
    with open(script, "w") as f:
        f.write(REAL_SCRIPT.format(seconds=args.seconds, threads=cores))
    endpoint = f"ipc://{tmp}/s.sock"
    out = os.path.join(tmp, "out.json")
    sub = Subscriber(endpoint)
    proc = subprocess.Popen([sys.executable, "-m", "jitprofile", "record", "-r", "10000",
                             "--serve", endpoint, "-o", out, script],
                            stderr=subprocess.DEVNULL)
    while not sub.finished:
        sub.poll(0.05)
        if proc.poll() is not None and not sub.poll(0.5):
            break
    proc.wait(timeout=120)
    local = json.load(open(out))
    st = sub.stats()
    local_w = sum(s[3] for s in local["samples"])
    return {"threads": cores, "hz": 10000, "seconds": args.seconds,
            "local_weight": local_w, "received": st["total_weight"],
            "lost_samples": local_w - st["total_weight"], "lost_messages": st["lost"],
            "rejected": st["rejected"],
            "sampler_samples": st["publisher"]["sampler_samples"] if st["publisher"] else None,
            "samples_per_s": round(local_w / args.seconds)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--role", default="driver")
    ap.add_argument("--rates", default="100000,1000000")
    ap.add_argument("--rate", type=int, default=100000)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--stacks", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--endpoint", default="tcp://127.0.0.1:*")
    ap.add_argument("--ready")
    ap.add_argument("--go")
    ap.add_argument("--log")
    ap.add_argument("--real", action="store_true")
    ap.add_argument("--stalled", action="store_true",
                    help="also run the first rate with a second subscriber that never reads")
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.role == "publisher":
        publisher_role(args)
        return
    import jitprofile
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}, jitprofile {jitprofile.__version__}, "
          f"endpoint {args.endpoint}")
    results = {"synthetic": [], "real": None}
    for rate in (int(r) for r in args.rates.split(",")):
        r = run_synthetic(rate, args)
        results["synthetic"].append(r)
        print(json.dumps(r))
    if args.stalled:
        r = run_synthetic(int(args.rates.split(",")[0]), args, stalled=True)
        results["synthetic"].append(r)
        print(json.dumps(r))
    if args.real:
        results["real"] = run_real(args)
        print(json.dumps(results["real"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
