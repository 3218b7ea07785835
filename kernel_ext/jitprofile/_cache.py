"""Where cache=True code lives on disk, and when it is stale (jit/cache.c
packs the payload).

An entry is one file per (function, argument types):
``<dir>/<module>.<qualname>-<hash>.jpc`` where <dir> is
``$JITPROFILE_CACHE_DIR``, else ``__pycache__`` beside the source file (or
``~/.cache/jitprofile`` when that is not writable).  The header records the
jitprofile and Python versions, the CPU (name and features) and, for every
function compiled into the code, the hash of its source and the values of
the globals it froze; the entry is used only when all still match.  Files
are written to a temporary name and renamed, so processes writing the same
entry at once never leave a torn file.
"""
import hashlib
import inspect
import json
import os
import sys
import tempfile

from . import _core

_MAGIC = b"JITPROFILE-CACHE-1\n"


def _cpu_tag():
    name, features = _core.host_cpu()
    return name + ":" + hashlib.sha256(features.encode()).hexdigest()[:16]


def _environment():
    from . import __version__
    from . import config
    return {"jitprofile": __version__, "python": sys.version, "cpu": _cpu_tag(),
            "opt": config._env("OPT", "3")}


def _directory(func):
    from . import config
    env = (os.environ.get("JITPROFILE_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
           or config.CACHE_DIR)
    if env:
        return env
    src = inspect.getsourcefile(func) or ""
    if src and os.path.isfile(src):
        d = os.path.join(os.path.dirname(os.path.abspath(src)), "__pycache__")
        try:
            os.makedirs(d, exist_ok=True)
            if os.access(d, os.W_OK):
                return d
        except OSError:
            pass
    return os.path.join(os.path.expanduser("~"), ".cache", "jitprofile")


def _path(func, key):
    h = hashlib.sha256(f"{func.__module__}.{func.__qualname__}|{key}".encode()).hexdigest()[:20]
    name = f"{func.__module__}.{func.__qualname__}".replace("<", "").replace(">", "")
    return os.path.join(_directory(func), f"{name}-{h}.jpc")


def _source_hash(func):
    try:
        src = "".join(inspect.getsourcelines(func)[0])
    except (OSError, TypeError):
        return None
    return hashlib.sha256(src.encode()).hexdigest()


def _value_key(value):
    """How a frozen global enters the key: its repr, or for an array (frozen
    into the code as a constant) its dtype, shape and a hash of its bytes."""
    if type(value).__name__ == "ndarray" and type(value).__module__ == "numpy":
        import numpy as np
        data = np.asarray(value)
        return f"ndarray({data.dtype.descr}, {data.shape}, {hashlib.sha256(data.tobytes()).hexdigest()})"
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
    return func if inspect.isfunction(func) else None


def _current(dep, root):
    func = _resolve(dep, root)
    if func is None or _source_hash(func) != dep["source"]:
        return False
    return all(_frozen_value(func, name) == value for name, value in dep["frozen"])


def store(func, key, payload, deps):
    """Write an entry (called by the C side after a cache=True compile)."""
    header = dict(_environment(), key=key,
                  deps=[_describe(f, frozen) for f, frozen in deps])
    if any(d["source"] is None for d in header["deps"]):
        return False
    path = _path(func, key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".jpc")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC)
            f.write(json.dumps(header).encode() + b"\n")
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def load(func, key):
    """The payload for (func, argument types), or None when absent or stale."""
    path = _path(func, key)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    end = data.index(b"\n", len(_MAGIC))
    try:
        header = json.loads(data[len(_MAGIC):end])
    except ValueError:
        return None
    env = _environment()
    if any(header.get(k) != v for k, v in env.items()) or header.get("key") != key:
        return None
    if not all(_current(dep, func) for dep in header.get("deps", [])):
        return None
    return data[end + 1:]
