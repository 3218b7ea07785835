"""Where cache=True code lives on disk, when it is stale, and whether it can
be trusted (jit/cache.c packs the payload and computes the MACs).

An entry is one file per (function, argument types, target, compile options):
``<dir>/<module>.<qualname>-<hash>.jpc`` where <dir> is
``$JITPROFILE_CACHE_DIR``, else ``__pycache__`` beside the source file (or
``~/.cache/jitprofile`` when that is not writable or not trusted).

File: ``JITPROFILE-CACHE-2\\n``, the header length (u32, little endian), the
header (marshal: versions, CPU, the key text, and for every function compiled
into the code the hash of its source and the values of the globals it froze),
the payload (jit/cache.c), then an HMAC-SHA256 over everything before it.

An entry is executed as machine code when loaded, so it must come from this
user and be intact:
- the MAC key is per user: 32 random bytes (getrandom) in
  ``$XDG_CACHE_HOME/jitprofile/key`` (else ``~/.cache/jitprofile/key``), mode
  0600, owned by the user, created on first use (written to a file opened
  O_CREAT|O_EXCL, then linked into place, so a reader never sees half a key).
  An entry whose MAC does not verify (forged, damaged, bit rot, written under
  another key) is a miss: the function is compiled again and the entry
  rewritten.
- the directory must be owned by the user (or root) and not writable by
  group or others, unless it has the sticky bit (like /tmp: others may add
  files but cannot replace or remove ours).
- the entry must be a regular file (opened with O_NOFOLLOW|O_NONBLOCK, so a
  symlink, a FIFO or a device is refused without blocking), owned by the
  user, not writable by group or others, and at most 256 MiB.
Files are written to a private temporary name (mode 0600) and renamed, so
processes writing the same entry at once never leave a torn file.
"""
import errno
import marshal
import os
import stat
import sys
import types
import warnings

from . import _core
from ._source import source_lines

_MAGIC = b"JITPROFILE-CACHE-2\n"
_MAC_SIZE = 32
_KEY_SIZE = 32
_MAX_ENTRY = 256 << 20
_MIN_ENTRY = len(_MAGIC) + 4 + _MAC_SIZE
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

_env = None
_key = None             # the user's MAC key; False: it cannot be trusted (no caching)
_warned = set()


class Untrusted(OSError):
    """A cache file or directory that must not be used."""


def _warn_once(what):
    if what not in _warned:
        _warned.add(what)
        warnings.warn(f"jitprofile cache: {what}", RuntimeWarning, stacklevel=2)


def _cpu_tag():
    name, features = _core.host_cpu()
    return name + ":" + _core.sha256(features.encode()).hex()[:16]


def _environment():
    global _env
    if _env is None:
        from . import __version__
        from . import config
        _env = {"jitprofile": __version__, "python": sys.version, "cpu": _cpu_tag(),
                "opt": config._env("OPT", "3")}
    return _env


# ---- trust -----------------------------------------------------------------------

def _check_dir(path, st=None):
    """Raise Untrusted unless path is a directory that only this user (or
    root) can change, or a sticky one (others cannot replace our files)."""
    st = st or os.stat(path)
    if not stat.S_ISDIR(st.st_mode):
        raise Untrusted(f"{path} is not a directory")
    if st.st_uid not in (os.geteuid(), 0):
        raise Untrusted(f"directory {path} is owned by uid {st.st_uid}, not by this user")
    if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
        raise Untrusted(f"directory {path} is writable by group or others (mode {st.st_mode & 0o7777:o})")


def _read_private(path, max_size, exact=None, private=False):
    """The bytes of a regular file owned by this user and writable only by
    it (readable only by it when private); Untrusted otherwise.  Never
    follows a symlink and never blocks on a FIFO or device."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise Untrusted(f"{path} is a symbolic link") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Untrusted(f"{path} is not a regular file")
        if st.st_uid != os.geteuid():
            raise Untrusted(f"{path} is owned by uid {st.st_uid}, not by this user")
        if st.st_mode & (0o077 if private else 0o022):
            raise Untrusted(f"{path} has mode {st.st_mode & 0o7777:o}")
        if st.st_size > max_size or (exact is not None and st.st_size != exact):
            raise Untrusted(f"{path} has an unexpected size ({st.st_size} bytes)")
        chunks, left = [], st.st_size
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _key_dir():
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "jitprofile")


def _key_path():
    return os.path.join(_key_dir(), "key")


def _create_key(path):
    tmp = f"{path}.{os.getpid()}.{os.urandom(6).hex()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        try:
            data = os.getrandom(_KEY_SIZE)
            while len(data) < _KEY_SIZE:            # getrandom may return fewer bytes
                data += os.getrandom(_KEY_SIZE - len(data))
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)      # atomic and never replaces: the first key wins
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def _user_key():
    """The user's MAC key, created on first use; None when it cannot be
    trusted (then nothing is loaded or stored)."""
    global _key
    if _key is None:
        path = _key_path()
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            _check_dir(os.path.dirname(path))
            try:
                _key = _read_private(path, _KEY_SIZE, exact=_KEY_SIZE, private=True)
            except FileNotFoundError:
                _create_key(path)
                _key = _read_private(path, _KEY_SIZE, exact=_KEY_SIZE, private=True)
        except OSError as e:
            _warn_once(f"caching is off: cannot use the key {path}: {e}")
            _key = False
    return _key or None


# ---- where -----------------------------------------------------------------------

def _directory(func):
    from . import config
    env = (os.environ.get("JITPROFILE_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
           or config.CACHE_DIR)
    if env:
        return env
    src = getattr(func.__code__, "co_filename", "")
    if src and os.path.isfile(src):
        d = os.path.join(os.path.dirname(os.path.abspath(src)), "__pycache__")
        try:
            os.makedirs(d, mode=0o755, exist_ok=True)
            _check_dir(d)
            if os.access(d, os.W_OK):
                return d
        except OSError:
            pass
    return os.path.join(os.path.expanduser("~"), ".cache", "jitprofile")


def _path(func, key):
    h = _core.sha256(f"{func.__module__}.{func.__qualname__}|{key}".encode()).hex()[:20]
    name = f"{func.__module__}.{func.__qualname__}".replace("<", "").replace(">", "")
    return os.path.join(_directory(func), f"{name}-{h}.jpc")


# ---- the file --------------------------------------------------------------------

def _pack(header, payload, key):
    head = marshal.dumps(header)
    body = b"".join([_MAGIC, len(head).to_bytes(4, "little"), head, payload])
    return body + _core.cache_mac(key, body)


def _unpack(data, key):
    """(header, payload) of an authenticated entry, or None."""
    if len(data) < _MIN_ENTRY or not data.startswith(_MAGIC):
        return None
    body = memoryview(data)[:-_MAC_SIZE]
    if not _core.cache_mac(key, body, data[-_MAC_SIZE:]):
        return None
    start = len(_MAGIC) + 4
    end = start + int.from_bytes(data[len(_MAGIC):start], "little")
    if end > len(body):
        return None
    try:
        header = marshal.loads(body[start:end])       # authenticated: written by us
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(header, dict):
        return None
    return header, bytes(body[end:])


# ---- staleness -------------------------------------------------------------------

def _source_hash(func):
    try:
        lines = source_lines(func)[0]
    except (OSError, TypeError):
        return None
    return _core.sha256("".join(lines).encode()).hex()


def _value_key(value):
    """How a frozen global enters the key: its repr, or for an array (frozen
    into the code as a constant) its dtype, shape and a hash of its bytes."""
    if type(value).__name__ == "ndarray" and type(value).__module__ == "numpy":
        import numpy as np
        data = np.asarray(value)
        return f"ndarray({data.dtype.descr}, {data.shape}, {_core.sha256(data.tobytes()).hex()})"
    return repr(value)


def _frozen_value(func, name):
    code = func.__code__
    if func.__closure__ and name in code.co_freevars:
        try:
            return _value_key(func.__closure__[code.co_freevars.index(name)].cell_contents)
        except ValueError:
            return None
    g = func.__globals__
    if name in g:
        return _value_key(g[name])
    b = g.get("__builtins__", {})
    b = b if isinstance(b, dict) else b.__dict__
    return _value_key(b.get(name))


def _describe(func, frozen):
    return {"module": func.__module__, "qualname": func.__qualname__,
            "source": _source_hash(func),
            "frozen": [[name, _value_key(value)] for name, value in frozen]}


def _resolve(dep, root):
    if dep["module"] == root.__module__ and dep["qualname"] == root.__qualname__:
        return root
    mod = sys.modules.get(dep["module"])
    obj = mod
    for part in dep["qualname"].split("."):
        if obj is None or part == "<locals>":
            return None
        obj = getattr(obj, part, None)
    func = getattr(obj, "py_func", obj)
    return func if isinstance(func, types.FunctionType) else None


def _current(dep, root):
    func = _resolve(dep, root)
    if func is None or _source_hash(func) != dep["source"]:
        return False
    return all(_frozen_value(func, name) == value for name, value in dep["frozen"])


# ---- what jit/cache.c calls ------------------------------------------------------

def store(func, key, payload, deps):
    """Write an entry (called by the C side after a cache=True compile)."""
    mac_key = _user_key()
    if mac_key is None:
        return False
    header = dict(_environment(), key=key,
                  deps=[_describe(f, frozen) for f, frozen in deps])
    if any(d["source"] is None for d in header["deps"]):
        return False
    path = _path(func, key)
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    try:
        _check_dir(directory)
    except Untrusted as e:
        _warn_once(f"not writing to an untrusted directory: {e}")
        return False
    tmp = os.path.join(directory, f".tmp-{os.getpid()}-{os.urandom(6).hex()}.jpc")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_pack(header, payload, mac_key))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def load(func, key):
    """The payload for (func, key), or None when absent, stale or untrusted."""
    mac_key = _user_key()
    if mac_key is None:
        return None
    path = _path(func, key)
    try:
        _check_dir(os.path.dirname(path))
        data = _read_private(path, _MAX_ENTRY)
    except Untrusted as e:
        _warn_once(f"ignoring {e}")
        return None
    except OSError:
        return None
    entry = _unpack(data, mac_key)
    if entry is None:
        return None
    header, payload = entry
    env = _environment()
    if any(header.get(k) != v for k, v in env.items()) or header.get("key") != key:
        return None
    if not all(_current(dep, func) for dep in header.get("deps", [])):
        return None
    return payload
