"""Issue 7: nogil=True functions run in several threads at once.

No timing: the threads meet inside native code.  Each thread's call announces
itself in a shared counter array and then spins (bounded) until every other thread
has announced itself too.  That can only happen if all the calls are inside the
compiled loop at the same time; a GIL-holding function (the control) never sees
the others, since the second thread cannot enter before the first returns.
The bound is generous (seconds) so a loaded 2-core machine still passes.
"""
import threading

import numpy as np
import pytest

from jitprofile import njit

SPIN_LIMIT = 4_000_000_000          # a few seconds of spinning at most, then give up


def _rendezvous(counters, me, limit):
    """Announce `me`, then spin until all counters are non-zero (True) or `limit` rounds."""
    counters[me] += 1
    n = counters.shape[0]
    for it in range(limit):
        seen = 0
        for j in range(n):
            if counters[j] > 0:
                seen += 1
        counters[me] += 1            # a store each round keeps the loads in the loop
        if seen == n:
            return True
    return False


rendezvous_nogil = njit(nogil=True)(_rendezvous)
rendezvous_gil = njit(_rendezvous)


def _run_threads(fn, nthreads, limit):
    counters = np.zeros(nthreads, dtype=np.int64)
    fn(np.ones(1, dtype=np.int64), 0, 1)             # compile first
    barrier = threading.Barrier(nthreads)
    results = [None] * nthreads

    def worker(k):
        barrier.wait()
        results[k] = fn(counters, k, limit)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results, counters


@pytest.mark.parametrize("nthreads", [2, 4])
def test_nogil_calls_run_at_the_same_time(nthreads):
    results, counters = _run_threads(rendezvous_nogil, nthreads, SPIN_LIMIT)
    assert results == [True] * nthreads, (results, counters)


def test_control_gil_holding_calls_do_not_overlap():
    # the mechanism's control: with the GIL held, the first call to enter can never see
    # the others (it gives up after its bound), so not every thread succeeds
    results, counters = _run_threads(rendezvous_gil, 2, 20_000_000)
    assert results.count(False) >= 1, (results, counters)


def _work(a, reps):
    s = 0.0
    for r in range(reps):
        tmp = np.empty(a.shape[0])                 # allocation inside nogil code
        for i in range(a.shape[0]):
            tmp[i] = a[i] * (r + 1)
        s += tmp.sum()
    return s


work_nogil = njit(nogil=True)(_work)


def test_nogil_threads_compute_correct_results_concurrently():
    a = np.arange(1000.0)
    expected = _work(a, 50)
    out = [None] * 4
    errors = []

    def worker(k):
        try:
            for _ in range(20):
                out[k] = work_nogil(a, 50)
                if out[k] != expected:
                    errors.append((k, out[k]))
        except BaseException as e:  # noqa: BLE001
            errors.append(repr(e))

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert out == [expected] * 4


def test_nogil_function_raising_in_threads():
    @njit(nogil=True)
    def check(x):
        if x < 0:
            raise ValueError("negative")
        return x

    check(1)
    got = []

    def worker(v):
        try:
            got.append(check(v))
        except ValueError as e:
            got.append(str(e))

    ts = [threading.Thread(target=worker, args=(v,)) for v in (1, -1, 2, -2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(map(str, got)) == ["1", "2", "negative", "negative"]
