"""python -m jitprofile record must never harm its target (issue 13, items
13-17): exec, fork without exec, the output file, high wall rates, and the
program's own SIGPROF / ITIMER_PROF.  Each test runs the real CLI."""
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap

import pytest


def record(*args, cwd=None, preexec_fn=None, timeout=180):
    return subprocess.run([sys.executable, "-m", "jitprofile", "record", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          preexec_fn=preexec_fn)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def functions(doc):
    return {f[0] for f in doc["functions"]}


# -- 13: exec ---------------------------------------------------------------

EXEC = """
    import os
    def work():
        return sum(i * i for i in range(300_000))
    for _ in range(4):
        work()
    # long enough for any timer of ours that survived the exec to fire
    os.execv("/bin/sh", ["/bin/sh", "-c", "sleep 1.5; exit 7"])
"""


def test_exec_keeps_the_new_programs_exit_code_and_writes_the_profile(tmp_path):
    script = write(tmp_path, "ex.py", EXEC)
    out = tmp_path / "p.json"
    r = record("-o", str(out), str(script))
    assert r.returncode == 7, r.stderr
    doc = json.loads(out.read_text())
    assert "work" in functions(doc)
    assert "up to the target's exec" in r.stderr


def test_execvpe_and_execl_go_through_the_hook_too(tmp_path):
    script = write(tmp_path, "ex.py", """
        import os
        sum(i * i for i in range(300_000))
        os.execlp("sh", "sh", "-c", "sleep 1.5; exit 9")
    """)
    out = tmp_path / "p.txt"
    r = record("-o", str(out), str(script))
    assert r.returncode == 9, r.stderr
    assert out.read_text().startswith("jitprofile: ")


def test_a_failed_exec_goes_on_profiled(tmp_path):
    script = write(tmp_path, "ex.py", """
        import os
        try:
            os.execv("/nonexistent/prog", ["prog"])
        except OSError:
            pass
        def after():
            return sum(i * i for i in range(1_500_000))
        after()
    """)
    out = tmp_path / "p.json"
    r = record("-o", str(out), str(script))
    assert r.returncode == 0, r.stderr
    assert "after" in functions(json.loads(out.read_text()))


# -- 14: fork without exec ----------------------------------------------------

FORK = """
    import os, sys
    def parent_work():
        return sum(i * i for i in range(2_000_000))
    def child_work():
        return sum(i * i for i in range(1_500_000))
    parent_work()
    pid = os.fork()
    if pid == 0:
        child_work()
        if sys.argv[1] == "sys.exit":
            sys.exit(0)
        if sys.argv[1] == "os._exit":
            os._exit(0)
        # else: falls off the end of the script, like the parent
    else:
        os.waitpid(pid, 0)
        parent_work()
"""


@pytest.mark.parametrize("how", ["sys.exit", "os._exit", "end"])
def test_a_forked_child_does_not_replace_the_parents_profile(tmp_path, how):
    script = write(tmp_path, "fk.py", FORK)
    out = tmp_path / "p.json"
    r = record("-o", str(out), str(script), how)
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    names = functions(doc)
    assert "parent_work" in names and "child_work" in names, names
    assert len({t[0] for t in doc["threads"] if t[3] > 0}) == 2     # both pids
    assert r.stderr.count("profile written") == 1, r.stderr


# -- 15: the output file ----------------------------------------------------

MARK = """
    import sys
    open(sys.argv[1], "w").write("ran")
    sum(i * i for i in range(300_000))
"""


def test_a_missing_output_directory_fails_before_the_run(tmp_path):
    script = write(tmp_path, "m.py", MARK)
    mark = tmp_path / "mark"
    r = record("-o", str(tmp_path / "missing" / "p.txt"), str(script), str(mark))
    assert r.returncode == 2
    assert "does not exist" in r.stderr and len(r.stderr.splitlines()) == 1
    assert not mark.exists()


@pytest.mark.parametrize("via_link", [False, True])
def test_the_script_is_never_the_output(tmp_path, via_link):
    script = write(tmp_path, "m.py", MARK)
    before = script.read_text()
    mark = tmp_path / "mark"
    target = script
    if via_link:
        target = tmp_path / "link.txt"
        target.symlink_to(script)
    r = record("-o", str(target), str(script), str(mark))
    assert r.returncode == 2 and "refusing to overwrite" in r.stderr
    assert script.read_text() == before and not mark.exists()


def test_the_module_file_is_never_the_output(tmp_path):
    write(tmp_path, "mymod.py", MARK)
    before = (tmp_path / "mymod.py").read_text()
    r = record("-o", "mymod.py", "-m", "mymod", "mark", cwd=tmp_path)
    assert r.returncode == 2 and "refusing to overwrite" in r.stderr
    assert (tmp_path / "mymod.py").read_text() == before


EXITS = """
    import sys
    def work():
        return sum(i * i for i in range(400_000))
    for _ in range(3):
        work()
    sys.exit(int(sys.argv[1]))
"""


def _small_files():
    # a 2 KiB file size limit: writes past it fail with EFBIG (SIGXFSZ ignored)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


@pytest.mark.parametrize("code, expect", [(5, 5), (0, 3)])
def test_a_failed_write_keeps_the_old_file_and_the_exit_code(tmp_path, code, expect):
    script = write(tmp_path, "w.py", EXITS)
    out = tmp_path / "p.json"
    out.write_text('{"good": "old profile"}')
    r = record("-o", str(out), str(script), str(code), preexec_fn=_small_files)
    assert r.returncode == expect, r.stderr
    assert "could not be written" in r.stderr
    assert out.read_text() == '{"good": "old profile"}'
    assert sorted(os.listdir(tmp_path)) == ["p.json", "w.py"]      # no temporary left


def test_dev_full_reports_the_error_and_keeps_the_exit_code(tmp_path):
    script = write(tmp_path, "w.py", EXITS)
    r = record("-o", "/dev/full", str(script), "6")
    assert r.returncode == 6 and "could not be written" in r.stderr


def test_a_full_filesystem_keeps_the_old_file(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = mnt / "p.json"
        out.write_text('{"good": "old profile"}')
        with open(mnt / "filler", "wb", buffering=0) as f:     # fill it up
            try:
                while True:
                    f.write(b"x" * 4096)
            except OSError:
                pass
        script = write(tmp_path, "w.py", EXITS)
        r = record("-o", str(out), str(script), "0")
        assert r.returncode == 3 and "could not be written" in r.stderr
        assert out.read_text() == '{"good": "old profile"}'
        assert sorted(os.listdir(mnt)) == ["filler", "p.json"]
    finally:
        subprocess.run(["umount", str(mnt)])


def test_the_output_replaces_an_old_one_whole(tmp_path):
    script = write(tmp_path, "w.py", EXITS)
    out = tmp_path / "p.json"
    out.write_text("old")
    os.chmod(out, 0o640)
    r = record("-o", str(out), str(script), "0")
    assert r.returncode == 0, r.stderr
    assert "work" in functions(json.loads(out.read_text()))
    assert os.stat(out).st_mode & 0o777 == 0o640


def test_the_output_goes_where_it_was_asked_even_if_the_target_chdirs(tmp_path):
    script = write(tmp_path, "cd.py", """
        import os
        os.makedirs("elsewhere", exist_ok=True)
        os.chdir("elsewhere")
        sum(i * i for i in range(1_000_000))
    """)
    r = record("-o", "p.txt", str(script), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "p.txt").read_text().startswith("jitprofile: ")
    assert not (tmp_path / "elsewhere" / "p.txt").exists()


# -- 16: wall time at 10 kHz ----------------------------------------------------

def test_wall_10khz_import_numpy_finishes_and_reports_the_rate(tmp_path):
    script = write(tmp_path, "np_.py", """
        import sys, time
        import numpy as np
        t = time.perf_counter()
        while time.perf_counter() - t < 0.3:
            np.sort(np.random.rand(10_000))
        sys.exit(4)
    """)
    out = tmp_path / "p.json"
    r = record("--wall", "--rate", "10000", "-o", str(out), str(script), timeout=600)
    assert r.returncode == 4, r.stderr
    doc = json.loads(out.read_text())
    # paced or not (pacing needs two windows running over a quarter of the
    # period: a machine-dependent cost), the report says which, consistently
    capped = doc["effective_hz"] < 10000
    assert capped == any("capped" in w for w in doc["warnings"])
    assert capped == (f"capped at {doc['effective_hz']} Hz" in r.stderr)
    assert 100 <= doc["effective_hz"] <= 10000


def test_wall_10khz_with_many_threads_is_paced_and_says_so(tmp_path):
    # 17 threads at 10 kHz of wall time: 170 000 samples a second, unwound one
    # thread at a time - more than any machine takes in a quarter of a period
    script = write(tmp_path, "many.py", """
        import sys, threading, time
        ev = threading.Event()
        ts = [threading.Thread(target=ev.wait) for _ in range(16)]
        for t in ts:
            t.start()
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 1.0:
            sum(range(1000))
        ev.set()
        for t in ts:
            t.join()
        sys.exit(5)
    """)
    out = tmp_path / "p.json"
    r = record("--wall", "--rate", "10000", "-o", str(out), str(script), timeout=600)
    assert r.returncode == 5, r.stderr
    doc = json.loads(out.read_text())
    assert doc["effective_hz"] < 10000, doc["handler_mean_ns"]
    assert f"capped at {doc['effective_hz']} Hz (asked for 10000 Hz)" in r.stderr
    assert len([t for t in doc["threads"] if t[3] > 0]) == 17


def test_the_text_report_names_the_capped_rate(tmp_path):
    script = write(tmp_path, "np_.py", """
        import numpy as np
        for _ in range(30):
            np.sort(np.random.rand(10_000))
    """)
    r = record("--wall", "--rate", "10000", "--format", "json", str(script), timeout=600)
    doc = json.loads(r.stdout)
    r2 = record("--wall", "--rate", "10000", str(script), timeout=600)
    # once (a loaded machine) this run printed nothing: keep why, if it does again
    assert r2.returncode == 0 and r2.stdout, (r2.returncode, r2.stderr[-3000:])
    head = r2.stdout.splitlines()[0]
    assert r.returncode == 0 and r2.returncode == 0
    if "capped" in head:
        assert "(capped from 10000 Hz)" in head
    del doc


# -- 17: the program's own SIGPROF ------------------------------------------

def test_sigprof_ignored_then_default_does_not_kill_the_target(tmp_path):
    script = write(tmp_path, "sp.py", """
        import signal
        def work():
            return sum(i * i for i in range(300_000))
        signal.signal(signal.SIGPROF, signal.SIG_IGN)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)
        for _ in range(8):
            work()
        print("alive")
    """)
    out = tmp_path / "p.json"
    r = record("-o", str(out), str(script))
    assert r.returncode == 0, r.stderr
    assert "alive" in r.stdout
    doc = json.loads(out.read_text())
    assert "work" in functions(doc)
    assert any("SIGPROF" in w for w in doc["warnings"]) and "SIGPROF" in r.stderr


OWN_HANDLER = """
    import signal, sys
    count = 0
    def on_prof(signum, frame):
        global count
        count += 1
    signal.signal(signal.SIGPROF, on_prof)
    if sys.argv[1] == "timer":
        signal.setitimer(signal.ITIMER_PROF, 0.01, 0.01)
    def work():
        return sum(i * i for i in range(300_000))
    for _ in range(15):
        work()
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    print("count", count)
"""


def test_a_forked_childs_sigprof_use_is_in_the_report(tmp_path):
    script = write(tmp_path, "cs.py", """
        import os, signal
        def work():
            return sum(i * i for i in range(600_000))
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGPROF, signal.SIG_IGN)
            work()
            os._exit(0)
        work()
        os.waitpid(pid, 0)
    """)
    out = tmp_path / "p.json"
    r = record("-o", str(out), str(script))
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert any(w.startswith("a child process: the program set its own SIGPROF")
               for w in doc["warnings"]), doc["warnings"]


def _count(stdout):
    return int(next(l for l in stdout.splitlines() if l.startswith("count")).split()[1])


def test_a_sigprof_handler_without_a_timer_sees_no_signal_of_ours(tmp_path):
    script = write(tmp_path, "h.py", OWN_HANDLER)
    out = tmp_path / "p.json"
    r = record("-o", str(out), str(script), "none")
    assert r.returncode == 0, r.stderr
    assert _count(r.stdout) == 0                    # as without the profiler
    doc = json.loads(out.read_text())
    assert "work" in functions(doc)                 # and the profile is not empty
    assert any("SIGPROF" in w for w in doc["warnings"])


def test_own_itimer_prof_counts_as_without_the_profiler(tmp_path):
    script = write(tmp_path, "h.py", OWN_HANDLER)
    plain = subprocess.run([sys.executable, str(script), "timer"], capture_output=True,
                           text=True, timeout=120)
    base = _count(plain.stdout)
    out = tmp_path / "p.json"
    r = record("-o", str(out), str(script), "timer")
    assert r.returncode == 0, r.stderr
    n = _count(r.stdout)
    assert base > 0 and 0.5 * base <= n <= 1.6 * base, (base, n)
    doc = json.loads(out.read_text())
    assert "work" in functions(doc)
    assert any("ITIMER_PROF" in w for w in doc["warnings"])


def test_a_program_that_takes_the_sampling_signal_over_keeps_it(tmp_path):
    # the sampler's real-time signal is the highest free one: a program that
    # puts its own handler there gets it; sampling stops, and the report says so
    script = write(tmp_path, "rt.py", """
        import signal
        def work():
            return sum(i * i for i in range(300_000))
        for _ in range(4):
            work()
        got = []
        signal.signal(signal.SIGRTMAX, lambda s, f: got.append(s))
        for _ in range(8):
            work()
        print("foreign", len(got))
    """)
    out = tmp_path / "p.json"
    r = record("-o", str(out), str(script))
    assert r.returncode == 0, r.stderr
    assert "foreign 0" in r.stdout         # none of our ticks reached its handler
    doc = json.loads(out.read_text())
    assert "work" in functions(doc)
    assert any("took over the sampling signal" in w for w in doc["warnings"])
