"""bench/bench_widget.py - issue 6 target: latency from a sample to the
notebook widget model's update (<= 250 ms).

In-process, no front end: a real jitprofile.Profile samples a busy
pure-Python loop (holding the GIL, as a notebook cell does) while the
%%jitprofile magic's LiveView (kernel_ext/jitprofile/widget.py) updates a
real ProfileWidget every PERIOD seconds from its background thread.  For
each sample: the time its weight first reached the widget's traits (the
updater's clock right after the traitlets change, which is when ipywidgets
sends the comm message) minus the sample's own timestamp (CLOCK_MONOTONIC,
taken in the signal handler).

    .venv/bin/python bench/bench_widget.py [--seconds 5] [--period 0.2] [--hz 1000] [--wall]
"""
import argparse
import platform
import statistics
import sys
import time

from jitprofile.profile import Profile
from jitprofile.widget import LiveView, ProfileWidget


def busy(seconds):
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        for i in range(1000):
            x += i * i
    return x


def run(seconds, period, hz, wall):
    prof = Profile(hz=hz, wall=wall, args=None)
    w = ProfileWidget()
    view = LiveView(prof, w, period=period, keep_history=True)
    prof.start()
    view.start()
    busy(seconds)
    view.stop()                       # live updates only: the final one is not counted
    prof.stop()
    samples = prof.data.samples()
    hist = view.history
    lat, missed, k = [], 0, 0
    for i, (_thread, _node, ts, _w) in enumerate(samples):
        while k < len(hist) and hist[k][1] <= i:
            k += 1
        if k == len(hist):
            missed += len(samples) - i    # arrived after the last live update
            break
        lat.append((hist[k][0] - ts) / 1e6)
    return lat, missed, len(samples), len(hist), w.updates


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--period", type=float, default=0.2, help="the magic's default: 0.2 s")
    ap.add_argument("--hz", type=int, default=1000)
    ap.add_argument("--wall", action="store_true")
    a = ap.parse_args(argv)
    lat, missed, n, nup, _ = run(a.seconds, a.period, a.hz, a.wall)
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
    print(f"python {sys.version.split()[0]}, {platform.machine()}, {a.hz} Hz "
          f"{'wall' if a.wall else 'CPU'} time, updater period {a.period * 1e3:.0f} ms, "
          f"{a.seconds:.1f} s busy loop")
    print(f"samples {n}, live updates {nup} ({nup / a.seconds:.1f}/s), "
          f"samples after the last live update (not counted) {missed}")
    print(f"sample -> widget model latency: p50 {q(0.5):.0f} ms, p90 {q(0.9):.0f} ms, "
          f"p99 {q(0.99):.0f} ms, max {lat[-1]:.0f} ms, mean {statistics.mean(lat):.0f} ms")
    print("target <= 250 ms:", "met" if lat[-1] <= 250 else "NOT met")


if __name__ == "__main__":
    main()
