"""%jitprofile_attach: follow another process's profile stream
(jitprofile.stream.Subscriber) and show it in a ProfileWidget, or, with no
widget, wait for the end and give the text report.  The stream is read-only:
recommendations that arrive are shown, never applied here.  Once the stream
ends, the widget freezes the same figures as a %%jitprofile cell
(figures.py: sample count, "too short" without recommendations, the
projection of the remote's measured speedups) and offers Export."""
from __future__ import annotations

import contextvars
import threading
import time

from .stream import Subscriber
from .widget_data import TableBuilder


class AttachView:
    def __init__(self, endpoint: str, widget=None, period: float = 0.2,
                 timeout: float | None = None):
        self.sub = Subscriber(endpoint)
        self.widget = widget
        self.period = period
        self.timeout = timeout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = time.monotonic()

    def start(self) -> "AttachView":
        ctx = contextvars.copy_context()        # the cell's parent header goes along
        self._thread = threading.Thread(target=ctx.run, args=(self._loop,),
                                        name="jitprofile-attach", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        try:
            next_t = time.monotonic()
            while not self._stop.is_set():
                self.sub.poll(max(0.0, min(self.period, next_t - time.monotonic())))
                if time.monotonic() >= next_t:
                    done = self.sub.finished
                    self.show("finished" if done else "live")
                    next_t += self.period
                    if done or (self.timeout is not None
                                and time.monotonic() - self._t0 > self.timeout):
                        break
        finally:
            self.sub.close()

    def show(self, status: str) -> None:
        prof = self.sub.to_profile()
        tables = TableBuilder(prof.data, getattr(prof, "show_internal", False)).tables()
        recs = self.sub.recommendations()
        recs = [r for r in recs if isinstance(r, dict)] if isinstance(recs, list) else []
        extra = {}
        if status == "finished":
            # the figures of the whole stream, frozen as a cell's are (figures.py):
            # sample count, too short (then no recommendation), projections
            from .figures import too_short
            if too_short(prof):
                recs = []
            nums = self.figures(prof, recs)
            extra = {"numbers": nums, "can_export": True}
        rows = [dict(r, index=i, applicable=False, applied=False,
                     message="(remote process: read-only)", message_kind="note")
                for i, r in enumerate(recs)]
        pid = (self.sub.process() or {}).get("pid")
        self.widget.show_tables(tables, status=f"{status}" + (f" (pid {pid})" if pid else ""),
                                elapsed=time.monotonic() - self._t0, recs=rows, **extra)

    @staticmethod
    def figures(prof, recs) -> dict:
        """figures.finish of the stream's profile, with the remote process's
        recommendations (plain dicts: their measured speedups) projected
        onto its sampled time."""
        from types import SimpleNamespace

        from . import figures
        sugs = [SimpleNamespace(function=r.get("function", ""), kind=r.get("kind", ""),
                                share=float(r.get("share") or 0.0), speedup=r.get("speedup"),
                                applicable=bool(r.get("applicable")),
                                callees=r.get("includes") or [])
                for r in recs]
        return figures.finish(prof, sugs)

    def run_until_finished(self, timeout: float) -> bool:
        return self.sub.wait(timeout)

    def text(self) -> str:
        state = "finished" if self.sub.finished else "still running (timed out)"
        prof = self.sub.to_profile()
        out = f"jitprofile: attached to {self.sub.endpoint}: {state}\n" + prof.text()
        if self.sub.finished:
            from . import figures
            out += figures.text(figures.summary(prof))
        return out

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        self.sub.close()
