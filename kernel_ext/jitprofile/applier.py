"""jitprofile.apply(suggestion) / jitprofile.undo(...) (this module:
jitprofile.applier): put a `jit`
suggestion into effect where the function lives - the notebook's user
namespace or its module's globals - and take it back.

The replacement is a dispatcher compiled for the observed signatures (its
plain Python callees jitted with it, first), so callers that look the name
up at call time pick it up; the originals are kept for undo.
"""
from __future__ import annotations

import types as _types

from . import _core

__all__ = ["apply", "undo", "applied", "record", "forget"]

_applied: list = []     # [(suggestion, [(namespace, name, original, replacement)] or None)]
# None: applied elsewhere (a Dask cluster's workers: the suggestion's own act())


def _namespaces(func, namespace):
    if namespace is not None:
        yield namespace
    try:
        ip = get_ipython()              # noqa: F821 - defined inside IPython only
        yield ip.user_ns
    except NameError:
        pass
    yield func.__globals__


def _where(func, name, namespace):
    """(namespace, current function) where `name` is func, or a function
    with func's code (the same definition, executed again)."""
    for ns in _namespaces(func, namespace):
        cur = ns.get(name)
        if cur is func or (isinstance(cur, _types.FunctionType) and cur.__code__ is func.__code__):
            return ns, cur
    return None, None


def _already_jitted(func, name, namespace) -> bool:
    """Whether `name` already holds a dispatcher of func's code (applied as
    the callee of another suggestion)."""
    for ns in _namespaces(func, namespace):
        cur = ns.get(name)
        if isinstance(cur, _core.Dispatcher) and getattr(cur.py_func, "__code__", None) is func.__code__:
            return True
    return False


def apply(suggestion, namespace: dict | None = None):
    """Replace the suggested function (and the plain callees it needs) by
    compiled dispatchers; the speedup measured on the recorded arguments."""
    s = suggestion
    if s.kind == "loop":
        return _apply_loop(s, namespace)
    if s.kind != "jit":
        raise ValueError(f"only 'jit' suggestions are applied; a {s.kind!r} suggestion changes "
                         f"the code around {s.function}: use its code by hand")
    if not s.applicable:
        raise ValueError(f"{s.function} cannot be compiled: {s.reason}")
    if s.applied:
        return s.speedup
    if "." in s.function and "<locals>" not in s.function:
        raise ValueError(f"{s.function} is a method: apply its code by hand")
    done = []
    try:
        for name, callee in s.callees.items():
            ns, cur = _where(callee, name, namespace)
            if ns is not None:      # (already jitted: nothing to do)
                disp = _core.Dispatcher(cur, {})
                ns[name] = disp
                done.append((ns, name, cur, disp))
        name = s.func.__name__
        ns, cur = _where(s.func, name, namespace)
        if ns is None and _already_jitted(s.func, name, namespace):
            s.applied = True
            _applied.append((s, done))
            return s.speedup
        if ns is None:
            raise LookupError(f"{s.function} is not bound to its name in its module or the "
                              "notebook namespace any more: nothing to replace")
        disp = _core.Dispatcher(cur, {})
        for sig in s.signatures:
            if "pyobject(" not in sig:
                disp.compile(sig)
        ns[name] = disp
        done.append((ns, name, cur, disp))
    except BaseException:
        _restore(done)
        raise
    s.applied = True
    _applied.append((s, done))
    return s.speedup


def _apply_loop(s, namespace):
    """A loop suggestion that changes the decorator's options (fastmath,
    boundscheck): the dispatcher compiled with them replaces the original."""
    if getattr(s, "replacement", None) is None:
        raise ValueError(f"a '{s.detail}' suggestion changes the code around {s.function}: "
                         f"use its code by hand")
    if not s.applicable:
        raise ValueError(f"{s.function}: {s.reason}")
    if s.applied:
        return s.speedup
    name = s.dispatcher.__name__
    for ns in _namespaces(s.func, namespace):
        if ns.get(name) is s.dispatcher:
            ns[name] = s.replacement
            s.applied = True
            _applied.append((s, [(ns, name, s.dispatcher, s.replacement)]))
            return s.speedup
    raise LookupError(f"{s.function} is not bound to its name any more: nothing to replace")


def _restore(done) -> None:
    for ns, name, original, replacement in reversed(done):
        if ns.get(name) is replacement:
            ns[name] = original


def record(suggestion) -> None:
    """List an apply made outside this process (jitprofile.dask's
    ClusterSuggestion compiles on the workers) with the others: applied(),
    %jitprofile_status and undo() see it; undo() calls its act("undo")."""
    if not any(s is suggestion for s, _done in _applied):
        _applied.append((suggestion, None))


def forget(suggestion) -> None:
    """Take a recorded outside apply off the list (it was undone by its own act)."""
    _applied[:] = [(s, d) for s, d in _applied if s is not suggestion]


def undo(suggestion=None) -> int:
    """Put back the originals of one applied suggestion (or of all, last
    first); the number of suggestions undone."""
    n = 0
    for s, done in reversed(list(_applied)):
        if suggestion is None or s is suggestion:
            if done is None:
                s.act("undo")           # on the workers; raises if they cannot be reached
            else:
                _restore(done)
            s.applied = False
            forget(s)
            n += 1
    return n


def applied() -> list:
    """The suggestions in effect, oldest first."""
    return [s for s, _done in _applied]
