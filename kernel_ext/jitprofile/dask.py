"""jitprofile.dask: one live profile of a whole dask.distributed cluster.

    client.register_plugin(jitprofile.dask.ProfilerPlugin())   # done by profile()
    with jitprofile.dask.profile(client) as prof:
        client.gather(client.map(task, range(8)))
    print(prof.text())                    # every worker, JIT and native frames
    prof.by_worker(); prof.by_task()      # the worker and task-key dimensions

Each worker (present and future: a WorkerPlugin) runs the C sampler in its
own process and streams its profile over the read-only ZeroMQ protocol
(jitprofile.stream, viz_server/PROTOCOL.md) from a loopback endpoint
(remote workers need allow_remote=True).  It announces the endpoint with
Dask's events (`log_event`, topic "jitprofile-endpoint"); the notebook
subscribes to the topic and catches up with `Client.get_events`, so an
announcement made before the subscription is not missed.  The thread that
runs a task is labelled with its key: the worker's `active_threads` dict
(written by the executing thread itself when a task starts and ends) is
replaced by one that also records (thread, key, start, end) spans, which
the notebook fetches with `Client.run` and matches with the stream's
interval times (both CLOCK_MONOTONIC of the worker's machine).

Dask is optional: without it, importing this module raises ImportError
saying what to install.
"""
from __future__ import annotations

try:
    import distributed
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError as _e:       # pragma: no cover - tested by hiding the module
    raise ImportError("jitprofile.dask needs Dask's distributed scheduler: "
                      "pip install 'jitprofile[dask]' (dask, distributed, cloudpickle)") from _e

import bisect
import os
import socket
import threading
import time
import warnings

__all__ = ["ProfilerPlugin", "ClusterProfile", "profile", "apply_jit", "undo_jit",
           "JitPatchPlugin", "TOPIC", "PLUGIN_NAME"]

TOPIC = "jitprofile-endpoint"
PLUGIN_NAME = "jitprofile"
INTERVAL_MS = 10                # the workers' stream interval: task labels to 10 ms
_MAX_SPANS = 200_000            # per worker, oldest dropped beyond


class _LabelledThreads(dict):
    """Worker.active_threads ({thread ident: key}) that also keeps, per
    task run, (native thread id, key, start ns, end ns) with the monotonic
    clock.  Dask's executor sets and deletes the entry from the thread that
    runs the task, so the times are the task's own."""

    def __init__(self, base: dict, spans: list, lock: threading.Lock):
        super().__init__(base)
        self._spans = spans
        self._open: dict[int, tuple] = {}
        self._lock = lock

    def __setitem__(self, ident, key):
        super().__setitem__(ident, key)
        self._open[ident] = (threading.get_native_id(), key, time.monotonic_ns())

    def __delitem__(self, ident):
        super().__delitem__(ident)
        start = self._open.pop(ident, None)
        if start is not None:
            with self._lock:
                self._spans.append((start[0], _key_text(start[1]), start[2], time.monotonic_ns()))
                if len(self._spans) > _MAX_SPANS:
                    del self._spans[:len(self._spans) - _MAX_SPANS]

    def pop(self, ident, *default):
        if ident in self:
            v = self[ident]
            del self[ident]
            return v
        return super().pop(ident, *default)

    def running(self) -> list:
        now = time.monotonic_ns()
        return [(tid, _key_text(key), t0, now) for tid, key, t0 in list(self._open.values())]


def _key_text(key) -> str:
    if isinstance(key, tuple):
        return "(" + ", ".join(repr(k) if isinstance(k, str) else str(k) for k in key) + ")"
    return str(key)


class ProfilerPlugin(WorkerPlugin):
    """Starts jitprofile's sampler in the worker and streams its profile.

    hz, wall, native: as jitprofile.Profile; args: argument recording
    ("sampled", "exact" or None); endpoint: where the worker's publisher
    binds (default loopback, any free port); allow_remote: needed for any
    non-loopback endpoint (the stream is read-only, unauthenticated)."""

    name = PLUGIN_NAME
    idempotent = False

    def __init__(self, hz: int = 1000, wall: bool = False, native: bool = True,
                 args: str | None = None, endpoint: str = "tcp://127.0.0.1:*",
                 allow_remote: bool = False, session: str = ""):
        self.hz, self.wall, self.native, self.args = hz, wall, native, args
        self.endpoint = endpoint
        self.allow_remote = allow_remote
        self.session = session
        self._state = None

    def setup(self, worker):
        from .profile import Profile
        from .stream import Publisher
        pub = Publisher(self.endpoint, allow_remote=self.allow_remote, interval_ms=INTERVAL_MS)
        prof = Profile(hz=self.hz, wall=self.wall, native=self.native,
                       follow_children=False, args=self.args)
        pub.attach(prof)
        pub._c.set_info({"hz": str(self.hz), "wall": str(int(self.wall)),
                         "native": str(int(self.native)),
                         "dask.worker": worker.address, "dask.name": str(worker.name),
                         "dask.id": str(worker.id), "hostname": socket.gethostname(),
                         "jitprofile": "0.1.0"})
        spans: list = []
        lock = threading.Lock()
        with worker.active_threads_lock:
            labelled = _LabelledThreads(worker.active_threads, spans, lock)
            worker.active_threads = labelled
        prof.start()
        self._state = {"prof": prof, "pub": pub, "spans": spans, "lock": lock,
                       "labelled": labelled}
        info = self.info(worker)
        worker.log_event(TOPIC, info)

    def info(self, worker) -> dict:
        st = self._state
        return {"worker": worker.address, "name": str(worker.name), "pid": os.getpid(),
                "hostname": socket.gethostname(), "endpoint": st["pub"].endpoint,
                "stream_id": st["pub"].stream_id, "session": self.session,
                "mono_ns": time.monotonic_ns(), "time": time.time()}

    def spans(self, since: int = 0) -> dict:
        """The task spans recorded from index `since` on, and the running ones."""
        st = self._state
        if st is None:
            return {"spans": [], "next": since, "running": []}
        with st["lock"]:
            out = st["spans"][since:]
            nxt = len(st["spans"])
        return {"spans": out, "next": nxt, "running": st["labelled"].running()}

    def signatures(self) -> list:
        """[(qualname, file, first line, [[signature, calls, share, shapes]],
        calls)] of the functions whose arguments this worker recorded; the
        signatures' calls are those recorded, the last figure the recorder's
        count of all calls (ArgSession.calls: in sampled mode an estimate)."""
        st = self._state
        args = st["prof"].args if st is not None else None
        if args is None:
            return []
        out = []
        for code, *_rest in args.rec.functions():
            from .widget_data import _shape_text
            rows = [[s.signature, s.calls, s.share, ", ".join(_shape_text(h) for h in s.shapes)]
                    for s in args.signatures(code)[:12]]
            if rows:
                out.append((code.co_qualname, code.co_filename, code.co_firstlineno, rows,
                            int(args.calls(code))))
        return out

    def teardown(self, worker):
        st, self._state = self._state, None
        if st is None:
            return
        st["prof"].stop()
        if st["prof"].args is not None:
            # the recorded arguments stay on the worker for the notebook's
            # measurement (measure_on_worker); only the last session's
            _KEPT.clear()
            _KEPT[self.session] = st["prof"].args
        st["pub"].push()
        st["pub"].close()
        with worker.active_threads_lock:
            if worker.active_threads is st["labelled"]:
                worker.active_threads = dict(st["labelled"])


class JitPatchPlugin(WorkerPlugin):
    """Compiles a module-level function with jitprofile.jit on every worker
    (present and future) and puts the dispatcher in its module's namespace,
    so tasks that call it by name run the compiled code; teardown puts the
    original back.  The function travels by reference (module, qualname):
    the worker imports its module, as Dask does for task functions."""

    idempotent = True

    def __init__(self, module: str, qualname: str, options: dict | None = None):
        self.module, self.qualname = module, qualname
        self.options = dict(options or {})
        self._original = None

    def setup(self, worker):
        import importlib
        from .decorators import jit
        mod = importlib.import_module(self.module)
        original = getattr(mod, self.qualname)
        if getattr(original, "py_func", None) is not None:
            return                      # already compiled
        self._original = original
        setattr(mod, self.qualname, jit(**self.options)(original))

    def teardown(self, worker):
        if self._original is not None:
            import importlib
            setattr(importlib.import_module(self.module), self.qualname, self._original)
            self._original = None


def _patch_name(func) -> str:
    return f"jitprofile-jit:{func.__module__}.{func.__qualname__}"


def apply_jit(client, func, **options) -> str:
    """Compile func (a module-level Python function) on every worker of
    client's cluster, present and future (jitprofile.jit(**options), nopython
    by default); returns the plugin name.  Functions defined in a notebook
    cell cannot be sent this way until dispatchers pickle."""
    if "." in func.__qualname__ or func.__module__ in ("__main__", None):
        raise ValueError(f"{func.__qualname__}: only module-level functions of an importable "
                         "module can be compiled on the workers")
    options.setdefault("nopython", True)
    name = _patch_name(func)
    client.register_plugin(JitPatchPlugin(func.__module__, func.__qualname__, options),
                           name=name)
    return name


def undo_jit(client, func) -> None:
    """Put the original function back on every worker (apply_jit undone)."""
    client.unregister_worker_plugin(_patch_name(func))


class ClusterSuggestion:
    """A recommendation for a cluster profile: compile a hot module-level
    Python function on every worker (apply_jit).  Shaped like
    advisor.Suggestion for the widget and the magics; act("apply"/"undo")
    does it.  The speedup is measured on a worker that recorded the
    function's arguments (profile(args=...)), on those arguments."""

    kind = "jit"

    def __init__(self, client, func, share: float, self_share: float,
                 signatures=(), workers=()):
        self.client, self.func = client, func
        self.function = func.__qualname__
        self.file = func.__code__.co_filename
        self.line = func.__code__.co_firstlineno
        self.share, self.self_share = share, self_share
        self.signatures = list(signatures)
        self.workers = sorted(workers)
        self.why = (f"{100 * self_share:.0f}% of the cluster's samples in this Python "
                    f"function's own code (workers {', '.join(self.workers)})")
        self.code = (f"jitprofile.dask.apply_jit(client, {func.__module__}.{func.__qualname__})")
        self.speedup = None             # measured on a worker (ClusterProfile.advise)
        self.reason = None
        self.measured_on = None         # that worker's address
        self.callees: list[str] = []    # plain Python callees jitted along (same module)
        self.seconds = 0.0
        self.applicable = True
        self.applied = False
        self.applied_workers = 0        # the cluster's workers when it was applied
        self.message = ""
        self.score = self_share

    def to_dict(self) -> dict:
        d = {"function": self.function, "file": self.file, "line": self.line,
             "kind": self.kind, "code": self.code, "why": self.why,
             "signatures": self.signatures, "share": round(self.share, 4),
             "self_share": round(self.self_share, 4), "applicable": self.applicable,
             "score": round(self.score, 4), "workers": self.workers}
        if self.speedup is not None:
            d["speedup"] = round(self.speedup, 2)
            d["measured_on"] = self.measured_on
        if self.callees:
            d["includes"] = list(self.callees)
        if self.reason is not None:
            d["reason"] = self.reason
            d["reason_line"] = None
        return d

    def _callee_funcs(self) -> list:
        """The plain Python callees the measurement jitted with the function
        (looked up in its module as imported here): Apply compiles them too."""
        import sys
        import types
        mod = sys.modules.get(self.func.__module__)
        out = []
        for name in self.callees:
            f = getattr(mod, name, None)
            if isinstance(f, types.FunctionType) and f.__module__ == self.func.__module__:
                out.append(f)
        return out

    def act(self, what: str) -> str:
        """Apply or undo on the workers; an apply is listed in the kernel's
        registry (applier.record: %jitprofile_status, %jitprofile_undo, the
        widgets' banner) with the number of workers it reached."""
        from . import applier
        if what == "apply":
            for f in self._callee_funcs():
                apply_jit(self.client, f)
            apply_jit(self.client, self.func)
            self.applied = True
            self.applied_workers = len(self.client.scheduler_info().get("workers", {}))
            applier.record(self)
            speed = (f", measured {self.speedup:.1f}x faster per call on {self.measured_on}"
                     if self.speedup else "")
            return (f"applied: {self.function} compiled on every worker "
                    f"({self.applied_workers} now, and those that join later){speed}")
        undo_jit(self.client, self.func)
        for f in self._callee_funcs():
            undo_jit(self.client, f)
        self.applied = False
        applier.forget(self)
        return f"undone: {self.function} is the original Python function on the workers again"


_KEPT: dict = {}                 # session -> ArgSession, on a worker, after teardown


def measure_on_worker(session: str, qualname: str, file: str, line: int,
                      per_call_s: float = 0.0) -> dict:
    """Run on a worker (a task, jitprofile.dask.profile's advise): compile
    the function (qualname, file, line) for the signatures this worker
    recorded and time it against the Python original on the recorded
    arguments (advisor._suggest_jit, the single-process advisor's code).
    The arguments never leave the worker; the answer is plain data:
    {speedup, reason, applicable, unmeasured, signatures, calls}."""
    from .advisor import _functions_by_key, _suggest_jit
    args = _KEPT.get(session)
    key = (qualname, file, line)
    out = {"speedup": None, "reason": None, "applicable": False, "unmeasured": None,
           "signatures": [], "calls": 0, "callees": []}
    if args is None:
        out["reason"] = "this worker kept no recorded arguments for the session"
        return out
    codes = {(c.co_qualname, c.co_filename, c.co_firstlineno): c
             for c, *_rest in args.rec.functions()}
    if key not in codes:
        out["reason"] = "no call of it was recorded on this worker"
        return out
    func = _functions_by_key({key}, {key: codes[key]}).get(key)
    if func is None:
        out["reason"] = "the function is gone from the worker"
        return out
    sigs = args.signatures(func)
    facts = {"per_call_s": float(per_call_s), "wide_returns": args.wide_returns(func)}
    entry: dict = {"applicable": False, "speedup": None, "reason": None}
    _suggest_jit(func, sigs, facts, entry)
    speedup = entry.get("speedup")
    reason, unmeasured = entry.get("reason"), entry.get("unmeasured")
    out.update(speedup=None if speedup is None else float(speedup),
               reason=None if reason is None else str(reason),
               unmeasured=None if unmeasured is None else str(unmeasured),
               applicable=bool(entry.get("applicable")),
               signatures=[str(s.signature) for s in sigs if s.compilable],
               calls=int(sum(s.calls for s in sigs)),
               callees=sorted(str(n) for n in entry.get("callees") or {}))
    return out


def _forget_call(session, dask_worker=None):
    _KEPT.pop(session, None)


def _spans_call(since, dask_worker=None):
    plugin = dask_worker.plugins.get(PLUGIN_NAME)
    if plugin is None or getattr(plugin, "_state", None) is None:
        return None
    return plugin.spans((since or {}).get(dask_worker.address, 0))


def _signatures_call(dask_worker):
    plugin = dask_worker.plugins.get(PLUGIN_NAME)
    if plugin is None or getattr(plugin, "_state", None) is None:
        return []
    return plugin.signatures()


def _is_loopback(endpoint: str) -> bool:
    return (endpoint.startswith(("ipc://", "inproc://", "tcp://127.", "tcp://[::1]"))
            or endpoint.startswith("tcp://localhost"))


class ClusterProfile:
    """The merged profile of every worker: a jitprofile.Profile (`.profile`)
    whose threads are named "<worker name>: <thread name>", plus the worker
    and task-key dimensions (`workers`, `labels`)."""

    def __init__(self, hz: int = 1000):
        from .profile import Profile
        self.hz = hz
        self.profile = Profile(hz=hz, follow_children=False)
        self.workers: dict[int, dict] = {}        # pid -> announcement
        self.labels: list[str | None] = []        # per sample of profile.data.samples()
        self.signature_table: dict[tuple, list] = {}
        self.recorded_on: dict[tuple, list] = {}   # (qual, file, line) -> worker addresses
        self.session = ""
        self.suggestions: list = []
        self.numbers: dict = {}                     # the frozen figures (figures.py), at the end
        self.calls: dict[tuple, int] = {}           # (qual, file, line) -> calls on all workers

    # -- built by the session ------------------------------------------------
    def _rebuild(self, subs: dict, spans: dict, sigs: dict | None = None) -> None:
        """subs: {worker address: Subscriber}; spans: {pid: {tid: sorted spans}}."""
        from .profile import Profile
        prof = Profile(hz=self.hz, follow_children=False)
        labels: list = []
        workers = {}
        for addr, (sub, ann) in sorted(subs.items(), key=lambda kv: str(kv[1][1].get("name"))):
            d = sub.profile()
            if not d["threads"]:
                continue
            pid = ann["pid"]
            workers[pid] = ann
            wname = ann.get("name", addr)
            d = dict(d, threads=[[p, t, f"{wname}: {n or 'thread'}", w]
                                 for p, t, n, w in d["threads"]])
            prof.data.merge(Profile.from_dict(d).data)
        # each sample: the key its thread ran at the middle of its interval
        iv_ns = INTERVAL_MS * 1_000_000
        threads = prof.data.threads()
        for thread, _node, ts, _w in prof.data.samples():
            pid, tid = threads[thread][0], threads[thread][1]
            labels.append(_label_at(spans.get(pid, {}).get(tid), ts + iv_ns // 2))
        prof.data.interval = 1.0 / self.hz
        self.profile, self.labels, self.workers = prof, labels, workers
        if sigs is not None:
            self.signature_table = sigs

    # -- results ----------------------------------------------------------
    @property
    def data(self):
        return self.profile.data

    def worker_of(self, pid: int) -> str:
        ann = self.workers.get(pid)
        return str(ann.get("name")) if ann else f"pid {pid}"

    def text(self, n: int = 25, all: bool = False) -> str:  # noqa: A002 - as Profile.text
        lines = [self.profile.text(n, all=all).rstrip("\n"), "", "Workers:"]
        for w in self.by_worker():
            lines.append(f"  {w['worker']:<12} {w['address']:<24} pid {w['pid']:>8} "
                         f"{w['seconds']:8.3f} s  {100 * w['share']:5.1f}%")
        tasks = self.by_task()
        if tasks:
            lines.append("Task keys (prefix):")
            for k, s in list(tasks.items())[:n]:
                lines.append(f"  {k:<40} {s * self.data.interval:8.3f} s")
        return "\n".join(lines) + "\n"

    def top(self, n: int = 20, worker=None):
        if worker is None:
            return self.profile.top(n)
        pid = self._pid_of(worker)
        return self.profile.top(n, pid=pid) if pid is not None else []

    def _pid_of(self, worker):
        for pid, ann in self.workers.items():
            if str(worker) in (str(ann.get("name")), ann.get("worker")):
                return pid
        return None

    def by_worker(self) -> list[dict]:
        out = []
        for p in self.profile.by_process():
            ann = self.workers.get(p["pid"], {})
            out.append(dict(p, worker=str(ann.get("name", p["pid"])),
                            address=ann.get("worker", "")))
        return out

    def by_task(self, prefix: bool = True) -> dict[str, int]:
        """Sampled weight per task key (or key prefix, as Dask's key_split)."""
        from dask.utils import key_split
        out: dict[str, int] = {}
        for (_t, _n, _ts, w), key in zip(self.data.samples(), self.labels):
            if key is None:
                continue
            k = key_split(key) if prefix else key
            out[k] = out.get(k, 0) + w
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def functions_by_worker(self, name: str) -> dict[str, int]:
        """Self+callee weight of the function called `name` on each worker."""
        funcs = self.data.functions()
        frames = self.data.frames()
        nodes = self.data.nodes()
        threads = self.data.threads()
        hit: dict[int, bool] = {0: False}

        def has(node: int) -> bool:
            v = hit.get(node)
            if v is None:
                parent, frame = nodes[node]
                v = _base_name(funcs[frames[frame][0]][0]) == name or has(parent)
                hit[node] = v
            return v
        out: dict[str, int] = {}
        for thread, node, _ts, w in self.data.samples():
            if has(node):
                wk = self.worker_of(threads[thread][0])
                out[wk] = out.get(wk, 0) + w
        return out

    def stacks(self):
        return self.profile.stacks()

    def lanes(self) -> dict:
        """Thread index -> worker name: the widget's timeline lanes."""
        return {i: self.worker_of(pid) for i, (pid, _t, _n, _w) in enumerate(self.data.threads())}

    def task_prefix_at(self):
        """(pid, tid, ts) -> the task key prefix of that sample (or None):
        the widget's task filter (TableBuilder(tasks=...))."""
        from dask.utils import key_split
        threads = self.data.threads()
        at = {}
        for (t, _n, ts, _w), key in zip(self.data.samples(), self.labels):
            if key is not None:
                at[(threads[t][0], threads[t][1], ts)] = key_split(key)
        return lambda pid, tid, ts: at.get((pid, tid, ts))

    def signature_rows(self, builder) -> dict:
        """The widget's argument rows, from the workers' recordings."""
        from .widget_data import function_index
        index = function_index(self.data)
        out = {}
        for (qual, file, line), rows in self.signature_table.items():
            fi = index.get((qual, file, line))
            if fi is None:
                continue
            builder.calls[fi] = self.calls.get((qual, file, line)) or sum(r[1] for r in rows)
            out[str(fi)] = [[r[0], r[1], round(r[2], 4), r[3]] for r in rows]
        return out

    def advise(self, client, hot_share: float = 0.1, max_functions: int = 5,
               measure: bool = True, timeout: float = 120.0) -> list:
        """Hot module-level Python functions of the workers (own time at
        least hot_share of the samples) that this process has imported too:
        ClusterSuggestion rows (apply_jit on Apply).  Nothing is imported
        or run because of what the stream says: a function is only looked up
        in modules already loaded here.  With measure (and arguments recorded,
        profile(args=...)), each function's speedup is measured on the worker
        that recorded most of its calls, on its recorded arguments
        (measure_on_worker, a task pinned to that worker): the arguments stay
        there, the notebook receives the figures."""
        import sys
        from .advisor import _is_user_code, _library_dirs
        libs = _library_dirs()
        out = []
        for r in self.profile.top(40):
            if len(out) >= max_functions or r.self_pct < 100 * hot_share:
                continue
            if r.category != "python" or not _is_user_code(r.file, libs) or "." in r.name:
                continue
            mod = sys.modules.get(r.module)
            func = getattr(mod, r.name, None) if mod is not None else None
            code = getattr(func, "__code__", None)
            if code is None or code.co_filename != r.file or code.co_firstlineno != r.line:
                continue
            sigs = [row[0] for row in self.signature_table.get((r.name, r.file, r.line), [])]
            workers = {w for w, n in self.functions_by_worker(r.name).items() if n}
            out.append(ClusterSuggestion(client, func, r.total_pct / 100, r.self_pct / 100,
                                         sigs[:5], workers))
            out[-1].seconds = r.total_s
        if measure:
            self._measure(client, out, timeout)
        self.suggestions = out
        return out

    def _measure(self, client, suggestions, timeout: float) -> None:
        futs = {}
        for s in suggestions:
            key = (s.function, s.file, s.line)
            where = self.recorded_on.get(key)
            if not where or not self.session:
                s.reason = ("not measured: no arguments were recorded on the workers "
                            "(jitprofile.dask.profile(client, args='sampled'))")
                continue
            calls = sum(r[1] for r in self.signature_table.get(key, [])) or 0
            per_call = s.seconds / calls if calls else 0.0
            futs[id(s)] = (s, where[0], client.submit(
                measure_on_worker, self.session, s.function, s.file, s.line, per_call,
                workers=[where[0]], allow_other_workers=False, pure=False,
                key=f"jitprofile-measure-{s.function}-{self.session}"))
        for s, addr, fut in futs.values():
            try:
                r = fut.result(timeout=timeout)
            except Exception as exc:        # noqa: BLE001 - shown on the row
                s.reason = f"not measured on {addr}: {type(exc).__name__}: {exc}"
                continue
            s.measured_on = addr
            s.speedup = r["speedup"]
            s.callees = [n for n in r.get("callees", []) if isinstance(n, str)]
            if s.callees:
                s.code = "".join(f"jitprofile.dask.apply_jit(client, {f.__module__}.{f.__qualname__})\n"
                                 for f in s._callee_funcs() + [s.func]).rstrip()
            if r["signatures"]:
                s.signatures = r["signatures"][:5]
            if r["reason"]:
                s.reason = r["reason"]
            elif r["unmeasured"]:
                s.reason = f"not measured: {r['unmeasured']}"
            if not r["applicable"] and r["reason"]:
                s.applicable = False

    def to_dict(self) -> dict:
        d = self.profile.to_dict()
        d["dask"] = {"workers": {str(pid): ann for pid, ann in self.workers.items()},
                     "labels": self.labels}
        return d

    def to_speedscope(self, path: str | None = None) -> dict:
        """speedscope: one profile per worker thread (named with the worker)."""
        doc = self.profile.to_speedscope(path=None)
        doc["name"] = "jitprofile (dask cluster)"
        if path is not None:
            import json
            with open(path, "w") as f:
                json.dump(doc, f)
        return doc

    def to_html(self, path: str | None = None, suggestions=None,
                title: str = "jitprofile: dask cluster"):
        from .html_export import to_html
        return to_html(self, path, suggestions, title)

    def __repr__(self) -> str:
        return (f"<jitprofile.dask.ClusterProfile {len(self.workers)} worker(s), "
                f"{len(self.data.samples())} samples>")


def _base_name(name: str) -> str:
    """A JIT function's name without its specialization ("f [jit int64]")."""
    return name.split(" [", 1)[0]


def _label_at(spans, ts: int):
    """The key of the span (start, end, key) holding ts, or None."""
    if not spans:
        return None
    i = bisect.bisect_right(spans, (ts, "\uffff")) - 1
    while i >= 0:
        t0, t1, key = spans[i]
        if t0 <= ts < t1:
            return key
        if t1 <= ts:
            break
        i -= 1
    return None


class profile:
    """with jitprofile.dask.profile(client) as prof: ... - profile every
    worker of client's cluster (those that join meanwhile too) and merge
    them; prof is a ClusterProfile, filled live (prof.refresh()) and at exit.

    widget: a ProfileWidget to keep up to date (the notebook's
    `%%jitprofile --dask`); args: argument recording on the workers."""

    def __init__(self, client, hz: int = 1000, wall: bool = False, native: bool = True,
                 args: str | None = None, allow_remote: bool = False,
                 endpoint: str | None = None, widget=None, period: float = 0.2,
                 connect_timeout: float = 10.0):
        self.client = client
        self.allow_remote = allow_remote
        self.session = f"{os.getpid()}-{time.monotonic_ns()}"
        ep = endpoint or "tcp://127.0.0.1:*"
        if endpoint is None and allow_remote:
            ep = "tcp://0.0.0.0:*"      # each worker binds all its interfaces
        self.plugin = ProfilerPlugin(hz=hz, wall=wall, native=native, args=args,
                                     endpoint=ep, allow_remote=allow_remote,
                                     session=self.session)
        self.result = ClusterProfile(hz=hz)
        self.widget = widget
        self.period = period
        self.connect_timeout = connect_timeout
        self._subs: dict[str, tuple] = {}          # worker address -> (Subscriber, announcement)
        self._spans: dict[int, dict[int, list]] = {}
        self._since: dict[str, int] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = None
        self._t0 = time.monotonic()
        self.rejected: list[dict] = []             # announcements refused (not loopback)
        self._running: dict[int, dict] = {}
        self._sigs: dict[tuple, list] = {}
        self._retired: list = []                   # subscribers of restarted workers
        self.cell_s: float | None = None           # the cell's own wall time (set by the magic)

    # -- endpoints ----------------------------------------------------------
    def _on_event(self, event) -> None:
        _ts, msg = event if isinstance(event, tuple) else (None, event)
        if not isinstance(msg, dict) or msg.get("session") != self.session:
            return
        from .stream import Subscriber
        ep = msg.get("endpoint", "")
        if ep.startswith("tcp://0.0.0.0:"):
            host = msg["worker"].split("://", 1)[-1].rsplit(":", 1)[0]
            ep = f"tcp://{host}:{ep.rsplit(':', 1)[1]}"
        if not _is_loopback(ep) and not self.allow_remote:
            self.rejected.append(msg)
            warnings.warn(f"jitprofile.dask: worker {msg.get('worker')} streams from {ep}, "
                          "not loopback: pass allow_remote=True to read it", stacklevel=2)
            return
        with self._lock:
            old = self._subs.get(msg["worker"])
            if old is not None and old[1].get("stream_id") == msg.get("stream_id"):
                return              # the same stream, announced and caught up
            if old is not None:
                # the worker restarted (a new stream at the same address):
                # its former process's profile leaves the merge (closed at exit,
                # another thread may be polling it now)
                self._retired.append(old[0])
            self._subs[msg["worker"]] = (Subscriber(ep), dict(msg, endpoint=ep))
            self._since[msg["worker"]] = 0
            self._spans[msg["pid"]] = {}

    def _register_plugin(self, attempts: int = 3) -> None:
        """Client.register_plugin, again when a worker that was leaving (an
        adaptive or scaled-down cluster) closed its stream during the
        scheduler's broadcast: the plugin reaches the workers that stay."""
        from distributed.comm.core import CommClosedError
        for attempt in range(attempts):
            try:
                self.client.register_plugin(self.plugin, name=PLUGIN_NAME)
                return
            except (CommClosedError, OSError):
                if attempt == attempts - 1:
                    raise
                time.sleep(0.5)

    def __enter__(self) -> ClusterProfile:
        self.client.subscribe_topic(TOPIC, self._on_event)
        self._register_plugin()
        for ev in self.client.get_events(TOPIC):      # announced before we subscribed
            self._on_event(ev)
        deadline = time.monotonic() + self.connect_timeout
        nworkers = len(self.client.scheduler_info().get("workers", {}))
        while time.monotonic() < deadline:
            self._poll(0.05)
            with self._lock:
                subs = list(self._subs.values())
            if len(subs) >= nworkers and all(s.stats()["received"] for s, _a in subs):
                break
        if self.widget is not None:
            import contextvars      # the cell's parent header goes along (ipykernel)
            ctx = contextvars.copy_context()
            self._thread = threading.Thread(target=ctx.run, args=(self._loop,),
                                            name="jitprofile-dask", daemon=True)
            self._thread.start()
        self._t0 = time.monotonic()
        return self.result

    def _poll(self, timeout: float = 0.0) -> None:
        with self._lock:
            subs = list(self._subs.values())
        if not subs:
            time.sleep(timeout)
            return
        each = timeout / len(subs)
        for sub, _ann in subs:
            sub.poll(each)

    def _fetch_spans(self) -> None:
        with self._lock:
            since = dict(self._since)
            addrs = {a: ann for a, (_s, ann) in self._subs.items()}
        if not addrs:
            return
        try:
            res = self.client.run(_spans_call, since, workers=list(addrs), on_error="return")
        except Exception:           # noqa: BLE001 - a worker gone: keep what we have
            return
        for addr, r in res.items():
            if not isinstance(r, dict) or addr not in addrs:
                continue
            pid = addrs[addr]["pid"]
            with self._lock:
                per = self._spans.setdefault(pid, {})
                for tid, key, t0, t1 in r["spans"]:
                    per.setdefault(tid, []).append((t0, t1, key))
                self._since[addr] = r["next"]
                for lst in per.values():
                    lst.sort()
                # the tasks still running count up to now (replaced next time)
                self._running[pid] = {tid: (t0, t1, key) for tid, key, t0, t1 in r["running"]}

    def _span_table(self) -> dict:
        with self._lock:
            spans = {pid: {tid: list(v) for tid, v in per.items()}
                     for pid, per in self._spans.items()}
            for pid, run in self._running.items():
                for tid, span in run.items():
                    lst = spans.setdefault(pid, {}).setdefault(tid, [])
                    lst.append(span)
                    lst.sort()
        return spans

    def refresh(self) -> ClusterProfile:
        """Take what has arrived and rebuild the merged profile now."""
        self._poll(0.0)
        self._fetch_spans()
        with self._lock:
            subs = dict(self._subs)
        self.result._rebuild(subs, self._span_table())
        return self.result

    def _fetch_signatures(self) -> None:
        try:
            res = self.client.run(_signatures_call, on_error="return")
        except Exception:           # noqa: BLE001
            return
        merged: dict[tuple, dict] = {}
        where: dict[tuple, dict] = {}
        ncalls: dict[tuple, int] = {}
        for addr, rows in res.items():
            if not isinstance(rows, list):
                continue
            for qual, file, line, sigs, n in rows:
                ncalls[(qual, file, line)] = ncalls.get((qual, file, line), 0) + n
                m = merged.setdefault((qual, file, line), {})
                per = where.setdefault((qual, file, line), {})
                per[addr] = per.get(addr, 0) + sum(r[1] for r in sigs)
                for sig, calls, _share, shapes in sigs:
                    old = m.get(sig)
                    m[sig] = [sig, calls + (old[1] if old else 0), 0.0, shapes]
        out = {}
        for k, m in merged.items():
            total = sum(r[1] for r in m.values()) or 1
            rows = sorted(m.values(), key=lambda r: -r[1])
            out[k] = [[r[0], r[1], r[1] / total, r[3]] for r in rows]
        self._sigs = out
        self.result.calls = ncalls      # all workers' call counts (the figures' calls)
        # the workers that recorded each function, most calls first
        self.result.recorded_on = {k: sorted(v, key=lambda a: -v[a]) for k, v in where.items()}
        self.result.session = self.session

    def _loop(self) -> None:
        from . import _core
        _core.sampler_ignore_thread()       # a local session, if any, is not ours
        while not self._stop.wait(self.period):
            try:
                self.refresh()
                self._show("running")
            except Exception:       # noqa: BLE001 - the view must not kill the run
                pass

    def _show(self, status: str, **extra) -> None:
        if self.widget is None:
            return
        from .widget_data import TableBuilder
        b = TableBuilder(self.result.data, lanes=self.result.lanes(),
                         tasks=self.result.task_prefix_at())
        args = self.result.signature_rows(b)    # fills the hotspot table's calls column
        tables = b.tables()
        self.widget.show_tables(tables, status=status, elapsed=time.monotonic() - self._t0,
                                args=args, **extra)

    def _figures(self, advisor_s: float) -> dict:
        """The frozen figures (figures.py) of the merged profile: the calls
        the workers recorded, the number of workers, the cell's time."""
        from . import figures
        calls = [[q, f, ln, n] for (q, f, ln), n in self.result.calls.items()]
        nums = figures.finish(self.result.profile, self.result.suggestions, cell_s=self.cell_s,
                              advisor_s=advisor_s, calls=[c for c in calls if c[3]],
                              estimated=self.plugin.args == "sampled",
                              workers=len(self.result.workers))
        self.result.numbers = nums
        return nums

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        # the spans and argument records live in the plugins: fetch them
        # before the teardown (unregistering) closes each publisher
        self._poll(0.0)
        self._fetch_spans()
        self._running = {}
        self._fetch_signatures()
        try:
            self.client.unregister_worker_plugin(PLUGIN_NAME)
        except Exception:       # noqa: BLE001 - a worker gone
            pass
        with self._lock:
            subs = list(self._subs.values())
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and not all(s.finished for s, _a in subs):
            self._poll(0.05)
        try:
            self.client.unsubscribe_topic(TOPIC)
        except Exception:       # noqa: BLE001
            pass
        self.result._rebuild(dict(self._subs), self._span_table(), self._sigs)
        for sub in [s for s, _a in subs] + self._retired:
            sub.close()
        from .figures import too_short
        t_adv = time.perf_counter()
        self.result.suggestions = []
        # no advice from a handful of samples, nor after an interrupt
        if not too_short(self.result.profile) and (exc[0] is None or issubclass(exc[0], Exception)):
            try:
                self.result.advise(self.client)
            except Exception:           # noqa: BLE001 - the profile stands without them
                self.result.suggestions = []
        advisor_s = time.perf_counter() - t_adv
        if self.plugin.args is not None:
            try:
                self.client.run(_forget_call, self.session, on_error="return")
            except Exception:       # noqa: BLE001 - a worker gone
                pass
        nums = self._figures(advisor_s)
        if self.widget is not None:
            self.widget.show_recommendations(self.result.suggestions)
        self._show("done", numbers=nums, can_export=True)     # frozen: export = widget
