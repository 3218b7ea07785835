"""The profiler's own threads and frames, hidden from reports by default
(issue 16; ``Profile(show_internal=True)`` shows them).

Internal threads: the profiler's (named ``jitprofile-*``: the widget's
updater, the argument poll, the stream publisher, the collector) and the
Jupyter kernel's own (IOPub, Control, Heartbeat, history saving).  Internal
frames: Python functions of the profiler's modules (profile.py, the widget,
the stream, argument recording ...) and the sampler's and profiler's C
functions in _core (the code-object deallocation hook, the drain, argument
recording hooks).  A sample is hidden when its thread is internal, when an
internal C function is on its stack, or when its leaf-most Python (or JIT)
frame is the profiler's: code the profiler runs on behalf of the program
(``%%jitprofile`` running a cell, record's launcher) stays visible.

``Mirror`` keeps a copy of a ProfileData without those samples, brought up
to date incrementally (the C tables only grow), for Profile's reports and
the widget's live tables.
"""
from __future__ import annotations

import os

from . import _core

INTERNAL_THREAD_PREFIXES = ("jitprofile-",)
INTERNAL_THREAD_NAMES = frozenset({"IOPub", "Control", "Heartbeat",
                                   "IPythonHistorySavingThread", "HistorySavingThread"})
_PKG = os.path.dirname(os.path.abspath(__file__))
PROFILER_MODULES = frozenset({
    "profile.py", "_mp_child.py", "_internal.py", "argrecord.py", "widget.py",
    "widget_data.py", "stream.py", "attach.py", "html_export.py", "record_cli.py",
    "advisor.py", "advise_cli.py", "applier.py", "actions.py"})
NATIVE_PREFIXES = ("code_dealloc_hook", "jp_collector_", "jp_codes_", "jp_threads_",
                   "jp_symbolize", "jp_profile_", "jp_argrec", "argrec_", "jp_argpoll",
                   "jp_arghooks", "profile_hook", "record_running", "jp_pub",
                   "sampler_", "pd_", "on_sigprof", "jp_unwind_", "jp_ring_")

USER, PY_INTERNAL, NATIVE_INTERNAL, NATIVE = 0, 1, 2, 3


def is_internal_thread(name: str) -> bool:
    return bool(name) and (name.startswith(INTERNAL_THREAD_PREFIXES)
                           or name in INTERNAL_THREAD_NAMES)


def function_kind(name: str, file: str, module: str, category: str) -> int:
    if category in ("python", "jit"):
        if (category == "python" and os.path.dirname(file) == _PKG
                and os.path.basename(file) in PROFILER_MODULES):
            return PY_INTERNAL
        return USER
    if module.startswith("_core.") and name.startswith(NATIVE_PREFIXES):
        return NATIVE_INTERNAL
    return NATIVE


def _live_thread_names() -> tuple[int, dict]:
    """(this pid, {native thread id: threading name}): a thread that existed
    before the profile started carries its OS name ("python") in the profile
    until the profile stops (issue 19: a kernel's Control and IOPub threads
    showed in the live widget)."""
    import threading
    return os.getpid(), {t.native_id: t.name for t in threading.enumerate()
                         if t.native_id is not None}


class Mirror:
    """A ProfileData holding src's samples less the internal ones."""

    def __init__(self, src):
        self.src = src
        self.data = _core.ProfileData()
        self.data.interval = src.interval
        self._fmap: list[int] = []
        self._fkind: list[int] = []
        self._frmap: list[int] = []
        self._frkind: list[int] = []
        self._nmap: list[int] = [0]
        self._nstate: list[tuple[bool, bool]] = [(False, False)]
        self._nsamples = 0

    def sync(self):
        src, dst = self.src, self.data
        dst.interval = src.interval
        funcs = src.functions()
        for f in funcs[len(self._fmap):]:
            self._fmap.append(dst.intern_func(*f))
            self._fkind.append(function_kind(f[0], f[1], f[2], f[4]))
        frames = src.frames()
        for func, line in frames[len(self._frmap):]:
            self._frmap.append(dst.intern_frame(self._fmap[func], line))
            self._frkind.append(self._fkind[func])
        nodes = src.nodes()
        for parent, frame in nodes[len(self._nmap):]:
            leaf_py_internal, native_internal = self._nstate[parent]
            kind = self._frkind[frame]
            if kind == USER:
                leaf_py_internal = False
            elif kind == PY_INTERNAL:
                leaf_py_internal = True
            elif kind == NATIVE_INTERNAL:
                native_internal = True
            self._nstate.append((leaf_py_internal, native_internal))
            self._nmap.append(dst.intern_node(self._nmap[parent], self._frmap[frame]))
        tmap, tinternal = [], []
        live = _live_thread_names()
        for pid, tid, name, _n in src.threads():
            tmap.append(dst.add_thread(pid, tid, name))
            tinternal.append(is_internal_thread(name) or
                             (pid == live[0] and is_internal_thread(live[1].get(tid, ""))))
        new = src.samples(self._nsamples)
        self._nsamples += len(new)
        state, nmap = self._nstate, self._nmap
        for thread, node, ts, weight in new:
            if tinternal[thread] or state[node][0] or state[node][1]:
                continue
            dst.add_sample(tmap[thread], nmap[node], ts, weight)
        return dst
