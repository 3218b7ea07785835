"""Ufunc error state belongs to the call (issue 13 item 3): several Python
threads calling failing and good @vectorize ufuncs (serial and parallel
targets) at once; every failing call raises its own error and every good
call returns NumPy's result.  Before the fix the error slot was one
process-wide global: a failing parallel ufunc beside a good one crashed,
two failing ones lost errors, a serial ufunc's error surfaced in another
thread."""
import threading

import numpy as np
import pytest

import jitprofile
from jitprofile import vectorize

BIG = 200_000          # split over the pool (PARALLEL_MIN is 4096)
ITERS = 60


@vectorize(["float64(float64)"], target="parallel")
def bad_par(x):
    if x < 0:
        raise ValueError("bad_par: negative")
    return x * 2


@vectorize(["float64(float64)"], target="parallel")
def good_par(x):
    return x * 3 + 1


@vectorize(["float64(float64)"])
def bad_ser(x):
    if x < 0:
        raise ZeroDivisionError("bad_ser: negative")
    return x * 2


@vectorize(["float64(float64)"])
def good_ser(x):
    return x * 3 + 1


@pytest.fixture
def two_threads():
    old = jitprofile.get_num_threads()
    jitprofile.set_num_threads(2)   # as the other vectorize tests (the pool never shrinks)
    yield
    jitprofile.set_num_threads(old)


def _hammer(jobs):
    """Run each job (a callable returning a list of problems) in its own
    thread, all started together; return every problem found."""
    barrier = threading.Barrier(len(jobs))
    problems = []

    def run(job):
        barrier.wait()
        try:
            problems.extend(job())
        except BaseException as e:     # an unexpected exception is a problem too
            problems.append(f"{job.__name__}: unexpected {e!r}")

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
        assert not t.is_alive(), "a ufunc call hung"
    return problems


def _failing(ufunc, exc, msg, n):
    def job():
        out = []
        x = np.ones(n)
        for i in range(ITERS):
            x[:] = 1.0
            x[(i * 7919) % n] = -1.0
            try:
                ufunc(x)
                out.append(f"{ufunc.__name__}: call {i} returned normally")
            except exc as e:
                if msg not in str(e):
                    out.append(f"{ufunc.__name__}: call {i} raised someone else's error {e!r}")
            except Exception as e:
                out.append(f"{ufunc.__name__}: call {i} raised someone else's error {e!r}")
        return out
    job.__name__ = ufunc.__name__
    return job


def _good(ufunc, n):
    def job():
        out = []
        x = np.linspace(0.0, 10.0, n)
        want = x * 3 + 1
        for i in range(ITERS):
            try:
                got = ufunc(x)
            except Exception as e:
                out.append(f"{ufunc.__name__}: call {i} raised {e!r}")
                continue
            if not np.array_equal(got, want):
                out.append(f"{ufunc.__name__}: call {i} returned a wrong array")
        return out
    job.__name__ = ufunc.__name__
    return job


def test_failing_parallel_beside_good_parallel(two_threads):
    assert _hammer([_failing(bad_par, ValueError, "bad_par", BIG), _good(good_par, BIG)]) == []


def test_two_failing_parallel_ufuncs_each_raise(two_threads):
    assert _hammer([_failing(bad_par, ValueError, "bad_par", BIG),
                    _failing(bad_par, ValueError, "bad_par", BIG),
                    _good(good_par, BIG)]) == []


def test_serial_error_stays_in_its_thread(two_threads):
    # the serial ufunc raises ZeroDivisionError, the parallel one ValueError:
    # each thread must see its own, and the good ones none
    assert _hammer([_failing(bad_ser, ZeroDivisionError, "bad_ser", 1000),
                    _failing(bad_par, ValueError, "bad_par", BIG),
                    _good(good_ser, 1000),
                    _good(good_par, BIG)]) == []
