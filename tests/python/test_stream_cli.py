"""python -m jitprofile record --serve (issue 6): the script's profile is
streamed while it runs (tcp and ipc), and the subscriber's rebuilt profile
equals the one the CLI writes; non-loopback needs --serve-public."""
import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from jitprofile.profile import Profile
from jitprofile.stream import Subscriber

WORK = textwrap.dedent("""
    import threading, time
    def hot():
        return sum(i * i for i in range(300_000))
    def worker():
        for _ in range(4):
            hot()
    t = threading.Thread(target=worker, name="w1")
    t.start()
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        hot()
    t.join()
""")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def record(*args):
    return subprocess.Popen([sys.executable, "-m", "jitprofile", "record", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("kind", ["tcp", "ipc"])
def test_serve_streams_the_profile_the_cli_writes(tmp_path, kind):
    script = tmp_path / "work.py"
    script.write_text(WORK)
    out = tmp_path / "out.json"
    if kind == "tcp":
        endpoint = f"tcp://127.0.0.1:{free_port()}"
    else:
        endpoint = f"ipc://{tmp_path}/stream.sock"
    sub = Subscriber(endpoint)          # connects before the bind: ZeroMQ retries
    proc = record("--serve", endpoint, "-o", str(out), str(script))
    seen_live = False
    try:
        for _ in range(600):
            sub.poll(0.1)
            if sub.synced and sub.stats()["total_weight"] > 0 and proc.poll() is None:
                seen_live = True        # data arrived while the script ran
            if sub.finished:
                break
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert f"streaming on {endpoint}" in err
    assert sub.finished and seen_live, sub.stats()
    local = json.loads(out.read_text())
    remote = sub.profile()
    assert sorted(Profile.from_dict(remote).data.collapsed().splitlines()) == \
        sorted(Profile.from_dict(local).data.collapsed().splitlines())
    assert sorted(map(tuple, remote["threads"])) == sorted(map(tuple, local["threads"]))
    assert any(t[2] == "w1" for t in remote["threads"])
    st = sub.stats()
    assert st["rejected"] == 0 and st["total_weight"] == st["end_total"] > 0
    assert sub.process()["pid"] == local["threads"][0][0]
    assert any(f[0] == "hot" for f in remote["functions"])


def test_serve_on_a_public_address_needs_the_flag(tmp_path):
    script = tmp_path / "w.py"
    script.write_text("x = 1\n")
    proc = record("--serve", "tcp://0.0.0.0:0", str(script))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "refusing" in err and "--serve-public" in err
    assert len(err.strip().splitlines()) == 1
    proc = record("--serve-public", str(script))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "--serve-public needs --serve" in err


def test_serve_public_binds_when_asked(tmp_path):
    script = tmp_path / "w.py"
    script.write_text("x = sum(range(1000))\n")
    proc = record("--serve", "tcp://0.0.0.0:*", "--serve-public", str(script))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "streaming on tcp://0.0.0.0:" in err


def test_serve_with_a_forked_child_that_returns(tmp_path):
    # a child forked by the script runs record's epilogue too: it must leave
    # the parent's stream alone (no error, one END, from the parent)
    script = tmp_path / "fork.py"
    script.write_text(textwrap.dedent("""
        import os, time
        t_end = time.time() + 1.0   # time for the subscriber to connect, even on a loaded machine
        while time.time() < t_end:
            x = sum(i * i for i in range(20_000))
        pid = os.fork()
        if pid == 0:
            raise SystemExit(0)
        os.waitpid(pid, 0)
    """))
    endpoint = f"ipc://{tmp_path}/fork.sock"
    sub = Subscriber(endpoint)
    proc = record("--serve", endpoint, "-o", str(tmp_path / "o.json"), str(script))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "belongs to the parent" not in err and "Traceback" not in err
    assert sub.wait(20) and sub.process()["pid"] == proc.pid
