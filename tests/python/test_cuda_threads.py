"""CUDA compiles go through the one compile entry point (jp_compile, which
owns the compile lock for every target: jit/compile_service.h), so PTX
compiled from many threads at once, while the CPU JIT compiles in others,
is the PTX compiled alone."""
import threading

import pytest

import jitprofile
from jitprofile import cuda, float64, int64

pytestmark = pytest.mark.skipif(jitprofile._core.cuda_libdevice() is None, reason="CUDA libdevice not installed")


def scale(out, x, a):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = a * x[i]


def poly(x):
    return x * x + 3 * x + 1


def test_ptx_from_many_threads_is_the_ptx_compiled_alone():
    sigs = [(float64[::1], float64[::1], float64), (int64[::1], int64[::1], int64),
            (float64[:], float64[:], float64)]
    alone = [cuda.compile_ptx(scale, s)[0] for s in sigs]
    results, errors = {}, []

    def gpu(k):
        try:
            results[k] = cuda.compile_ptx(scale, sigs[k % 3])[0]
        except Exception as e:      # noqa: BLE001 - reported below
            errors.append(e)

    def cpu(k):
        try:
            f = jitprofile.njit(poly)           # a fresh dispatcher: a real compile each time
            assert f(float(k)) == poly(float(k)) and f(k) == poly(k)
        except Exception as e:      # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=gpu, args=(k,)) for k in range(9)]
    threads += [threading.Thread(target=cpu, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(results[k] == alone[k % 3] for k in range(9))
