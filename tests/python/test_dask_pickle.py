"""Issue 14: jitted functions defined in a notebook cell run on Dask workers.

One real LocalCluster (2 spawned worker processes, one thread each) for the
module.  The functions come from source exec'd under a file name known only
to this process's linecache (as a notebook cell): the workers compile them
from the source shipped in the pickle (jitprofile/serialize.py), once per
worker however many tasks use them, and a second cluster loads cache=True
code from the on-disk cache the first one wrote.
"""
import logging
import os

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("cloudpickle")

from test_jit_pickle import make_cell  # noqa: E402

CELL = "/nonexistent/ipykernel_4343/cell-3.py"

SOURCE = '''\
import numpy as np
import jitprofile as jp

OFFSET = 0.5


@jp.njit
def harmonic(n):
    s = 0.0
    for i in range(1, n + 1):
        s += 1.0 / i
    return s + OFFSET


@jp.njit
def norm2(xs):
    s = 0.0
    for v in xs:
        s += v * v
    return s


def task(n):
    # arrays made on the worker (test_array_argument_from_the_client sends them)
    return norm2(np.arange(float(n))) + harmonic(n)


@jp.njit(cache=True)
def cached_poly(x, n):
    s = 0.0
    for i in range(n):
        s = s * x + i
    return s


@jp.njit
def broken(x):
    return x.missing_attribute
'''


def worker_state():
    """On a worker: the memo's counters and each rebuilt function's compiled signatures."""
    from jitprofile import serialize
    st = serialize.stats()
    return st["rebuilt"], st["compiled"]


def cache_stats():
    from jitprofile import serialize
    return [(o.__name__, o.stats.cache_hits, o.stats.cache_misses)
            for o in list(serialize._recent) if getattr(o, "__name__", "") == "cached_poly"]


def start(cache_dir):
    os.environ["JITPROFILE_CACHE_DIR"] = str(cache_dir)     # spawned workers inherit it
    cluster = distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
    return cluster, distributed.Client(cluster)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("jpcache")


@pytest.fixture(scope="module")
def cluster(cache_dir):
    old = os.environ.get("JITPROFILE_CACHE_DIR")
    cluster, client = start(cache_dir)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
        if old is None:
            os.environ.pop("JITPROFILE_CACHE_DIR", None)
        else:
            os.environ["JITPROFILE_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def cell():
    return make_cell(SOURCE, CELL)


def test_cell_function_runs_on_both_workers_and_compiles_once(cluster, cell):
    client = cluster
    workers = sorted(client.scheduler_info()["workers"])
    assert len(workers) == 2
    ns = list(range(1, 9))
    expected = [cell["harmonic"](n) for n in ns]
    expected_task = [cell["task"](n) for n in ns]
    for w in workers:       # several tasks on each worker
        futures = client.map(cell["harmonic"], ns, workers=[w], pure=False)
        assert client.gather(futures) == expected
        assert client.submit(cell["harmonic"], 4, workers=[w], pure=False).result() == expected[3]
        futures = client.map(cell["task"], ns, workers=[w], pure=False)    # a closure over two
        assert client.gather(futures) == expected_task
    # pure=True (the default) tokenizes the function: deterministic, so one key
    a, b = client.submit(cell["harmonic"], 6), client.submit(cell["harmonic"], 6)
    assert a.key == b.key and a.result() == cell["harmonic"](6)
    state = client.run(worker_state)
    assert sorted(state) == workers
    for rebuilt, compiled in state.values():
        assert rebuilt == 2                                   # one dispatcher per function and worker ...
        assert compiled == {"harmonic": 1, "norm2": 1}        # ... compiled once (one signature each)


def test_array_argument_from_the_client(cluster, cell):
    """client.submit(njit_f, array): Dask hands the worker an unaligned array;
    the dispatcher runs on an aligned copy (as Numba accepts it)."""
    xs = np.linspace(0.0, 3.0, 1001)
    futures = [cluster.submit(cell["norm2"], xs, workers=[w], pure=False)
               for w in sorted(cluster.scheduler_info()["workers"])]
    for f in futures:
        assert f.result() == pytest.approx(float(np.dot(xs, xs)), rel=1e-12)


def test_error_on_a_worker_names_the_cell_line(cluster, cell):
    line = SOURCE.splitlines().index("    return x.missing_attribute") + 1
    with pytest.raises(Exception) as info:
        cluster.submit(cell["broken"], 1.0, pure=False).result()
    assert f"{CELL}:{line}" in str(info.value)


def test_cache_true_hits_on_a_second_cluster(cluster, cell, cache_dir):
    client = cluster
    expected = cell["cached_poly"].py_func(0.5, 40)      # not compiled here: the workers write the cache
    workers = sorted(client.scheduler_info()["workers"])
    for w in workers:
        assert client.submit(cell["cached_poly"], 0.5, 40, workers=[w], pure=False).result() == expected
    first = client.run(cache_stats)
    assert sum(misses for v in first.values() for _, _, misses in v) >= 1   # compiled and stored
    assert any(p.suffix == ".jpc" for p in cache_dir.rglob("*"))
    cluster2, client2 = start(cache_dir)
    try:
        for w in sorted(client2.scheduler_info()["workers"]):
            assert client2.submit(cell["cached_poly"], 0.5, 40, workers=[w], pure=False).result() == expected
        second = client2.run(cache_stats)
        assert len(second) == 2
        for v in second.values():
            assert v == [("cached_poly", 1, 0)]               # loaded from disk, not compiled
    finally:
        client2.close()
        cluster2.close()
