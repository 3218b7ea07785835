"""The profile widget (anywidget; front end in widget.js / widget.css) and
its live updater thread.  anywidget and ipywidgets are imported here only:
`import jitprofile` works without them.

A LiveView shows a profile while it grows: a daemon thread, started in a
copy of the cell's context (so its messages carry the cell's parent header,
which ipykernel >= 7.0.2 needs for output from threads), drains the sampler,
rebuilds the interned tables (widget_data.TableBuilder) and sets the
widget's traits `period` seconds apart; finish() gives the final view.
"""
from __future__ import annotations

import contextvars
import pathlib
import threading
import time

import anywidget
import traitlets as t

from . import _core
from .actions import act_on
from .widget_data import TableBuilder, memory_table, recommendation_rows, signature_rows, source_panes

_HERE = pathlib.Path(__file__).parent


class ProfileWidget(anywidget.AnyWidget):
    """Flame graph, hotspots, per-thread timeline, arguments, recommendations,
    and the selected function's source with time per line."""
    _esm = _HERE / "widget.js"
    _css = _HERE / "widget.css"
    title = t.Unicode("jitprofile").tag(sync=True)
    status = t.Unicode("running").tag(sync=True)
    strings = t.List().tag(sync=True)
    funcs = t.List().tag(sync=True)
    nodes = t.List().tag(sync=True)
    weights = t.List().tag(sync=True)
    hot = t.List().tag(sync=True)
    total = t.Int(0).tag(sync=True)
    interval = t.Float(0.001).tag(sync=True)
    timeline = t.Dict({"bucket": 0.05, "threads": []}).tag(sync=True)
    memory = t.Dict({"bucket": 0.05, "live": [], "alloc": [], "peak": 0, "total": 0,
                     "rows": []}).tag(sync=True)      # widget_data.memory_table
    args = t.Dict().tag(sync=True)
    recs = t.List().tag(sync=True)
    lines = t.Dict().tag(sync=True)         # the source pane (widget_data.source_panes)
    updates = t.Int(0).tag(sync=True)
    elapsed = t.Float(0.0).tag(sync=True)
    lanes = t.Dict().tag(sync=True)         # a Dask cluster: per-worker weights (widget_data)
    tasks = t.Dict().tag(sync=True)         # a Dask cluster: per-task-prefix weights (widget_data)
    numbers = t.Dict().tag(sync=True)       # the frozen figures (figures.py): samples, times, projection
    can_export = t.Bool(False).tag(sync=True)   # the Export button (a finished profile)
    exported = t.Unicode("").tag(sync=True)     # where Export wrote the page (or why it failed)
    error = t.Unicode("").tag(sync=True)    # a cell that raised: "raised ValueError at In[8], line 3"
    applied = t.List().tag(sync=True)       # what is applied in the kernel (apply_state.banner_rows)
    yourcode = t.Dict().tag(sync=True)      # the your-code view's folded tree (widget_data, yourcode.py)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.suggestions: list = []
        self.on_msg(self._on_front_end)

    def show_tables(self, tables: dict, **extra) -> None:
        """Set every trait of one update in one message."""
        with self.hold_sync():
            for k, v in tables.items():
                setattr(self, k, v)
            for k, v in extra.items():
                setattr(self, k, v)
            self.updates += 1

    def show_recommendations(self, suggestions) -> None:
        self.suggestions = list(suggestions)
        self.recs = recommendation_rows(self.suggestions)

    # Apply / Undo from the browser (they arrive once the cell has ended)
    def _on_front_end(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("type") == "export":
            return self._export()
        if not isinstance(content, dict) or content.get("type") not in ("apply", "undo"):
            return
        i = content.get("index")
        if not isinstance(i, int) or not 0 <= i < len(self.suggestions):
            return
        act_on(self.suggestions[i], content["type"])
        self.recs = recommendation_rows(self.suggestions)

    def _export(self) -> None:
        from .widget_export import export_widget
        try:
            self.exported = export_widget(self)
        except Exception as exc:        # shown next to the button
            self.exported = f"export failed: {type(exc).__name__}: {exc}"


class LiveView:
    """Keeps a ProfileWidget up to date with a running jitprofile.Profile."""

    def __init__(self, profile, widget: ProfileWidget, period: float = 0.2,
                 parent=None, keep_history: bool = False):
        self.profile = profile
        self.widget = widget
        self.period = period
        self.parent = parent                  # the cell's parent message (ipykernel)
        self.builder = TableBuilder(profile.data, getattr(profile, "show_internal", False))
        self.history: list[tuple[int, int]] | None = [] if keep_history else None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = time.monotonic()
        self._lock = threading.Lock()

    def start(self) -> "LiveView":
        ctx = contextvars.copy_context()
        self._thread = threading.Thread(target=ctx.run, args=(self._loop,),
                                        name="jitprofile-widget", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        _core.sampler_ignore_thread()         # the profile is the cell's, not ours
        if self.parent is not None:
            try:
                from IPython import get_ipython
                ip = get_ipython()
                if ip is not None and hasattr(ip, "set_parent"):
                    ip.set_parent(self.parent)
            except Exception:
                pass
        next_t = time.monotonic() + self.period      # a fixed rate, whatever an update costs
        while not self._stop.wait(max(0.0, next_t - time.monotonic())):
            self.update("running")
            next_t = max(next_t + self.period, time.monotonic() + self.period / 4)

    def update(self, status: str) -> None:
        with self._lock:
            if _core.sampler_running():
                _core.sampler_drain()
            tables = self.builder.tables()
            if getattr(self.profile, "memory_interval", 0):
                self.profile._memory_sync()
                tables["memory"] = memory_table(self.profile, self.builder)
            self.widget.show_tables(tables, status=status,
                                    elapsed=time.monotonic() - self._t0)
            if self.history is not None:
                self.history.append((time.monotonic_ns(), self.builder._nsamples))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def finish(self, suggestions=()) -> None:
        """The final view: stopped profile, arguments, recommendations."""
        self.stop()
        args = signature_rows(self.profile, self.builder)
        self.widget.show_recommendations(suggestions)
        self.update("done")
        self.widget.args = args
        self.widget.lines = source_panes(self.profile.data,
                                         [r.get("function", "") for r in self.widget.recs])
        from .figures import summary
        self.widget.numbers = summary(self.profile)     # frozen: export = widget
        self.widget.can_export = True
