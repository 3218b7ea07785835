"""Device activity in the profile: a GPU kernel's run as gpu-category frames.

A launch path that knows when a kernel ran on the device (HSA's dispatch
timestamps for jitprofile.roc; any other source with CLOCK_MONOTONIC times)
calls ``record_kernel`` from the launching thread.  While a Profile runs in
this process, the kernel's time becomes samples of a device row (a thread of
its own, named for the device and the launching thread, so that CPU time and
device time never mix in one thread's numbers) whose stack is the launching
Python stack with the kernel as a gpu frame on top: Profile.top(), the flame
graph, the widget and the ZeroMQ stream show it under the Python function
that launched it.

Samples carry integer weights of one sampling interval each; a kernel's
duration is rounded to intervals, and what rounding leaves over is carried to
the next kernel on the same stack, so the total stays within half an interval
per stack.  The exact records are kept (``records(profile)``).
"""
from __future__ import annotations

import os
import sys
import threading
import weakref
from typing import NamedTuple

__all__ = ["KernelRecord", "record_kernel", "records"]

_PKG = os.path.dirname(os.path.abspath(__file__))
_MAX_SPLIT = 64                 # samples one kernel is spread over on the timeline


class KernelRecord(NamedTuple):
    """One kernel run: device label, kernel name, CLOCK_MONOTONIC start and
    end (ns), the launching thread's native id and name."""
    device: str
    name: str
    start_ns: int
    end_ns: int
    tid: int
    thread: str


class _State:
    """What one Profile holds of device activity."""

    def __init__(self):
        self.records: list[KernelRecord] = []
        self.rows: dict[tuple[str, int], int] = {}      # (device, launching tid) -> thread id
        self.carry: dict[tuple[int, int], float] = {}   # (thread id, node) -> ns left over
        self.funcs: dict = {}       # code object -> function id
        self.frames: dict = {}      # (function id, line) or (kernel, device) -> frame id
        self.nodes: dict[tuple[int, int], int] = {}     # (parent, frame) -> node
        self.lock = threading.Lock()


_states: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _module_from_path(path: str) -> str:
    """The sampler's module name for a source path (sampler/collector.c's
    module_from_path), so that frames recorded here are the same functions
    as the sampled ones."""
    if path.startswith("<"):
        return path
    start = None
    for i, mark in enumerate(("/site-packages/", "/dist-packages/", "/lib/python3.")):
        k = path.find(mark)
        if k >= 0 and start is None:
            start = k + len(mark)
            if i == 2:
                slash = path.find("/", start)
                start = slash + 1 if slash >= 0 else start
    if start is None:
        slash = path.rfind("/")
        start = slash + 1 if slash >= 0 else 0
    out = path[start:].replace("/", ".")
    if len(out) > 3 and out.endswith(".py"):
        out = out[:-3]
    if len(out) > 9 and out.endswith(".__init__"):
        out = out[:-9]
    return out


def _launch_stack(frame, root):
    """The Python frames from the outermost to `frame`, as the sampler sees
    them: the root code object (a %%jitprofile cell, the CLI launcher) and
    its callers hidden."""
    out = []
    f = frame
    while f is not None:
        if root is not None and f.f_code is root:
            break
        out.append(f)
        f = f.f_back
    out.reverse()
    return out


_own_code: dict = {}            # code object -> whether it is jitprofile's own


def _is_own(code) -> bool:
    own = _own_code.get(code)
    if own is None:
        own = _own_code[code] = os.path.dirname(os.path.abspath(code.co_filename)).startswith(_PKG)
    return own


def _user_frame(depth: int):
    """The innermost frame outside jitprofile's own package (the glue that
    launched the kernel stays out of the stack)."""
    f = sys._getframe(depth + 1)
    while f is not None and _is_own(f.f_code):
        f = f.f_back
    return f


def _node(data, st: _State, stack, device: str, name: str) -> int:
    node = 0
    funcs, frames, nodes = st.funcs, st.frames, st.nodes
    for f in stack:
        code = f.f_code
        func = funcs.get(code)
        if func is None:
            qualname = code.co_qualname if hasattr(code, "co_qualname") else code.co_name
            func = funcs[code] = data.intern_func(qualname, code.co_filename,
                                                  _module_from_path(code.co_filename),
                                                  code.co_firstlineno, "python")
        line = f.f_lineno if f.f_lineno is not None else code.co_firstlineno
        fr = frames.get((func, line))
        if fr is None:
            fr = frames[(func, line)] = data.intern_frame(func, line)
        child = nodes.get((node, fr))
        if child is None:
            child = nodes[(node, fr)] = data.intern_node(node, fr)
        node = child
    key = (name, device)
    fr = frames.get(key)
    if fr is None:
        fr = frames[key] = data.intern_frame(data.intern_func(name, "", device, 0, "gpu"), 0)
    child = nodes.get((node, fr))
    if child is None:
        child = nodes[(node, fr)] = data.intern_node(node, fr)
    return child


def record_kernel(name: str, start_ns: int, end_ns: int, device: str = "gpu",
                  frame=None, profile=None, depth: int = 0) -> bool:
    """Record that kernel `name` ran on `device` from start_ns to end_ns
    (CLOCK_MONOTONIC, as time.monotonic_ns()), launched by the calling
    thread from `frame` (default: the caller's innermost frame outside
    jitprofile's package).  Goes into `profile` (default: the Profile
    running in this process); False when there is none, or the times are
    missing (0) or reversed."""
    if profile is None:
        from . import profile as _profile
        profile = _profile._active
        if profile is None or not profile._running:
            return False
    start_ns, end_ns = int(start_ns), int(end_ns)
    if start_ns <= 0 or end_ns < start_ns:
        return False
    if frame is None:
        frame = _user_frame(depth + 1)
    th = threading.current_thread()
    tid = threading.get_native_id()
    data = profile.data
    st = _states.get(profile)
    if st is None:
        st = _states.setdefault(profile, _State())
    with st.lock:
        st.records.append(KernelRecord(device, name, start_ns, end_ns, tid, th.name))
        row = st.rows.get((device, tid))
        if row is None:
            # a row of its own: a negative id no kernel thread has (-1
            # means "every thread" to ProfileData.stats)
            fake_tid = -(len(st.rows) + 2)
            row = st.rows[(device, tid)] = data.add_thread(os.getpid(), fake_tid,
                                                           f"{device} (launched by {th.name})")
        node = _node(data, st, _launch_stack(frame, getattr(profile, "_root", None)), device, name)
        iv = data.interval * 1e9
        total = (end_ns - start_ns) + st.carry.get((row, node), 0.0)
        weight = int(total / iv + 0.5) if total > 0 else 0
        st.carry[(row, node)] = total - weight * iv
        parts = min(weight, _MAX_SPLIT)
        for k in range(parts):
            w = weight // parts + (1 if k < weight % parts else 0)
            ts = start_ns + (end_ns - start_ns) * k // parts
            data.add_sample(row, node, ts, w)
    return True


def records(profile) -> list[KernelRecord]:
    """The kernel runs recorded into profile, in order."""
    st = _states.get(profile)
    return list(st.records) if st is not None else []
