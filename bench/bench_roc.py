"""Compile-to-code-object latency of the ROC (AMD GPU) target.

For every kernel of tests/python/test_roc_codeobj.py's suite: the time from
``roc.compile_hsaco`` to the bytes of a linked code object, cold (the first
compile of a fresh process: AMDGPU target set-up, device-library files read)
and warm (the same kernel again with a fresh dispatcher, so typing and
everything after it runs again), and how the warm time splits: frontend +
typing (the rest), lowering to LLVM IR, preparation (address spaces, ocml
routing, device libraries parsed and linked), O3, AMDGPU codegen, ld.lld.

No AMD compiler can be installed here to compare against (hipcc/comgr of
ROCm 5.2.3 cannot target gfx94x/gfx11xx), so the figures are absolute.

    .venv/bin/python bench/bench_roc.py [--isa gfx90a] [--repeat 5]
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE_FILE = os.path.join(HERE, "..", "tests", "python", "test_roc_codeobj.py")


def load_suite():
    spec = importlib.util.spec_from_file_location("roc_suite", SUITE_FILE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def compile_once(mod, func, sig, isa):
    from jitprofile import roc
    from jitprofile._core import Dispatcher
    disp = Dispatcher(func, {"error_model": "numpy"})
    t = time.perf_counter()
    roc.compile_hsaco(disp, sig, isa=isa, device=False)
    total = time.perf_counter() - t
    steps = roc.last_compile_times()
    return total, steps


def cold(isa):
    """In this (fresh) process: the first kernel's compile, then the rest."""
    t0 = time.perf_counter()
    mod = load_suite()
    import_s = time.perf_counter() - t0
    out = {"import_and_suite_load_s": import_s, "kernels": {}}
    for func, sig, *_ in mod.SUITE:
        total, steps = compile_once(mod, func, sig, isa)
        out["kernels"][func.__name__] = total
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--isa", default="gfx90a")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cold-child", action="store_true")
    args = ap.parse_args()
    if args.cold_child:
        print(json.dumps(cold(args.isa)))
        return
    colds = []
    for _ in range(3):
        r = subprocess.run([sys.executable, __file__, "--cold-child", "--isa", args.isa],
                           capture_output=True, text=True, check=True)
        colds.append(json.loads(r.stdout.strip().splitlines()[-1]))
    mod = load_suite()
    for func, sig, *_ in mod.SUITE:         # warm every cache once
        compile_once(mod, func, sig, args.isa)
    rows = []
    names = ["lower", "prepare", "opt", "codegen", "link"]
    for func, sig, *_ in mod.SUITE:
        runs = [compile_once(mod, func, sig, args.isa) for _ in range(args.repeat)]
        total = statistics.median(r[0] for r in runs)
        steps = {n: statistics.median(r[1][n] for r in runs) for n in names}
        front = statistics.median(r[0] - sum(r[1][n] for n in names) for r in runs)
        first_cold = statistics.median(c["kernels"][func.__name__] for c in colds)
        rows.append((func.__name__, first_cold, total, steps, front))
    print(f"ISA {args.isa}; cold = in a fresh process, in suite order (the first kernel pays the "
          f"AMDGPU set-up); warm = median of {args.repeat}; milliseconds")
    print(f"{'kernel':22s} {'cold':>7s} {'warm':>7s} {'front':>6s} " + " ".join(f"{n:>7s}" for n in names))
    tot = {"cold": 0.0, "warm": 0.0, "front": 0.0, **{n: 0.0 for n in names}}
    for name, c, w, st, front in rows:
        tot["cold"] += c
        tot["warm"] += w
        tot["front"] += front
        for n in names:
            tot[n] += st[n]
        print(f"{name:22s} {c * 1e3:7.1f} {w * 1e3:7.1f} {front * 1e3:6.1f} "
              + " ".join(f"{st[n] * 1e3:7.1f}" for n in names))
    print(f"{'suite total':22s} {tot['cold'] * 1e3:7.1f} {tot['warm'] * 1e3:7.1f} {tot['front'] * 1e3:6.1f} "
          + " ".join(f"{tot[n] * 1e3:7.1f}" for n in names))
    llvm = tot["prepare"] + tot["opt"] + tot["codegen"]
    print(f"warm suite: LLVM (prepare + O3 + codegen) {llvm / tot['warm']:.0%}, ld.lld {tot['link'] / tot['warm']:.0%}, "
          f"lowering {tot['lower'] / tot['warm']:.0%}, frontend + typing + Python {tot['front'] / tot['warm']:.0%}")


if __name__ == "__main__":
    main()
