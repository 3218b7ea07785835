"""The time a fixed piece of work takes under `python -m jitprofile record
--wall --rate HZ` over the same script unprofiled (measured inside the
script, so start-up is left out), with 17 threads (16 blocked, 1 working):
the cost of 10 kHz wall sampling, and what pacing (issue 13, item 16) makes
of it.

    python bench/bench_record_pacing.py [--python PY] [--rate HZ] [--repeat N]

--python: the interpreter whose jitprofile is measured (default: this one).
Reports the median ratio profiled/unprofiled, the effective rate, and the
sampled seconds over the work's own time x 17 threads (about 1: the
weights stay right when the rate is lowered).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

SCRIPT = textwrap.dedent("""
    import threading, time
    ev = threading.Event()
    ts = [threading.Thread(target=ev.wait) for _ in range(16)]
    for t in ts:
        t.start()
    t0 = time.perf_counter()
    for _ in range(40_000):
        sum(range(1000))
    print(time.perf_counter() - t0)
    ev.set()
    for t in ts:
        t.join()
""")


def timed(cmd):
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return float(r.stdout.split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "many.py")
        out = os.path.join(d, "p.json")
        with open(script, "w") as f:
            f.write(SCRIPT)
        ratios, rates, shares = [], [], []
        for _ in range(a.repeat):
            plain = timed([a.python, script])
            prof = timed([a.python, "-m", "jitprofile", "record", "--wall", "--rate",
                          str(a.rate), "-o", out, script])
            doc = json.load(open(out))
            sampled = sum(t[3] for t in doc["threads"]) * doc["interval"]
            ratios.append(prof / plain)
            rates.append(doc.get("effective_hz", doc["hz"]))
            shares.append(sampled / (17 * prof))
        print(f"{a.python}: record --wall --rate {a.rate}: "
              f"{statistics.median(ratios):.2f}x the unprofiled wall time "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f}); effective rate "
              f"{statistics.median(rates):.0f} Hz; sampled / expected seconds "
              f"{statistics.median(shares):.2f}")


if __name__ == "__main__":
    main()
