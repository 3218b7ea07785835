"""Compile-to-PTX latency: jitprofile.cuda.compile_ptx against numba-cuda's
numba.cuda.compile_ptx, side by side, on the seed's Mandelbrot kernel and an
axpy kernel with math.  No GPU is needed (both target sm_75).

Run with the benchmark venv (numba-cuda[cu12] installed there only):
    .venv-bench/bin/pip install "numba-cuda[cu12]"
    .venv-bench/bin/python bench/bench_cuda_ptx.py
"""
import json
import statistics
import subprocess
import sys

CHILD = r'''
import json, sys, time
which = sys.argv[1]
t0 = time.perf_counter()
if which == "numba":
    from numba import cuda
    compile_ptx = lambda f, sig: cuda.compile_ptx(f, sig, cc=(7, 5))
else:
    from jitprofile import cuda
    compile_ptx = lambda f, sig: cuda.compile_ptx(f, sig, cc=(7, 5))
import math
t1 = time.perf_counter()

def mandel_kernel(min_x, max_x, min_y, max_y, image, iters):
    height = image.shape[0]
    width = image.shape[1]
    pixel_size_x = (max_x - min_x) / width
    pixel_size_y = (max_y - min_y) / height
    x, y = cuda.grid(2)
    if x < width and y < height:
        real = min_x + x * pixel_size_x
        imag = min_y + y * pixel_size_y
        c = complex(real, imag)
        z = 0.0j
        color = 255
        for i in range(iters):
            z = z * z + c
            if (z.real * z.real + z.imag * z.imag) >= 4:
                color = i
                break
        image[y, x] = color

def axpy(a, x, y, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = a * x[i] + math.sin(y[i]) + math.exp(y[i])

t2 = time.perf_counter()
ptx1, _ = compile_ptx(mandel_kernel, "void(float64, float64, float64, float64, uint8[:, ::1], int64)")
t3 = time.perf_counter()
ptx2, _ = compile_ptx(axpy, "void(float64, float64[::1], float64[::1], float64[::1])")
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first": t3 - t2, "second": t4 - t3, "len": [len(ptx1), len(ptx2)]}))
'''


def run(which, repeat=3):
    import os
    import tempfile
    rows = []
    # a file, not -c: the JIT reads the kernels' source
    fd, path = tempfile.mkstemp(suffix=".py")
    with os.fdopen(fd, "w") as f:
        f.write(CHILD)
    for _ in range(repeat):
        out = subprocess.run([sys.executable, path, which], capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            return None, out.stderr.strip().splitlines()[-1]
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(r[k] for r in rows) for k in ("import", "first", "second")}, None


def main():
    results = {}
    for which in ("jitprofile", "numba"):
        results[which], err = run(which)
        if err:
            print(f"{which}: unavailable ({err})")
    print("compile to PTX (sm_75), median of 3 fresh processes")
    print(f"{'':34}{'jitprofile':>12}{'numba-cuda':>12}{'jp/numba':>10}")
    for key, label in (("import", "import the CUDA module"), ("first", "first kernel (mandel), cold"),
                       ("second", "second kernel (axpy), warm")):
        jp, nb = results.get("jitprofile"), results.get("numba")
        a = f"{jp[key] * 1e3:9.1f} ms" if jp else "n/a"
        b = f"{nb[key] * 1e3:9.1f} ms" if nb else "n/a"
        r = f"{jp[key] / nb[key]:10.3f}" if jp and nb else ""
        print(f"{label:34}{a:>12}{b:>12}{r}")


if __name__ == "__main__":
    main()
