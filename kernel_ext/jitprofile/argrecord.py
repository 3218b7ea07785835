"""The data profiler's glue: which functions get their arguments recorded,
and the Signature rows that Profile.signatures() returns.

Two modes (the recording itself is C: profiler/argrecord.c, arghooks.c):

- ``"sampled"`` (default): the sampler's profile is read after ``period``
  seconds, then at intervals doubling up to 1 s; each Python function whose
  total share passes ``hot_share`` is watched, a hot call already running
  has its parameters read from its frame, and every ``period`` (16 times,
  then doubling up to 1 s) a ``window`` (2 ms) opens in which a C profile function records the watched
  functions' calls (the first ``warm``, then every ``every``th).  Outside
  the windows nothing runs per call; call counts are scaled by the
  windows' share of the time (the calls starting in each window's own span
  of the process's CPU time, over the spans' share of the whole
  recording's CPU time, times how much a window slows plain Python code:
  hook_slowdown()).  Fewer than MIN_SEEN call starts in the windows give
  no estimate, only a lower bound (see ArgSession.count).
- ``"exact"``: every call of every function, through a C profile hook.

With ``jitted=True`` the calls of jitted functions (which run no Python
frame) are recorded too, through the dispatcher's tap (profiler/argtap.c):
every call in exact mode, in sampled mode those in the windows (the first
``warm`` of each function, then every ``every``th).  Off by default: the
dispatcher then pays one load and a branch per call.

The poll (C: profiler/argpoll.c) runs in the main thread as the SIGALRM
handler when that signal is free (nothing of it shows in the profile; the
signal comes from a per-thread POSIX timer, which exec deletes, not from
ITIMER_REAL), else from a daemon thread.  A run shorter than the first period (50 ms) records
nothing in sampled mode: use exact mode for those.
"""
from __future__ import annotations

import signal
import threading
from typing import NamedTuple

from . import _core

MODES = ("sampled", "exact")
# Sampled mode: fewer call starts than this in the windows give no estimate
# (a Poisson count of n has a relative error of about 1/sqrt(n): at 10, one
# in twenty estimates is off by more than 60%), only the calls seen.
MIN_SEEN = 10


class Signature(NamedTuple):
    """One observed signature of a function's calls."""
    signature: str          # "(float64, float64, int64)", the shared type language
    types: tuple            # jitprofile Type objects; a str "pyobject(T)" where the JIT has no type
    calls: int              # recorded calls with this signature
    share: float            # of the function's recorded calls
    shapes: list            # per argument: None, or [(shape, calls), ...] most common first
    bytes: int              # array bytes over the recorded calls
    samples: list           # real argument tuples (arrays copied; None: above the copy limit)
    compilable: bool        # every argument has a JIT type

    @property
    def bytes_per_call(self) -> float:
        return self.bytes / self.calls if self.calls else 0.0


def signatures_of(rec: "_core.ArgRecorder", func) -> list[Signature]:
    rows = rec.signatures(getattr(func, "py_func", func))
    total = sum(r["calls"] for r in rows) or 1
    out = []
    for r in rows:
        shapes = [None if h is None else sorted(h[0], key=lambda b: -b[1]) for h in r["shapes"]]
        out.append(Signature(r["signature"], r["types"], r["calls"], r["calls"] / total,
                             shapes, r["bytes"], list(r["samples"]),
                             not any(isinstance(t, str) for t in r["types"])))
    out.sort(key=lambda s: -s.calls)
    return out


def _ref_inner(x):
    return x * 0.5 + 1.0


def _reference_work(n: int = 4000) -> float:
    """Plain Python between the extremes (a loop of arithmetic, a Python
    call every 16th iteration): timed with and without the windows' profile
    function to measure how much a window slows such code (pure bytecode
    about 1.5x, a call per iteration up to 3x, time in native code 1x)."""
    s = 0.0
    for i in range(n):
        s += (i % 7) * 0.5
        if i % 16 == 0:
            s += _ref_inner(i)
    return s


_SLOWDOWN: float | None = None


def hook_slowdown() -> float:
    """How much slower Python code runs inside a recording window (once per
    process, about 2 ms, before the sampler starts): the windows' calls come
    at a rate that much lower, and their counts are scaled up by it."""
    global _SLOWDOWN
    if _SLOWDOWN is None:
        try:
            _SLOWDOWN = min(max(_core.argrec_hook_slowdown(_reference_work), 1.0), 4.0)
        except RuntimeError:        # a profile function is set: measured next time
            return 1.0
    return _SLOWDOWN


class ArgSession:
    """Argument recording for one jitprofile.Profile session."""

    def __init__(self, profile, mode: str = "sampled", *, hot_share: float = 0.05,
                 min_samples: int = 5, period: float = 0.05, window: float = 0.002,
                 every: int = 16, warm: int = 32,
                 reservoir: int = 4, copy_limit: int = 4 << 20,
                 copy_budget: int = 64 << 20, jitted: bool = False):
        if mode not in MODES:
            raise ValueError(f"argument recording mode must be one of {MODES} or None, "
                             f"not {mode!r}")
        self.profile = profile
        self.mode = mode
        self.jitted = jitted            # record the calls of jitted functions too
        self.hot_share = hot_share
        self.min_samples = min_samples
        self.period = period
        self.window = window
        self.rec = _core.ArgRecorder(copy_limit=copy_limit, reservoir=reservoir, every=every,
                                     warm=warm, copy_budget=copy_budget)
        self._timer: threading.Thread | None = None
        self._stop = threading.Event()
        self._old_alarm = None
        self._duty: float | None = None     # frozen at stop(): the estimates stop moving
        self._slowdown = 1.0                # hook_slowdown(): a window's calls come slower

    # -- session -------------------------------------------------------------
    def start(self) -> None:
        self._duty = None
        # before the recorder and the sampler start: none of it is recorded
        self._slowdown = hook_slowdown() if self.mode == "sampled" else 1.0
        self.rec.start(exact=self.mode == "exact", jitted=self.jitted)
        if self.mode == "sampled":
            self._start_driver()

    def stop(self) -> None:
        if self.mode == "sampled":
            self._stop_driver()
        self.rec.stop()
        # the windows' share of the time, as of the end of the profile: read
        # later, the recorder's duty keeps falling (its clock runs on), and
        # every call estimate made from it would keep growing
        self._duty = self.rec.duty

    def _start_driver(self) -> None:
        # The poll is C (profiler/argpoll.c): as the SIGALRM handler it runs
        # in the main thread without a Python frame of its own, so the
        # profile shows none of it.
        use_alarm = (threading.current_thread() is threading.main_thread()
                     and signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
                     and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
        if use_alarm:
            self._old_alarm = signal.signal(signal.SIGALRM, _core.argrec_poll)
        _core.argrec_poll_start(self.rec, self.profile.data, hot_share=self.hot_share,
                                min_samples=self.min_samples, period=self.period,
                                window=self.window, timer=use_alarm)
        if not use_alarm:
            self._stop.clear()
            self._timer = threading.Thread(target=self._thread_loop, name="jitprofile-args",
                                           daemon=True)
            self._timer.start()

    def _stop_driver(self) -> None:
        if self._timer is not None:
            self._stop.set()
            if self._timer is not threading.current_thread():
                self._timer.join()
            self._timer = None
        ours = self._old_alarm is not None and signal.getsignal(signal.SIGALRM) is _core.argrec_poll
        # a program that took SIGALRM over meanwhile keeps its handler and timer
        _core.argrec_poll_stop(disarm=ours)
        if ours:
            signal.signal(signal.SIGALRM, self._old_alarm)
        self._old_alarm = None

    def _thread_loop(self) -> None:
        # windows every period, 16 of them, then the period doubles up to 1 s
        # (the C side reads the profile on its own doubling schedule)
        period, windows = self.period, 0
        while not self._stop.wait(period):
            _core.argrec_poll()                 # poll, open a window
            if self._stop.wait(self.window):
                break
            _core.argrec_poll()                 # close it
            windows += 1
            if windows >= 16:
                period = min(2 * period, 1.0)

    def poll(self) -> int:
        """One poll now (the driver's work): functions newly watched."""
        return _core.argrec_poll()

    # -- results --------------------------------------------------------------
    def signatures(self, func) -> list[Signature]:
        return signatures_of(self.rec, func)

    def wide_returns(self, func) -> int:
        """Recorded returns of func whose Python int result (or an int in a
        returned tuple) lies beyond int64: compiled, it would wrap."""
        return self.rec.wide_returns(getattr(func, "py_func", func))

    @property
    def estimated(self) -> bool:
        """Whether calls() are estimates (sampled mode) rather than counts."""
        return self.mode == "sampled"

    def calls(self, func) -> int:
        """Calls of func: exact mode counts every one; sampled mode counts
        those in the windows, scaled by the windows' share of the recording's
        time (an estimate, see `estimated`), plus running calls read; with
        fewer than MIN_SEEN calls in the windows, only the calls seen (a
        lower bound: see `count`).  Once the session stopped, the estimate is
        frozen."""
        return self.count(func)[0]

    def count(self, func) -> tuple[int, str]:
        """(calls, mark): mark "" for an exact count, "~" for a sampled
        estimate, "\u2265" for a lower bound: the calls actually seen, when
        the windows caught fewer than MIN_SEEN call starts (a function called
        a few times, or once for the whole run: no unbiased estimate can be
        made from so few)."""
        code = getattr(getattr(func, "py_func", func), "__code__", func)
        duty = self._duty if self._duty is not None else self.rec.duty
        for c, seen, _rec, frm, _hot in self.rec.functions():
            if c is code:
                if self.mode != "sampled":
                    return seen + frm, ""
                if seen < MIN_SEEN:
                    return seen + frm, "\u2265"
                return round(seen * self._slowdown / max(duty, 1e-6)) + frm, "~"
        return 0, ""

