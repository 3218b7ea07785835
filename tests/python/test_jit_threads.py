"""Threads: nogil releases the GIL; one dispatcher used from many threads while it compiles
new signatures; concurrent compilation of different functions; per-thread exceptions.

No timing thresholds: the nogil test compares how much a Python thread progresses while
a nogil call runs against the same for a GIL-holding call, and the call length is
calibrated first so both runs last about the same time.
"""
import threading
import time

import pytest

from jitprofile import njit


@njit(nogil=True)
def spin_nogil(n):
    x = 0.0
    for i in range(n):
        x = x * 0.999999 + 1.0
    return x


@njit
def spin_gil(n):
    x = 0.0
    for i in range(n):
        x = x * 0.999999 + 1.0
    return x


def _calibrate(fn, target_s=0.3):
    fn(10)                                   # compile
    n = 100_000
    while True:
        t0 = time.perf_counter()
        fn(n)
        dt = time.perf_counter() - t0
        if dt > 0.02 or n > 10**10:
            break
        n *= 4
    return max(n, int(n * target_s / max(dt, 1e-9)))


def _python_progress_during(fn, n):
    started = threading.Event()
    done = threading.Event()
    result = []

    def worker():
        started.set()
        result.append(fn(n))
        done.set()

    t = threading.Thread(target=worker)
    count = 0
    t.start()
    started.wait()
    while not done.is_set():
        count += 1
    t.join()
    assert result and result[0] > 0
    return count


def test_nogil_lets_python_threads_run():
    n = _calibrate(spin_nogil)
    spin_gil(10)
    with_gil = _python_progress_during(spin_gil, n)
    without_gil = _python_progress_during(spin_nogil, n)
    # while the nogil call runs (~0.3 s) the main thread keeps counting; while the
    # GIL-holding call runs it can only count in the few ms around the call.
    assert without_gil > 10_000, (with_gil, without_gil)
    assert without_gil > 5 * with_gil, (with_gil, without_gil)


def test_nogil_results_correct_from_two_threads():
    expected = spin_nogil.py_func(50_000)
    out = [None, None]

    def run(k):
        out[k] = spin_nogil(50_000)

    ts = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert out == [expected, expected]


@njit
def ident(x):
    return x


@njit
def dbl(x):
    return x + x


STRESS_VALUES = [1, 2.5, 1 + 2j, True, (1, 2), (1, 2.5), -7, 0.0, (3, -4), (0, 1e10), False, 3j]
SCALARS = [v for v in STRESS_VALUES if not isinstance(v, tuple)]


def test_many_threads_one_dispatcher_new_signatures():
    nthreads = 8
    barrier = threading.Barrier(nthreads)
    errors = []

    def worker(k):
        try:
            barrier.wait()
            for rep in range(20):
                vals = STRESS_VALUES[k % len(STRESS_VALUES):] + STRESS_VALUES[:k % len(STRESS_VALUES)]
                for v in vals:
                    r = ident(v)
                    if r != v or type(r) is not type(v):
                        errors.append(("ident", v, r))
                    if not isinstance(v, tuple):
                        r = dbl(v)
                        e = v + v
                        if r != e or type(r) is not type(e):
                            errors.append(("dbl", v, r))
        except BaseException as exc:  # noqa: BLE001
            errors.append(("exception", k, repr(exc)))

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    sigs = [tuple(str(t) for t in s) for s in ident.signatures]
    assert sorted(sigs) == sorted([("int64",), ("float64",), ("complex128",), ("bool",),
                                   ("UniTuple(int64, 2)",), ("Tuple(int64, float64)",)])
    assert len(set(ident.signatures)) == len(ident.signatures)
    dsigs = [tuple(str(t) for t in s) for s in dbl.signatures]
    assert sorted(dsigs) == sorted([("int64",), ("float64",), ("complex128",), ("bool",)])
    assert len(ident.overloads) == 6 and len(dbl.overloads) == 4


def _poly(x, k):
    s = 0.0
    for i in range(k):
        s = s * x + i
    return s


def test_concurrent_compilation_of_different_dispatchers():
    nthreads = 8
    fns = [njit(_poly) for _ in range(nthreads)]
    barrier = threading.Barrier(nthreads)
    results = [None] * nthreads
    errors = []

    def worker(k):
        try:
            barrier.wait()
            results[k] = (fns[k](k, 5), fns[k](k + 0.5, 5))
        except BaseException as exc:  # noqa: BLE001
            errors.append(repr(exc))

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert results == [(_poly(k, 5), _poly(k + 0.5, 5)) for k in range(nthreads)]


@njit
def checked(x):
    if x < 0:
        raise ValueError("negative")
    return x // 1


def test_exceptions_are_per_thread():
    checked(1)
    nthreads = 8
    barrier = threading.Barrier(nthreads)
    outcome = [None] * nthreads

    def worker(k):
        barrier.wait()
        got = []
        for rep in range(200):
            x = -1 if (rep + k) % 2 else rep
            try:
                r = checked(x)
                got.append(r == x)
            except ValueError as e:
                got.append(x < 0 and e.args == ("negative",))
            except BaseException:  # noqa: BLE001
                got.append(False)
        outcome[k] = all(got)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert outcome == [True] * nthreads


@pytest.mark.parametrize("nthreads", [4])
def test_zero_division_in_threads(nthreads):
    @njit
    def div(a, b):
        return a // b

    div(1, 1)
    errs = []

    def worker():
        for i in range(100):
            try:
                div(1, 0)
                errs.append("no error")
            except ZeroDivisionError:
                pass
            if div(10, 3) != 3:
                errs.append("wrong")

    ts = [threading.Thread(target=worker) for _ in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errs == []
