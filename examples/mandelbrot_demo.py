"""examples/mandelbrot_demo.py - owns the main demo: the seed's Mandelbrot
(examples/mandelbrot.py, Numba's classic example) on a 300x200 grid with 20
iterations, run by CPython and by jitprofile's JIT (`jitprofile.njit`, the
Numba-compatible decorator); prints both times and the ratio.

    .venv/bin/python examples/mandelbrot_demo.py

The scalar variant (create_fractal_sum: no arrays) is the headline; the
image variant (create_fractal: fills a NumPy array) is reported too and is
marked 'not supported yet' while the JIT has no array support.
Exit status 1 when the JIT is missing, fails or disagrees with CPython.
"""
import sys
import time

import numpy as np

from jitload import load_kernels

WIDTH, HEIGHT, ITERS = 300, 200, 20
BOUNDS = (-2.0, 1.0, -1.0, 1.0)


def best_of(repeats, func, *args):
    """(min seconds over repeats, last result)."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - t0)
    return best, result


def first_call(func, *args):
    """Seconds of the first call (compile + run), and its result."""
    t0 = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - t0, result


def image_sum(module):
    image = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
    module.create_fractal(*BOUNDS, image, ITERS)
    return int(image.sum(dtype=np.int64))


def short(exc):
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def main():
    print(f"Mandelbrot {WIDTH}x{HEIGHT}, {ITERS} iterations")
    py = load_kernels(None, "python")
    t_py, want = best_of(3, py.create_fractal_sum, WIDTH, HEIGHT, ITERS)
    label = "CPython " + sys.version.split()[0]
    print(f"  {label:<17}: {t_py * 1e3:10.2f} ms"
          f"   (sum of escape counts {want})")

    try:
        from jitprofile import njit
    except ImportError as exc:
        print(f"  jitprofile JIT: not available in this build ({short(exc)})")
        return 1
    try:
        jp = load_kernels(njit, "jitprofile")
        t_first, got = first_call(jp.create_fractal_sum, WIDTH, HEIGHT, ITERS)
        t_jit, got = best_of(10, jp.create_fractal_sum, WIDTH, HEIGHT, ITERS)
    except Exception as exc:  # report the JIT's own message, then fail
        print(f"  jitprofile JIT: failed: {short(exc)}")
        return 1
    if got != want:
        print(f"  jitprofile JIT: WRONG RESULT {got} (CPython: {want})")
        return 1
    print(f"  jitprofile JIT   : {t_jit * 1e3:10.2f} ms"
          f"   (first call, with compile: {t_first * 1e3:.1f} ms)")
    print(f"  speedup          : {t_py / t_jit:10.1f}x faster than CPython")

    try:
        t_img, got_img = best_of(10, image_sum, jp)
        status = "OK" if got_img == want else f"WRONG SUM {got_img}"
        print(f"  image variant (create_fractal, uint8 array): "
              f"{t_img * 1e3:.2f} ms, {status}")
    except Exception as exc:
        print(f"  image variant (create_fractal, uint8 array): "
              f"not supported yet ({short(exc)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
