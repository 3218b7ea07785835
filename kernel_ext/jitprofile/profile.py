"""jitprofile.Profile: the mixed-mode sampling profiler, as Python sees it.

Thin glue over the C sampler (sampler/) and aggregation (profiler/): start
and stop a session, name threads, follow forked children (multiprocessing,
ProcessPoolExecutor, a bare os.fork) and merge their profiles, and present
the results.

The profiler must never harm its target: while a session runs, os.execv and
os.execve (every os.exec* goes through them) stop it first, run the
session's on_exec callbacks (`record` writes the profile collected so far),
and hand the program its signal dispositions back; os._exit in a followed
child writes the child's part first; signal.signal and signal.setitimer are
watched for SIGPROF / ITIMER_PROF, which the program keeps for itself (the
sampler uses a real-time signal) and which the report notes.
"""
from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import tempfile
import threading
from typing import NamedTuple

from . import _core
from .argrecord import ArgSession
from .lines import LineStat

__all__ = ["Profile", "FunctionStat", "LineStat"]

_active: "Profile | None" = None       # the session running in this process
_fork_hook_installed = False
_os_hooks_installed = False
_real = {}                             # the os/signal functions wrapped, by name


class FunctionStat(NamedTuple):
    """One row of Profile.top(): a function and where its time went."""
    name: str
    module: str
    file: str
    line: int
    category: str        # python / native / jit
    self_samples: int
    total_samples: int
    self_pct: float
    total_pct: float
    self_s: float
    total_s: float
    threads: int


def _thread_hook(*_args):
    """Runs once in each new threading.Thread: sample it from its start."""
    sys.setprofile(None)
    if _active is not None:
        name = threading.current_thread().name
        if name.startswith("jitprofile-"):
            # the profiler's own threads (the widget's updater) stay out of
            # the profile from their first instruction, before any timer
            _core.sampler_ignore_thread()
            return
        _core.sampler_register_thread(name)
        _core.argrec_thread_start()     # exact argument recording, when on
        if _active.memory_interval:
            _core.memory_thread_start()     # NumPy's handler is per context


def _after_fork_child():
    global _active
    parent = _active
    _active = None
    if parent is None or not parent.follow_children or parent._child_dir is None:
        return
    child = Profile(hz=parent.hz, wall=parent.wall, native=parent.native,
                    follow_children=True, root=parent._root)
    child._child_dir = parent._child_dir
    child._is_child = True
    child.start()
    atexit.register(child._dump_child)
    mp_util = sys.modules.get("multiprocessing.util")
    if mp_util is not None:
        # multiprocessing workers leave through os._exit after running the
        # finalizers; their bootstrap clears the finalizers registered so
        # far, then runs the after-fork hooks: register from one of those.
        mp_util.Finalize(None, child._dump_child, exitpriority=-100)
        mp_util.register_after_fork(child, _register_mp_finalizer)
        # Pool.terminate() (and so `with Pool() as p`) ends workers with
        # SIGTERM: save the profile first, then die of the same signal.
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _dump_and_die)


def _before_exec() -> "Profile | None":
    """Stop the session before the process image is replaced: its profile
    is saved (a child's part; the original's on_exec callbacks), its timers
    deleted and its signals handed back.  The session to restart if the
    exec fails, or None."""
    prof = _active
    if prof is None:
        return None
    if prof._is_child:
        prof._dump_child()
        restart = None
    else:
        prof.stop()
        for fn in list(prof.on_exec):
            try:
                fn(prof)
            except Exception as e:      # noqa: BLE001 - the exec goes on
                print(f"jitprofile: could not save the profile before exec: {e}",
                      file=sys.stderr)
        restart = prof
    if not _core.sampler_running():
        _core.sampler_release_signal()
    return restart


def _wrap_exec(name: str):
    real = getattr(os, name)

    def exec_(*args, **kw):
        restart = _before_exec()
        try:
            return real(*args, **kw)
        except BaseException:
            if restart is not None and _active is None:
                restart.start()         # the exec failed: the program goes on, profiled
            raise
    exec_.__name__ = exec_.__qualname__ = name
    exec_.__doc__ = real.__doc__
    exec_.__wrapped__ = real
    return exec_


def _exit_(status):
    """os._exit in a followed child (a bare fork): save its part first."""
    prof = _active
    if prof is not None and prof._is_child:
        try:
            prof._dump_child()
        except Exception:               # noqa: BLE001 - leaving anyway
            pass
    _real["_exit"](status)


def _signal_(signalnum, handler):
    prof = _active
    if prof is not None and signalnum == signal.SIGPROF and handler is not signal.SIG_DFL:
        prof._note("sigprof", "the program set its own SIGPROF disposition "
                   f"({'ignored' if handler is signal.SIG_IGN else 'a handler'})")
    if prof is not None and signalnum == prof._signo:
        _core.sampler_yield_signal()    # none of our ticks may reach the program's handler
    return _real["signal"](signalnum, handler)


def _setitimer_(which, seconds, interval=0.0):
    prof = _active
    if prof is not None and which == signal.ITIMER_PROF and seconds:
        prof._note("itimer_prof", "the program armed its own ITIMER_PROF")
    return _real["setitimer"](which, seconds, interval)


def _install_os_hooks() -> None:
    global _os_hooks_installed
    if _os_hooks_installed:
        return
    for name in ("execv", "execve"):
        _real[name] = getattr(os, name)
        setattr(os, name, _wrap_exec(name))
    _real["_exit"] = os._exit
    os._exit = _exit_
    _real["signal"] = signal.signal
    _real["setitimer"] = signal.setitimer
    for fn, real in ((_signal_, signal.signal), (_setitimer_, signal.setitimer)):
        fn.__name__ = fn.__qualname__ = real.__name__
        fn.__doc__ = real.__doc__
        fn.__wrapped__ = real
    signal.signal = _signal_
    signal.setitimer = _setitimer_
    _os_hooks_installed = True


def _dump_and_die(signum, _frame):
    if _active is not None:
        _active._dump_child()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _figures(prof: "Profile") -> dict:
    from .figures import summary
    try:
        return summary(prof)
    except Exception:       # noqa: BLE001 - a child's dump at exit must not fail on them
        return {}


def _register_mp_finalizer(child: "Profile") -> None:
    import multiprocessing.util as mp_util
    mp_util.Finalize(None, child._dump_child, exitpriority=-100)


class Profile:
    """A sampling profile of every thread (and, optionally, every forked
    child process) of this process.

        with jitprofile.Profile() as prof:
            work()
        print(prof.text())
    """

    def __init__(self, hz: int = 1000, wall: bool = False, native: bool = True,
                 follow_children: bool = True, root=None, args: str | None = "sampled",
                 args_options: dict | None = None, show_internal: bool = False,
                 memory: bool | int = False):
        if not isinstance(hz, int) or not 1 <= hz <= 10000:
            raise ValueError(f"sampling rate must be 1..10000 Hz, not {hz!r}")
        # allocation sampling (sampler/memory.c): True = one sample per
        # 256 KiB allocated on average, an int = that many bytes
        if memory is True:
            memory = 256 * 1024
        if memory is False or memory is None:
            memory = 0
        if not isinstance(memory, int) or memory < 0:
            raise ValueError(f"memory must be True, False or a sampling interval in bytes, "
                             f"not {memory!r}")
        self.memory_interval = memory
        self.memory_events: list[tuple] = []    # (kind, ts, thread, node, id, bytes, count, size)
        self.hz = hz
        self.wall = bool(wall)
        self.native = bool(native)
        self.follow_children = bool(follow_children)
        self._root = root            # code object hidden with its callers
        self.data = _core.ProfileData()
        self.data.interval = 1.0 / hz
        self._child_dir: str | None = None
        self._is_child = False
        self._dumped = False
        self._running = False
        self._thread_names: dict[tuple[int, int], str] = {}
        self._pid = None             # the process that started the session
        self._signo = 0              # the sampler's signal while it runs
        self.effective_hz = hz       # lower when the sampler paced itself
        self.handler_mean_ns = 0     # what taking one sample cost, on average
        # what paced the samples: "wall", "task-clock" (CPU time at the
        # requested rate), "cpu-timer" (CPU time on scheduler ticks only)
        self.clock = "wall" if self.wall else None
        self.notes: dict[str, str] = {}     # things the report warns about
        self.on_exec: list = []      # callbacks(profile) before an os.exec* replaces us
        # the profiler's own threads and frames in reports (_internal.py)
        self.show_internal = bool(show_internal)
        self._mirror = None
        # argument types/shapes of hot functions (kernel_ext/jitprofile/argrecord.py)
        self.args_mode = args
        self._args_options = dict(args_options or {})
        self.args = None

    # -- session ---------------------------------------------------------
    def start(self) -> "Profile":
        global _active, _fork_hook_installed
        if _active is not None:
            raise RuntimeError("another jitprofile.Profile is already running")
        if self.follow_children and self._child_dir is None:
            self._child_dir = tempfile.mkdtemp(prefix="jitprofile-children-")
        if not _fork_hook_installed:
            os.register_at_fork(after_in_child=_after_fork_child)
            _fork_hook_installed = True
        _install_os_hooks()
        if self.follow_children:
            from . import _mp_child     # spawn and forkserver children
            _mp_child.install()
        # argument recording starts before sampling and stops after it, so
        # that none of its set-up lands in the samples
        args = None
        if self.args_mode is not None and not self._is_child:
            if self.args is None:
                self.args = ArgSession(self, self.args_mode, **self._args_options)
            args = self.args
            args.start()
        try:
            _core.sampler_start(self.data, hz=self.hz, wall=self.wall, native=self.native,
                                root=self._root)
        except BaseException:
            if args is not None:
                args.stop()
            raise
        if self.memory_interval:
            self._memory_start()
        _active = self
        self._running = True
        self._pid = os.getpid()
        self._signo = _core.sampler_stats().get("signal", 0)
        self._remember_thread_names()
        threading.setprofile(_thread_hook)
        atexit.register(self.stop)
        return self

    def stop(self) -> "Profile":
        global _active
        if not self._running:
            return self
        if self._pid is not None and os.getpid() != self._pid:
            # a forked child holding its parent's session (atexit, a `with`
            # left in the child): the child's own session is another object
            self._running = False
            atexit.unregister(self.stop)
            return self
        if self.memory_interval:
            _core.memory_stop()
        _core.sampler_stop()
        if self.memory_interval:
            self.memory_events += _core.memory_take()
        st = _core.sampler_stats()
        self.effective_hz = min(self.effective_hz, st.get("effective_hz", self.hz))
        if st.get("handler_calls"):
            self.handler_mean_ns = st["handler_ns"] // st["handler_calls"]
        clock = st.get("clock")
        if clock and not self.wall:
            self.clock = clock
            if clock != "task-clock":
                why = st.get("clock_fallback_reason") or "JITPROFILE_CPU_CLOCK=timer"
                self._note("clock", "CPU time was sampled by POSIX CPU-clock timers, which "
                           "fire on scheduler ticks only (about 250 distinct samples/s per "
                           f"thread; seconds stay right): task-clock perf events: {why}")
        if st.get("signal_taken"):
            self._note("signal_taken", f"the program took over the sampling signal "
                       f"({st.get('signal')}): samples after that were lost")
        if self.args is not None:
            self.args.stop()
        self._remember_thread_names()
        threading.setprofile(None)
        self._running = False
        if _active is self:
            _active = None
        atexit.unregister(self.stop)
        for (pid, tid), name in self._thread_names.items():
            self.data.add_thread(pid, tid, name)
        if not self._is_child:
            self._merge_children()
        return self

    def _memory_start(self) -> None:
        try:
            import numpy  # noqa: F401 - its allocator handler is wrapped
        except ImportError:
            pass
        try:
            _core.memory_start(interval=self.memory_interval, numpy=True)
        except BaseException:
            _core.sampler_stop()
            raise

    def _note(self, key: str, text: str) -> None:
        self.notes.setdefault(key, text)

    def warnings(self) -> list[str]:
        """What the report warns about: a rate the sampler had to lower, the
        program's own use of SIGPROF / ITIMER_PROF (kept working: the sampler
        uses a real-time signal), a sampling signal taken over."""
        out = []
        if self.effective_hz < self.hz:
            out.append(f"sampling rate capped at {self.effective_hz} Hz (asked for {self.hz} Hz): "
                       "taking a sample cost more than a quarter of the period")
        for key, text in self.notes.items():
            if key in ("sigprof", "itimer_prof"):
                text += (": it kept it (jitprofile samples on a real-time signal), "
                         "the profile is complete")
            out.append(text)
        return out

    def __enter__(self) -> "Profile":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _remember_thread_names(self) -> None:
        pid = os.getpid()
        for t in threading.enumerate():
            if t.native_id is not None:
                self._thread_names[(pid, t.native_id)] = t.name

    # -- children ----------------------------------------------------------
    def _dump_child(self) -> None:
        if self._dumped or self._child_dir is None:
            return
        self._dumped = True
        # a SIGTERM (Pool.terminate) landing while the part is written would
        # end the process half-way (its handler sees the dump begun and dies
        # at once): it waits until the part is whole
        try:
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        except (OSError, ValueError):
            blocked = None
        try:
            self.stop()
            path = os.path.join(self._child_dir, f"child-{os.getpid()}.json")
            tmp = path + ".tmp"
            try:
                with open(tmp, "w") as f:
                    json.dump(self.to_dict(), f)
                os.replace(tmp, path)
            except OSError:
                pass
        finally:
            if blocked is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def _merge_children(self) -> None:
        d = self._child_dir
        if d is None or not os.path.isdir(d):
            return
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if name.startswith("child-") and name.endswith(".json"):
                try:
                    with open(path) as f:
                        child = Profile.from_dict(json.load(f))
                    self.data.merge(child.data)
                    for text in child.warnings():      # what the report says of it
                        self.notes.setdefault("child:" + text, f"a child process: {text}")
                except (OSError, ValueError, KeyError, TypeError):
                    pass
            try:
                os.unlink(path)
            except OSError:
                pass
        try:
            os.rmdir(d)
        except OSError:
            pass
        self._child_dir = None

    # -- results -----------------------------------------------------------
    def signatures(self, func) -> list:
        """The observed signatures of func's calls (argrecord.Signature rows,
        most frequent first): types in the shared type language, shares,
        array shapes and bytes, sample argument values.  Empty when its
        arguments were not recorded (not hot in sampled mode, args=None)."""
        if self.args is None:
            return []
        return self.args.signatures(func)

    def view(self):
        """The ProfileData the reports read: self.data less the profiler's
        own threads and frames, or self.data itself with show_internal."""
        if self.show_internal:
            return self.data
        from ._internal import Mirror
        if self._mirror is None or self._mirror.src is not self.data:
            self._mirror = Mirror(self.data)
        key = tuple(self.data.threads())       # small; changes with every sample
        if key != getattr(self._mirror, "key", None):
            self._mirror.sync()
            self._mirror.key = key
        return self._mirror.data

    def top(self, n: int = 20, thread: int | None = None,
            pid: int | None = None, yours: bool = False) -> list[FunctionStat]:
        """The n functions with the most self time (then total time); yours=True:
        the your-code view's rows (yourcode.py: user functions, self time
        including the library and native time folded into them)."""
        if yours:
            return self._top_yours(n, thread, pid)
        total, rows = self.view().stats(pid=-1 if pid is None else pid,
                                      tid=-1 if thread is None else thread)
        funcs = self.view().functions()
        iv = self.view().interval
        out = []
        for func, self_w, total_w, nthreads in rows[:n]:
            name, file, module, line, cat = funcs[func]
            out.append(FunctionStat(name, module, file, line, cat, self_w, total_w,
                                    100.0 * self_w / total if total else 0.0,
                                    100.0 * total_w / total if total else 0.0,
                                    self_w * iv, total_w * iv, nthreads))
        return out

    def _top_yours(self, n, thread, pid) -> list[FunctionStat]:
        from .yourcode import rows as yours_rows
        total, rows, _outside = yours_rows(self.view(), thread, pid)
        iv = self.view().interval
        return [FunctionStat(r.name, r.module, r.file, r.line, r.category, r.self_samples,
                             r.total_samples, 100.0 * r.self_samples / total if total else 0.0,
                             100.0 * r.total_samples / total if total else 0.0,
                             r.self_samples * iv, r.total_samples * iv, r.threads)
                for r in rows[:n]]

    def lines(self, func=None, source: bool = True) -> list:
        """Time per source line (lines.LineStat rows, most self time first)
        of Python and JIT functions alike, or of func only (a name, a Python
        function or a jitted one): self/total seconds and samples, the
        JIT/Python/native split, the native callees under the line and the
        per-thread split (a prange loop's workers are on the loop's line)."""
        from .lines import compute_lines
        return compute_lines(self.data, func, source)

    def annotate(self, func=None, top: int = 3) -> str:
        """Annotated source of the top functions (or of func), hottest lines
        marked: what `record --lines` prints."""
        from .lines import annotate
        return annotate(self, func, top)

    def by_thread(self) -> list[dict]:
        """Per thread: pid, tid, name, samples, seconds, share, hottest function."""
        threads = self.view().threads()
        total = sum(t[3] for t in threads) or 1
        out = []
        for pid, tid, name, samples in threads:
            if samples == 0:
                continue
            top = self.top(1, thread=tid, pid=pid)
            out.append({"pid": pid, "tid": tid, "name": name, "samples": samples,
                        "seconds": samples * self.view().interval,
                        "share": samples / total,
                        "top": top[0].name if top else None})
        out.sort(key=lambda r: -r["samples"])
        return out

    def by_process(self) -> list[dict]:
        """Per process: pid, samples, seconds (CPU or wall), threads, share."""
        procs: dict[int, dict] = {}
        total = 0
        for pid, tid, _name, samples in self.view().threads():
            if samples == 0:
                continue
            p = procs.setdefault(pid, {"pid": pid, "samples": 0, "threads": 0})
            p["samples"] += samples
            p["threads"] += 1
            total += samples
        for p in procs.values():
            p["seconds"] = p["samples"] * self.view().interval
            p["share"] = p["samples"] / total if total else 0.0
        return sorted(procs.values(), key=lambda r: -r["samples"])

    def timeline(self, bucket_ms: float = 10.0) -> dict[tuple[int, int], list[tuple[float, float]]]:
        """Per (pid, tid): [(seconds since the first sample, sampled seconds
        in that bucket)] - the per-thread CPU (or wall) timeline."""
        threads = self.view().threads()
        samples = self.view().samples()
        if not samples:
            return {}
        t0 = min(s[2] for s in samples)
        width = int(bucket_ms * 1e6)
        iv = self.view().interval
        buckets: dict[tuple[int, int], dict[int, float]] = {}
        for thread, _node, ts, weight in samples:
            key = (threads[thread][0], threads[thread][1])
            b = buckets.setdefault(key, {})
            k = (ts - t0) // width
            b[k] = b.get(k, 0.0) + weight * iv
        return {key: [(k * width / 1e9, v) for k, v in sorted(b.items())]
                for key, b in buckets.items()}

    def memory(self, n: int | None = None) -> list:
        """Per line (Python or jitted code), the memory that compiled code
        and NumPy arrays allocated there: memory.MemoryStat rows (function,
        file, line, category, bytes, peak_bytes, live_bytes, count,
        samples), most bytes first.  Empty unless Profile(memory=True)."""
        from .memory import memory_rows
        self._memory_sync()
        return memory_rows(self, n)

    def _memory_sync(self) -> None:
        """While running: the allocation samples taken so far into
        memory_events (the widget's live view calls it too)."""
        if self._running and self.memory_interval and _core.sampler_running():
            _core.sampler_drain()
            self.memory_events += _core.memory_take()

    def memory_timeline(self, bucket_ms: float = 10.0) -> list[tuple[float, float, float]]:
        """[(seconds, live bytes, bytes allocated so far)] per bucket, on the
        CPU timeline's clock."""
        from .memory import memory_timeline
        self._memory_sync()
        return memory_timeline(self, bucket_ms)

    def stacks(self) -> list[tuple[list[str], int]]:
        """Every distinct stack (root first, function names) with its weight."""
        return [(line.rsplit(" ", 1)[0].split(";"), int(line.rsplit(" ", 1)[1]))
                for line in self.view().collapsed().splitlines() if line]

    def to_collapsed(self, path: str | None = None) -> str:
        """Brendan Gregg's folded stacks ("a;b;c 42" per line)."""
        text = self.view().collapsed()
        if path is not None:
            with open(path, "w") as f:
                f.write(text)
        return text

    def to_dict(self) -> dict:
        """Every table of the profile, JSON-ready (from_dict reads it back)."""
        return {
            "version": 1,
            "hz": self.hz, "wall": self.wall, "native": self.native,
            "interval": self.data.interval,
            "effective_hz": self.effective_hz,
            "handler_mean_ns": self.handler_mean_ns,
            "clock": self.clock,
            "warnings": self.warnings(),
            "functions": [list(f) for f in self.data.functions()],
            "frames": [list(f) for f in self.data.frames()],
            "nodes": [list(n) for n in self.data.nodes()],
            "threads": [list(t) for t in self.data.threads()],
            "samples": [list(s) for s in self.data.samples()],
            # the figures the views show, frozen at the end (figures.py)
            **({"numbers": _figures(self)} if not self._running else {}),
            **({"memory": {"interval": self.memory_interval,
                           "events": [list(e) for e in self.memory_events]}}
               if self.memory_interval else {}),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Profile":
        if d.get("version") != 1:
            raise ValueError("not a jitprofile profile (version 1)")
        prof = cls(hz=int(d["hz"]), wall=d["wall"], native=d["native"],
                   follow_children=False)
        data = prof.data
        data.interval = float(d["interval"])
        prof.effective_hz = int(d.get("effective_hz", prof.hz))
        prof.clock = d.get("clock", prof.clock)
        for i, w in enumerate(d.get("warnings", ())):
            if not w.startswith("sampling rate capped"):
                prof.notes[f"w{i}"] = w
        fmap = [data.intern_func(*f) for f in d["functions"]]
        frmap = [data.intern_frame(fmap[func], line) for func, line in d["frames"]]
        nmap = [0] * len(d["nodes"])
        for i, (parent, frame) in enumerate(d["nodes"]):
            if i:
                nmap[i] = data.intern_node(nmap[parent], frmap[frame])
        tmap = [data.add_thread(pid, tid, name) for pid, tid, name, _n in d["threads"]]
        for thread, node, ts, weight in d["samples"]:
            data.add_sample(tmap[thread], nmap[node], ts, weight)
        if d.get("numbers"):
            prof.numbers = d["numbers"]         # as frozen when it was recorded
        mem = d.get("memory")
        if mem:
            prof.memory_interval = int(mem["interval"])
            prof.memory_events = [(k, ts, tmap[th] if k == 1 else -1,
                                   nmap[node] if k == 1 else node, i, b, c, sz)
                                  for k, ts, th, node, i, b, c, sz in mem["events"]]
        return prof

    def to_speedscope(self, path: str | None = None) -> dict:
        """A speedscope file (https://www.speedscope.app): one sampled
        profile per thread, weights in seconds."""
        funcs = self.view().functions()
        frames = self.view().frames()
        nodes = self.view().nodes()
        threads = self.view().threads()
        shared = [{"name": funcs[f][0], "file": funcs[f][1], "line": line,
                   "col": 0} for f, line in frames]
        paths: dict[int, list[int]] = {}

        def path_of(node: int) -> list[int]:
            p = paths.get(node)
            if p is None:
                out = []
                n = node
                while n > 0:
                    out.append(nodes[n][1])
                    n = nodes[n][0]
                p = paths[node] = out[::-1]
            return p

        per_thread: dict[int, list] = {}
        for thread, node, ts, weight in self.view().samples():
            per_thread.setdefault(thread, []).append((ts, node, weight))
        profiles = []
        iv = self.view().interval
        for thread, rows in sorted(per_thread.items()):
            pid, tid, name, _n = threads[thread]
            rows.sort()
            start = rows[0][0] / 1e9
            profiles.append({
                "type": "sampled", "name": f"{name or 'thread'} (pid {pid}, tid {tid})",
                "unit": "seconds", "startValue": 0.0,
                "endValue": sum(r[2] for r in rows) * iv,
                "samples": [path_of(node) for _ts, node, _w in rows],
                "weights": [w * iv for _ts, _node, w in rows],
            })
            del start
        allocs = [e for e in self.memory_events if e[0] == 1]
        if allocs:          # where the bytes were allocated, a profile of its own
            profiles.append({
                "type": "sampled", "name": "memory: bytes allocated", "unit": "bytes",
                "startValue": 0, "endValue": sum(e[5] for e in allocs),
                "samples": [path_of(e[3]) for e in allocs],
                "weights": [e[5] for e in allocs],
            })
        doc = {"$schema": "https://www.speedscope.app/file-format-schema.json",
               "shared": {"frames": shared}, "profiles": profiles,
               "name": "jitprofile", "exporter": "jitprofile"}
        if path is not None:
            with open(path, "w") as f:
                json.dump(doc, f)
        return doc

    def to_html(self, path: str | None = None, suggestions=None,
                title: str = "jitprofile profile"):
        """A static HTML page of this profile (the notebook widget's flame
        graph, hotspots, threads, arguments and recommendations: by default
        a %%jitprofile cell's own), viewable without a kernel or a network.
        With a path: written there, the path returned.  Without: the page,
        as a str whose repr is one line (html_export.HTMLPage)."""
        from .html_export import to_html
        return to_html(self, path, suggestions, title)

    def text(self, n: int = 25, all: bool = False) -> str:  # noqa: A002 - the CLI's --all
        """A hotspot table like VTune's function summary: by default the
        "your code" view (yourcode.py: the user's functions, library and
        native time folded into them, labelled); all=True lists every
        function, native ones included."""
        total_w = sum(t[3] for t in self.view().threads())
        procs = self.by_process()
        nthreads = sum(p["threads"] for p in procs)
        kind = "wall time" if self.wall else "CPU time"
        rate = (f"{self.hz} Hz" if self.effective_hz >= self.hz
                else f"{self.effective_hz} Hz (capped from {self.hz} Hz)")
        if self.clock:
            rate += f" ({self.clock})"

        lines = [f"jitprofile: {total_w * self.view().interval:.3f} s of {kind} sampled at "
                 f"{rate}, {nthreads} thread(s), {len(procs)} process(es)"]
        lines += [f"warning: {w}" for w in self.warnings()]
        if len(procs) > 1:
            for p in procs:
                lines.append(f"  pid {p['pid']:>8}  {p['seconds']:9.3f} s  "
                             f"{100 * p['share']:5.1f}%  {p['threads']} thread(s)")
        lines.append("")
        if not all:
            from .yourcode import text_rows
            lines += text_rows(self, n)
        else:
            lines.append(f"{'Function':<48} {'Self %':>7} {'Total %':>7} {'Self s':>8} "
                         f"{'Category':<8} {'Module':<28} {'Thr':>3}")
        for r in (self.top(n) if all else ()):
            name = r.name if len(r.name) <= 48 else r.name[:45] + "..."
            mod = r.module if len(r.module) <= 28 else r.module[:25] + "..."
            lines.append(f"{name:<48} {r.self_pct:6.1f}% {r.total_pct:6.1f}% "
                         f"{r.self_s:8.3f} {r.category:<8} {mod:<28} {r.threads:>3}")
        from .memory import memory_text
        lines += memory_text(self)

        from .vectorization import hot_loops_text      # the hot loops' vectorization (issue 20)
        lines += hot_loops_text(self)
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        state = "running" if self._running else "stopped"
        return f"<jitprofile.Profile {state}, {len(self.data.samples())} samples>"
