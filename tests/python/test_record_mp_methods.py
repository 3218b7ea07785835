"""multiprocessing's spawn and forkserver children are followed (issue 16):
each child is profiled and merged into the parent's profile, tagged by its
pid, as forked children are."""
import json
import subprocess
import sys
import textwrap

SCRIPT = """
import multiprocessing as mp, sys, time

def spin_spawned_child(sec):
    t0 = time.thread_time()
    while time.thread_time() - t0 < sec:
        sum(range(1000))

def spin_forkserver_child(sec):
    t0 = time.thread_time()
    while time.thread_time() - t0 < sec:
        sum(range(1000))

def spin_pool_worker(sec):
    t0 = time.thread_time()
    while time.thread_time() - t0 < sec:
        sum(range(1000))

if __name__ == "__main__":
    for method, fn in (("spawn", spin_spawned_child), ("forkserver", spin_forkserver_child)):
        p = mp.get_context(method).Process(target=fn, args=(0.2,))
        p.start()
        p.join()
        assert p.exitcode == 0, p.exitcode
    with mp.get_context("spawn").Pool(2) as pool:      # must not break the run
        pool.map(spin_pool_worker, [0.05] * 4)
    sys.exit(7)
"""


def test_spawn_and_forkserver_children_are_merged(tmp_path):
    script = tmp_path / "mp_methods.py"
    script.write_text(textwrap.dedent(SCRIPT))
    out = tmp_path / "p.json"
    r = subprocess.run([sys.executable, "-m", "jitprofile", "record", "-o", str(out),
                        str(script)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 7, r.stderr
    doc = json.loads(out.read_text())
    funcs = doc["functions"]
    frames = doc["frames"]
    nodes = doc["nodes"]
    threads = doc["threads"]
    pids_of = {}
    for thread, node, _ts, w in doc["samples"]:
        n = node
        while n > 0:
            name = funcs[frames[nodes[n][1]][0]][0]
            if name.startswith("spin_"):
                pids_of.setdefault(name, set()).add(threads[thread][0])
            n = nodes[n][0]
    for name in ("spin_spawned_child", "spin_forkserver_child", "spin_pool_worker"):
        assert name in pids_of, (name, sorted(pids_of))
    spawned, = pids_of["spin_spawned_child"]
    served, = pids_of["spin_forkserver_child"]
    assert spawned != served
    main_pids = {t[0] for t in threads} - set().union(*pids_of.values())
    assert main_pids and spawned not in main_pids and served not in main_pids


def test_no_children_leaves_spawn_children_alone(tmp_path):
    script = tmp_path / "mp_methods.py"
    script.write_text(textwrap.dedent(SCRIPT))
    r = subprocess.run([sys.executable, "-m", "jitprofile", "record", "--no-children",
                        "--format", "json", str(script)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 7, r.stderr
    doc = json.loads(r.stdout)
    assert len({t[0] for t in doc["threads"]}) == 1
    assert not any(f[0].startswith("spin_") for f in doc["functions"])
