"""Issue 13 items 8-11: a cache entry is machine code run on load, so it must
come from this user, be intact, match every compile option, and reading it
must never hang.

Every case runs child interpreters (a timeout each) on a script in tmp_path,
with JITPROFILE_CACHE_DIR and XDG_CACHE_HOME (where the per-user MAC key lives)
inside tmp_path, and compares what they print with the right answer:
- a forged entry (right format and header, injected code, MAC under another
  key) is a clean miss and its code never runs;
- entries and directories owned by another user (uid 65534: the tests run as
  root), or writable by group/others, are refused; a sticky directory is fine;
- flipped bytes anywhere (header, type table, code, MAC) are a clean miss;
- boundscheck, error_model, fastmath, parallel and nogil each key their own entry;
- an entry path that is a FIFO or a symlink to /dev/zero does not hang;
- the key file is created 0600 with 32 random bytes, and a key others can read
  turns caching off instead of being trusted.
"""
import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest

MAGIC = b"JITPROFILE-CACHE-2\n"
OTHER_UID = 65534

PRELUDE = '''
import json, os, sys
import numpy as np
from jitprofile import njit


def report(results, **dispatchers):
    stats = {n: {"hits": d.stats.cache_hits, "misses": d.stats.cache_misses}
             for n, d in dispatchers.items()}
    print("RESULT " + json.dumps({"results": results, "stats": stats}))
'''


def write(tmp_path, body, name="script.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(PRELUDE) + textwrap.dedent(body))
    return path


def child(script, tmp_path, cache=None, env_extra=None, timeout=120, ok=True):
    env = dict(os.environ)
    env["JITPROFILE_CACHE_DIR"] = str(cache or tmp_path / "cache")
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    env.update(env_extra or {})
    p = subprocess.run([sys.executable, "-X", "faulthandler", str(script)], capture_output=True,
                       text=True, timeout=timeout, cwd=str(script.parent), env=env)
    if not ok:
        return p
    assert p.returncode == 0, f"child failed (rc={p.returncode}):\n{p.stdout}\n{p.stderr}"
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("RESULT ")]
    assert len(lines) == 1, p.stdout + p.stderr
    out = json.loads(lines[0][len("RESULT "):])
    out["stderr"] = p.stderr
    return out


def entries(cache):
    return sorted(cache / p for p in os.listdir(cache) if p.endswith(".jpc")) if cache.is_dir() else []


def user_key(tmp_path):
    return (tmp_path / "xdg" / "jitprofile" / "key").read_bytes()


def hmac(key, data):
    import hmac as _hmac
    return _hmac.new(key, data, "sha256").digest()


def split(data):
    """(header bytes, payload, mac) of an entry (format: jitprofile/_cache.py)."""
    assert data.startswith(MAGIC)
    start = len(MAGIC) + 4
    end = start + int.from_bytes(data[len(MAGIC):start], "little")
    return data[:end], data[end:-32], data[-32:]


VALUE = '''
@njit(cache=True)
def value(x):
    return x * 0.5 + CONST


report({"v": value(3.0)}, value=value)
'''


def test_key_is_created_private_and_random(tmp_path):
    script = write(tmp_path, "CONST = 1.0\n" + VALUE)
    out = child(script, tmp_path)
    assert out["results"] == {"v": 2.5}
    keyfile = tmp_path / "xdg" / "jitprofile" / "key"
    st = os.lstat(keyfile)
    assert stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert st.st_size == 32 and keyfile.read_bytes() != bytes(32)
    # the entry is authenticated with it
    (entry,) = entries(tmp_path / "cache")
    head, payload, mac = split(entry.read_bytes())
    assert hmac(keyfile.read_bytes(), head + payload) == mac
    assert stat.S_IMODE(os.stat(entry).st_mode) & 0o022 == 0
    assert child(script, tmp_path)["stats"]["value"] == {"hits": 1, "misses": 0}


def test_forged_entry_is_a_clean_miss_and_its_code_never_runs(tmp_path):
    # the attacker's code: the same function compiled to return something else,
    # put under the header that matches the victim's function (source hash,
    # versions, CPU: public facts), signed with a key that is not the user's
    evil = write(tmp_path, "CONST = 1000.0\n" + VALUE, name="evil.py")
    victim = write(tmp_path, "CONST = 1.0\n" + VALUE, name="victim.py")
    assert child(evil, tmp_path, cache=tmp_path / "evil")["results"] == {"v": 1001.5}
    assert child(victim, tmp_path)["results"] == {"v": 2.5}
    (evil_entry,) = entries(tmp_path / "evil")
    (victim_entry,) = entries(tmp_path / "cache")
    victim_head, _, _ = split(victim_entry.read_bytes())
    _, evil_payload, _ = split(evil_entry.read_bytes())
    attacker_key = os.urandom(32)
    victim_entry.write_bytes(victim_head + evil_payload + hmac(attacker_key, victim_head + evil_payload))
    out = child(victim, tmp_path)
    assert out["results"] == {"v": 2.5}
    assert out["stats"]["value"] == {"hits": 0, "misses": 1}
    # the forged file was replaced by a good entry
    assert child(victim, tmp_path)["stats"]["value"] == {"hits": 1, "misses": 0}
    # the same file signed with the user's key would have run: the MAC decides
    key = user_key(tmp_path)
    victim_entry.write_bytes(victim_head + evil_payload + hmac(key, victim_head + evil_payload))
    assert child(victim, tmp_path)["results"] == {"v": 1001.5}


def test_entry_owned_by_another_user_is_refused(tmp_path):
    script = write(tmp_path, "CONST = 1.0\n" + VALUE)
    child(script, tmp_path)
    (entry,) = entries(tmp_path / "cache")
    os.chown(entry, OTHER_UID, OTHER_UID)      # a valid entry, but not ours
    out = child(script, tmp_path)
    assert out["results"] == {"v": 2.5}
    assert out["stats"]["value"] == {"hits": 0, "misses": 1}
    assert "owned by uid 65534" in out["stderr"]
    # rewritten as ours, then used again
    assert os.stat(entry).st_uid == os.geteuid()
    assert child(script, tmp_path)["stats"]["value"] == {"hits": 1, "misses": 0}


def test_entry_writable_by_others_is_refused(tmp_path):
    script = write(tmp_path, "CONST = 1.0\n" + VALUE)
    child(script, tmp_path)
    (entry,) = entries(tmp_path / "cache")
    os.chmod(entry, 0o666)
    out = child(script, tmp_path)
    assert out["stats"]["value"] == {"hits": 0, "misses": 1}
    assert out["results"] == {"v": 2.5}


@pytest.mark.parametrize("how", ["other-owner", "group-writable", "world-writable"])
def test_untrusted_directory_is_refused(tmp_path, how):
    script = write(tmp_path, "CONST = 1.0\n" + VALUE)
    cache = tmp_path / "cache"
    child(script, tmp_path)
    (entry,) = entries(cache)
    before = entry.read_bytes()
    if how == "other-owner":
        os.chown(cache, OTHER_UID, OTHER_UID)
    else:
        os.chmod(cache, 0o775 if how == "group-writable" else 0o777)
    out = child(script, tmp_path)
    assert out["results"] == {"v": 2.5}
    assert out["stats"]["value"] == {"hits": 0, "misses": 1}
    assert "directory" in out["stderr"]
    # nothing is written there either
    assert entries(cache) == [entry] and entry.read_bytes() == before


def test_sticky_shared_directory_is_accepted(tmp_path):
    # like /tmp: others may add files, but cannot replace or remove ours
    script = write(tmp_path, "CONST = 1.0\n" + VALUE)
    cache = tmp_path / "cache"
    cache.mkdir()
    os.chmod(cache, 0o1777)
    assert child(script, tmp_path)["stats"]["value"] == {"hits": 0, "misses": 1}
    assert child(script, tmp_path)["stats"]["value"] == {"hits": 1, "misses": 0}


def test_key_readable_by_others_turns_caching_off(tmp_path):
    script = write(tmp_path, "CONST = 1.0\n" + VALUE)
    child(script, tmp_path)
    keyfile = tmp_path / "xdg" / "jitprofile" / "key"
    os.chmod(keyfile, 0o644)
    out = child(script, tmp_path)
    assert out["results"] == {"v": 2.5}
    assert out["stats"]["value"] == {"hits": 0, "misses": 1}
    assert "caching is off" in out["stderr"]
    # a key that is a symlink (to a key someone else controls) is refused too
    os.chmod(keyfile, 0o600)
    other = tmp_path / "other_key"
    other.write_bytes(os.urandom(32))
    os.chmod(other, 0o600)
    os.unlink(keyfile)
    os.symlink(other, keyfile)
    out = child(script, tmp_path)
    assert out["stats"]["value"] == {"hits": 0, "misses": 1}
    assert "caching is off" in out["stderr"]


# ---------------------------------------------------------------- bit rot (item 9)

RET_TYPE = '''
@njit(cache=True)
def work(x, n):
    s = 0.0
    for i in range(n):
        s += x * i - (i % 7)
    return s


report({"v": work(1.25, 1000)}, work=work)
'''


def _text_range(obj):
    """(offset, size) of the largest executable section of an ELF64 object."""
    import struct
    shoff, = struct.unpack_from("<Q", obj, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", obj, 0x3A)
    best = (0, 0)
    for i in range(shnum):
        _, sh_type, flags, _, off, size = struct.unpack_from("<IIQQQQ", obj, shoff + i * shentsize)
        if sh_type == 1 and flags & 0x4 and size > best[1]:      # PROGBITS, SHF_EXECINSTR
            best = (off, size)
    return best


def _offsets(data):
    head, payload, _ = split(data)
    base = len(head)
    ret = payload.rfind(b"float64")             # the root's return type in the type table
    elf = payload.find(b"\x7fELF")
    text_off, text_size = _text_range(payload[elf:])
    assert ret > 0 and elf > 0 and text_size > 16
    return {"header": len(MAGIC) + 12,
            "type-table": base + ret + 5,      # float64 -> float24 / float46 ...
            "code-start": base + elf + text_off + 2,
            "code-middle": base + elf + text_off + text_size // 2,
            "elf-header": base + elf + 0x12,
            "mac": len(data) - 5}


@pytest.mark.parametrize("where", ["header", "type-table", "code-start", "code-middle", "elf-header", "mac"])
def test_flipped_bytes_are_a_clean_miss(tmp_path, where):
    script = write(tmp_path, RET_TYPE)
    good = child(script, tmp_path)
    (entry,) = entries(tmp_path / "cache")
    data = bytearray(entry.read_bytes())
    off = _offsets(bytes(data))[where]
    for bit in (0x01, 0x10, 0x80):
        bad = bytearray(data)
        bad[off] ^= bit
        entry.write_bytes(bytes(bad))
        out = child(script, tmp_path)
        assert out["results"] == good["results"], (where, bit)
        assert out["stats"]["work"] == {"hits": 0, "misses": 1}, (where, bit)


def test_changed_return_type_is_a_miss_not_garbage(tmp_path):
    script = write(tmp_path, RET_TYPE)
    good = child(script, tmp_path)
    (entry,) = entries(tmp_path / "cache")
    data = entry.read_bytes()
    head, payload, mac = split(data)
    i = payload.rfind(b"float64")
    entry.write_bytes(head + payload[:i] + b"int64\x00\x00" + payload[i + 7:] + mac)
    out = child(script, tmp_path)
    assert out["results"] == good["results"]
    assert out["stats"]["work"] == {"hits": 0, "misses": 1}


# ---------------------------------------------------------------- options (item 10)

OPTIONS = '''
opts = json.loads(os.environ["OPTS"])


@njit(cache=True, **opts)
def pick(a, i, d):
    return a[i] + 10 // d      # numpy error model: 10 // 0 == 0


a = np.arange(4)
res = {"ok": int(pick(a, 1, 5))}
if opts.get("boundscheck"):     # unchecked code would read far out of bounds
    try:
        res["oob"] = int(pick(a, 1000000, 5))
    except IndexError as e:
        res["oob"] = "IndexError"
try:
    res["div0"] = int(pick(a, 1, 0))
except ZeroDivisionError as e:
    res["div0"] = "ZeroDivisionError"
report(res, pick=pick)
'''


@pytest.mark.parametrize("first, second", [
    ({"boundscheck": False}, {"boundscheck": True}),
    ({"error_model": "numpy"}, {"error_model": "python"}),
    ({"fastmath": False}, {"fastmath": True}),
    ({"parallel": False}, {"parallel": True}),
    ({"nogil": False}, {"nogil": True}),
], ids=["boundscheck", "error_model", "fastmath", "parallel", "nogil"])
def test_each_compile_option_keys_its_own_entry(tmp_path, first, second):
    script = write(tmp_path, OPTIONS)
    cache = tmp_path / "cache"
    a = child(script, tmp_path, env_extra={"OPTS": json.dumps(first)})
    assert a["stats"]["pick"] == {"hits": 0, "misses": 1}
    b = child(script, tmp_path, env_extra={"OPTS": json.dumps(second)})
    assert b["stats"]["pick"] == {"hits": 0, "misses": 1}, "an entry compiled with other options was used"
    assert len(entries(cache)) == 2
    if "boundscheck" in second:
        assert b["results"]["oob"] == "IndexError"
    if "error_model" in second:
        assert a["results"]["div0"] == 1 and b["results"]["div0"] == "ZeroDivisionError"
    # each keeps its own entry
    assert child(script, tmp_path, env_extra={"OPTS": json.dumps(first)})["stats"]["pick"] == \
        {"hits": 1, "misses": 0}
    again = child(script, tmp_path, env_extra={"OPTS": json.dumps(second)})
    assert again["stats"]["pick"] == {"hits": 1, "misses": 0}
    assert again["results"] == b["results"]


# ---------------------------------------------------------------- not a file (item 11)

@pytest.mark.parametrize("kind", ["fifo", "symlink-dev-zero", "symlink-to-good-entry", "directory"])
def test_entry_path_that_is_not_a_regular_file_does_not_hang(tmp_path, kind):
    script = write(tmp_path, "CONST = 1.0\n" + VALUE)
    child(script, tmp_path)
    (entry,) = entries(tmp_path / "cache")
    good = tmp_path / "elsewhere.jpc"
    os.replace(entry, good)
    if kind == "fifo":
        os.mkfifo(entry, 0o600)
    elif kind == "symlink-dev-zero":
        os.symlink("/dev/zero", entry)
    elif kind == "symlink-to-good-entry":
        os.symlink(good, entry)
    else:
        os.mkdir(entry, 0o700)
    p = child(script, tmp_path, timeout=60, ok=False)      # raises TimeoutExpired on a hang
    assert p.returncode == 0, p.stderr
    assert '"v": 2.5' in p.stdout and '"hits": 0' in p.stdout, p.stdout


# ---------------------------------------------------------------- in-process reuse (item 12)

def test_redefined_function_reuses_code_loaded_in_this_process(tmp_path):
    # a notebook cell re-run: a new dispatcher for the same source hits the
    # entry and reuses the code this process already linked (it used to be a
    # miss and a full compile: the object cannot be linked twice)
    script = write(tmp_path, '''
import linecache
SRC = """
@njit(cache=True)
def again(x):
    return x * 3 + 1
"""
CELL = "<cell-1>"
linecache.cache[CELL] = (len(SRC), None, SRC.splitlines(True), CELL)
out = []
for k in range(3):
    ns = {"njit": njit, "__name__": "cellmod"}
    exec(compile(SRC, CELL, "exec"), ns)
    out.append([ns["again"](k), ns["again"].stats.cache_hits, ns["again"].stats.cache_misses])
report({"runs": out})
''')
    out = child(script, tmp_path)
    assert out["results"]["runs"] == [[1, 0, 1], [4, 1, 0], [7, 1, 0]]
    # and a new process loads the entry
    assert child(script, tmp_path)["results"]["runs"] == [[1, 1, 0], [4, 1, 0], [7, 1, 0]]


def test_processes_creating_the_key_at_once_agree_on_one(tmp_path):
    # six first-ever runs at once (no key yet): whichever entry is written
    # last must verify under the key left on disk
    script = write(tmp_path, "CONST = 1.0\n" + VALUE)
    env = dict(os.environ, JITPROFILE_CACHE_DIR=str(tmp_path / "cache"),
               XDG_CACHE_HOME=str(tmp_path / "xdg"))
    procs = [subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(6)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and '"v": 2.5' in out, err
    assert sorted(os.listdir(tmp_path / "xdg" / "jitprofile")) == ["key"]     # no temporary left
    (entry,) = entries(tmp_path / "cache")
    head, payload, mac = split(entry.read_bytes())
    assert hmac(user_key(tmp_path), head + payload) == mac
    assert child(script, tmp_path)["stats"]["value"] == {"hits": 1, "misses": 0}


def test_reused_code_outlives_the_dispatcher_that_loaded_it(tmp_path):
    # code reused from an earlier load must never be code the compile
    # service has since freed: a cell re-run after the old dispatcher died
    # links the entry again (the table forgets retired units), and code
    # still in use by a live dispatcher is shared, not freed under it
    script = write(tmp_path, '''
import gc, linecache
from jitprofile import _core
SRC = """
@njit(cache=True)
def again(x):
    return x * 3 + 1
"""
CELL = "<cell-2>"
linecache.cache[CELL] = (len(SRC), None, SRC.splitlines(True), CELL)
out = []
keep = None
for k in range(6):
    ns = {"njit": njit, "__name__": "cellmod"}
    exec(compile(SRC, CELL, "exec"), ns)
    out.append(ns["again"](k))
    if k == 2:
        keep = ns["again"]          # one dispatcher lives on beside the later ones
    del ns
    gc.collect()
    # other compiles reuse what the freed units released
    for j in range(3):
        g, name = {"njit": njit}, "<cell-h%d-%d>" % (k, j)
        text = "@njit\\ndef h(x):\\n    return x + %d\\n" % j
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        exec(compile(text, name, "exec"), g)
        assert g["h"](1) == 1 + j
out.append(keep(10))
units = _core.jit_code_stats()[0]
report({"runs": out, "units": units})
''')
    for _ in range(2):      # the first run compiles and stores, the second loads
        out = child(script, tmp_path)
        assert out["results"]["runs"] == [1, 4, 7, 10, 13, 16, 31]
