"""Pickling jitted functions: dispatchers and ufuncs travel to other
processes (Dask workers, multiprocessing) with plain pickle and cloudpickle.

A jitted object made by a decorator here remembers its recipe (``remember``:
the decorator, its explicit signatures and options, ``cache=True``
included).  Pickling it:
- by reference when ``module.qualname`` finds the very object in an
  importable module (not ``__main__``, not registered with cloudpickle's
  ``register_pickle_by_value``): the other process imports the module, as
  for any function;
- else by value: an id, the recipe, the Python function pickled by
  cloudpickle (closures and referenced globals come with it; plain pickle
  uses cloudpickle for this part too, as Numba does) and the function's
  source text with its file name and first line.  Without cloudpickle such
  a function cannot be rebuilt elsewhere: pickling raises PicklingError.

Unpickling (``_rebuild``) puts the source into ``linecache`` under the
original file name when that file does not hold it (a notebook cell, a
``__main__`` script on another machine), so the compiler reads it and
errors and profiles keep their file:line; then applies the recipe.  The
result is kept in a weak memo by id, with the last 128 kept alive (as
Numba), so a process builds - and compiles - each function once however
many tasks bring it.  ``stats()`` counts rebuilt and reused objects.
A recursive function's reference to itself is pickled as a placeholder
(``_pending``) and bound to the rebuilt object before anything compiles.
Types and signatures pickle as their text.

With ``cache=True`` the function's current cache entries (object code for
this CPU and these versions) travel too and are written into the receiving
process's cache when its CPU and versions match (``_install_entries``); else
the worker compiles, or loads its own entry (``$JITPROFILE_CACHE_DIR``).
"""
import collections
import copyreg
import linecache
import os
import pickle
import sys
import threading
import types
import weakref

from . import _core

_memo = weakref.WeakValueDictionary()        # id -> the object pickled or rebuilt here
_recent = collections.deque(maxlen=128)      # the last rebuilt objects stay alive
_ufunc_recipes = {}     # numpy ufunc -> (recipe, id, function); a ufunc has no __dict__
_strong = {}            # id -> ufunc (a ufunc takes no weak reference: kept for the process)
_stats = {"rebuilt": 0, "reused": 0, "entries_installed": 0}
_lock = threading.Lock()
_build_lock = threading.RLock()
_local = threading.local()  # ids being pickled on this thread (recursive functions)
_waiting = []           # functions whose globals hold _Pending placeholders
_rebuilt_ids = []       # ids of the objects rebuilt here (stats)
_ufunc_base_reduce = None


def stats():
    """{'rebuilt': objects built from a pickle in this process, 'reused':
    unpicklings answered from the memo, 'compiled': {name: number of
    compiled signatures} of the rebuilt objects still alive}."""
    with _lock:
        out = dict(_stats)
        alive = [_lookup(uid) for uid in _rebuilt_ids]
    out["compiled"] = {}
    for obj in alive:
        if obj is not None:
            sigs = getattr(obj, "signatures", None)
            if sigs is None:
                sigs = getattr(obj, "types", ())
            out["compiled"][obj.__name__] = len(sigs)
    return out


def remember(obj, kind, args, kwargs, func=None):
    """Record how obj was made: kind(*args, **kwargs)(func); returns obj."""
    if isinstance(obj, types.FunctionType):     # config.DISABLE_JIT: the function itself
        return obj
    args = tuple(_portable_signatures(a) for a in args)
    recipe = (kind, args, dict(kwargs))
    if _is_ufunc(obj):
        _register_ufunc_reducer()
        _ufunc_recipes[obj] = (recipe, None, func)
        return obj
    try:
        obj._jitprofile_recipe = recipe
    except (AttributeError, TypeError):
        pass
    return obj


def _portable_signatures(value):
    """Signature objects as their text (a signature pickles as a string)."""
    if isinstance(value, (list, tuple)) and not isinstance(value, _core.Type):
        if isinstance(value, tuple) and value and all(isinstance(t, _core.Type) for t in value):
            return value
        return type(value)(_portable_signatures(v) for v in value)
    if isinstance(value, (_core.Signature, _core.Type)):
        return str(value)
    return value


def _is_ufunc(obj):
    np = sys.modules.get("numpy")
    return np is not None and isinstance(obj, np.ufunc)


def _py_func(obj):
    if _is_ufunc(obj):
        return _ufunc_recipes[obj][2]
    return getattr(obj, "py_func", None) or getattr(obj, "__wrapped__", None)


# ---- pickling ------------------------------------------------------------------

def _by_reference(obj, func):
    """The qualified name to pickle obj by, or None (by value)."""
    module = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", "")
    if not module or module == "__main__" or "<locals>" in qualname or "<lambda>" in qualname:
        return None
    cp = sys.modules.get("cloudpickle")
    by_value = getattr(cp, "list_registry_pickle_by_value", None)
    if by_value is not None and any(module == m or module.startswith(m + ".") for m in by_value()):
        return None
    found = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return qualname if found is obj else None


def _id_of(obj):
    if _is_ufunc(obj):
        uid = _ufunc_recipes[obj][1] or os.urandom(16).hex()
    else:
        uid = getattr(obj, "_jitprofile_id", None) or os.urandom(16).hex()
    if _lookup(uid) is None:
        _register(uid, obj)     # unpickled in this process: the same object
    return uid


def _recipe_of(obj):
    if _is_ufunc(obj):
        return _ufunc_recipes[obj][0]
    recipe = getattr(obj, "_jitprofile_recipe", None)
    if recipe is not None:
        return recipe
    if isinstance(obj, _core.Dispatcher):     # made directly: its options
        opts = dict(obj.targetoptions)
        opts.pop("nopython", None)
        return ("Dispatcher", (), opts)
    raise pickle.PicklingError(f"cannot pickle {obj!r}: it was not made by a jitprofile decorator")


def _source_of(func):
    from ._source import source_lines
    code = getattr(func, "__code__", None)
    if code is None:
        return None
    try:
        lines, first = source_lines(func)
    except (OSError, TypeError):
        return (code.co_filename, 0, None)
    return (code.co_filename, first, list(lines))


def _dump_function(obj, func, uid):
    try:
        import cloudpickle
    except ImportError:
        raise pickle.PicklingError(
            f"cannot pickle {obj!r} by value: {func.__qualname__} is not importable "
            f"(defined in {func.__module__!r}), and pickling its code needs cloudpickle "
            "(pip install jitprofile[dask])") from None
    busy = getattr(_local, "busy", None)
    if busy is None:
        busy = _local.busy = set()
    busy.add(uid)
    try:
        return cloudpickle.dumps(func, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        busy.discard(uid)


def reduce_jitted(obj):
    """copyreg / __reduce__ for every jitted object."""
    func = _py_func(obj)
    if func is None:
        raise pickle.PicklingError(f"cannot pickle {obj!r}: no Python function")
    name = _by_reference(obj, func)
    if name is not None:        # a ufunc has no __module__: named explicitly
        return (_import, (func.__module__, name)) if _is_ufunc(obj) else name
    uid = _id_of(obj)
    if uid in getattr(_local, "busy", ()):     # a recursive reference from its own globals
        return (_pending, (uid,))
    recipe = _recipe_of(obj)
    entries = _cache_entries(func) if recipe[2].get("cache") else ()
    return (_rebuild, (uid, recipe, _dump_function(obj, func, uid), _source_of(func), entries))


def _reduce_ufunc(uf):
    if uf in _ufunc_recipes:
        return reduce_jitted(uf)
    return _ufunc_base_reduce(uf)


def _register_ufunc_reducer():
    global _ufunc_base_reduce
    if _ufunc_base_reduce is not None:
        return
    import numpy as np
    _ufunc_base_reduce = copyreg.dispatch_table.get(np.ufunc) or (lambda uf: uf.__name__)
    copyreg.pickle(np.ufunc, _reduce_ufunc)


# ---- unpickling ----------------------------------------------------------------

def _import(module, qualname):
    import importlib
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


class _Pending:
    """A function's reference to a jitted object still being rebuilt (a
    recursive function's own name); replaced once that object exists."""
    __slots__ = ("uid",)

    def __init__(self, uid):
        self.uid = uid


def _pending(uid):
    obj = _lookup(uid)
    return obj if obj is not None else _Pending(uid)


def _resolve(func):
    """Replace placeholders in func's globals and closure; True when none is left."""
    done = True
    g = func.__globals__
    for k, v in list(g.items()):
        if isinstance(v, _Pending):
            obj = _lookup(v.uid)
            if obj is None:
                done = False
            else:
                g[k] = obj
    for cell in func.__closure__ or ():
        try:
            v = cell.cell_contents
        except ValueError:
            continue
        if isinstance(v, _Pending):
            obj = _lookup(v.uid)
            if obj is None:
                done = False
            else:
                cell.cell_contents = obj
    return done


def _with_filename(code, filename):
    consts = tuple(_with_filename(c, filename) if isinstance(c, types.CodeType) else c
                   for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _register_source(src):
    """Make linecache hold the function's lines at their place in filename."""
    if not src or not src[2]:
        return
    filename, first, lines = src
    start = first - 1
    have = linecache.getlines(filename)
    if have[start:start + len(lines)] == lines:
        return
    # over what is there (earlier functions of the same cell, or another
    # version of the file on this machine, whose other lines stay)
    base = list(have)
    if len(base) < start + len(lines):
        base.extend(["\n"] * (start + len(lines) - len(base)))
    base[start:start + len(lines)] = lines
    # mtime None: checkcache() keeps it (as IPython's cells)
    linecache.cache[filename] = (sum(map(len, base)), None, base, filename)


def _lookup(uid):
    obj = _memo.get(uid)
    return obj if obj is not None else _strong.get(uid)


def _register(uid, obj):
    with _lock:
        if _is_ufunc(obj):          # no weak references: kept for the process
            recipe, _, func = _ufunc_recipes[obj]
            _ufunc_recipes[obj] = (recipe, uid, func)
            _strong[uid] = obj
        else:
            obj._jitprofile_id = uid
            _memo[uid] = obj
        _recent.append(obj)


def _settle(func):
    """Replace the placeholders whose objects exist now (before compiling)."""
    _waiting.append(func)
    _waiting[:] = [f for f in _waiting if not _resolve(f)]


def _build(uid, recipe, func):
    """Apply the recipe to func; the object is in the memo before anything
    compiles, so a recursive function finds itself."""
    kind, args, kwargs = recipe
    from . import decorators, ufunc
    if kind == "jit":
        sigs = args[0] if args else None
        obj = decorators.jit(**kwargs)(func)
        _register(uid, obj)
        _settle(func)
        if sigs:
            if isinstance(obj, _core.Dispatcher):
                for sig in decorators._signature_list(sigs):
                    obj.compile(sig)
                obj.disable_compile()
            else:       # object mode with signatures: made again, as the decorator does
                obj = decorators.jit(sigs, **kwargs)(func)
                _register(uid, obj)
        remember(obj, kind, args, kwargs)      # with its signatures, to pickle it again
        return obj
    _settle(func)
    if kind == "vectorize":
        obj = ufunc.vectorize(*args, **kwargs)(func)
    elif kind == "guvectorize":
        obj = ufunc.guvectorize(*args, **kwargs)(func)
    elif kind == "Dispatcher":
        obj = _core.Dispatcher(func, kwargs)
    else:
        raise pickle.UnpicklingError(f"unknown kind of jitted object {kind!r}")
    _register(uid, obj)
    _settle(func)
    return obj


def _rebuild(uid, recipe, payload, src, entries=()):
    obj = _lookup(uid)
    if obj is None:
        # one rebuild at a time (reentrant: loading a function rebuilds the
        # jitted objects it calls), so threads unpickling the same function
        # at once build it once
        with _build_lock:
            obj = _lookup(uid)
            if obj is None:
                _register_source(src)
                func = pickle.loads(payload)
                if src and func.__code__.co_filename != src[0]:
                    # cloudpickle >= 3.1 writes co_filename as '<dynamic-code>'
                    func.__code__ = _with_filename(func.__code__, src[0])
                obj = _lookup(uid)      # a recursive pickle rebuilt it while loading func
                if obj is None:
                    _install_entries(func, entries)
                    obj = _build(uid, recipe, func)
                    with _lock:
                        _stats["rebuilt"] += 1
                        _rebuilt_ids.append(uid)
                    return obj
    with _lock:
        _stats["reused"] += 1
    return obj


# ---- cache=True: the compiled code travels as cache entries -----------------------

_MAX_SHIPPED = 8 << 20      # bytes of object code shipped with one function, at most


def _cache_entries(func):
    """[(header, payload)] of this function's current, authentic cache
    entries here (object code compiled for this CPU and these versions)."""
    from . import _cache
    key = _cache._user_key()
    if key is None:
        return ()
    name = f"{func.__module__}.{func.__qualname__}".replace("<", "").replace(">", "")
    directory = _cache._directory(func)
    try:
        _cache._check_dir(directory)
        names = sorted(n for n in os.listdir(directory) if n.startswith(name + "-") and n.endswith(".jpc"))
    except OSError:
        return ()
    out, size, env = [], 0, _cache._environment()
    for n in names:
        try:
            data = _cache._read_private(os.path.join(directory, n), _cache._MAX_ENTRY)
        except OSError:
            continue
        entry = _cache._unpack(data, key)
        if entry is None or size + len(entry[1]) > _MAX_SHIPPED:
            continue
        header, body = entry
        if any(header.get(k) != v for k, v in env.items()) \
                or not all(_cache._current(dep, func) for dep in header.get("deps", [])):
            continue
        out.append((header, body))
        size += len(body)
    return tuple(out)


def _install_entries(func, entries):
    """Write shipped entries into this process's cache, MAC'd with this
    user's key, where the CPU and versions match and the entry is current
    for the rebuilt function; the normal cache=True load then uses them.
    They come inside the pickle, which already runs code here: they are
    trusted as much as it is."""
    if not entries:
        return
    from . import _cache
    key = _cache._user_key()
    if key is None:
        return
    env = _cache._environment()
    for header, body in entries:
        if not isinstance(header, dict) or any(header.get(k) != v for k, v in env.items()) \
                or not all(_cache._current(dep, func) for dep in header.get("deps", [])):
            continue
        path = _cache._path(func, header.get("key"))
        directory = os.path.dirname(path)
        tmp = os.path.join(directory, f".tmp-{os.getpid()}-{os.urandom(6).hex()}.jpc")
        try:
            os.makedirs(directory, mode=0o755, exist_ok=True)
            _cache._check_dir(directory)
            if os.path.exists(path):
                continue
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(_cache._pack(header, body, key))
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            continue
        with _lock:
            _stats["entries_installed"] += 1


# ---- types and signatures ------------------------------------------------------

def _parse_type(text):
    return _core.parse_signature(f"none({text})").args[0]


def _reduce_type(t):
    """Types and signatures pickle as their text (the signature parser reads it back)."""
    text = str(t)
    try:
        back = _core.parse_signature(text) if isinstance(t, _core.Signature) else _parse_type(text)
    except Exception:       # noqa: BLE001 - any parse failure: this type has no text form
        back = None
    if back is None or str(back) != text:
        raise pickle.PicklingError(f"cannot pickle the type {text}: it has no text form "
                                   "(a jitclass instance type pickles with its class)")
    return (_core.parse_signature, (text,)) if isinstance(t, _core.Signature) else (_parse_type, (text,))


copyreg.pickle(_core.Dispatcher, reduce_jitted)
copyreg.pickle(_core.Type, _reduce_type)
copyreg.pickle(_core.Signature, _reduce_type)
