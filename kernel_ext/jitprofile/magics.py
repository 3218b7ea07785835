"""The IPython extension (`%load_ext jitprofile`): the magics

    %%jitprofile [-r HZ] [--wall] [--exact] [--no-native] [--no-widget] [--dask]
    %jitprofile_attach tcp://HOST:PORT [--timeout S] [--no-widget]
    %jitprofile_apply [N ...]        apply the last cell's (applicable) jit suggestions
    %jitprofile_undo [NAME ...|N ...] undo everything applied in this kernel (or NAME, or
                                     the last cell's recommendations numbered)
    %jitprofile_status               what is applied, from which cell, measured speedup
    %jitprofile_keep [NAME]          the defining cell with @njit written in, as the next cell

With a widget front end (a Jupyter kernel, anywidget installed) they show the
live widget (widget.py); otherwise they print the text report.  After a
%%jitprofile cell, `_jitprofile` in the user namespace is its Profile and
`_jitprofile.suggestions` its recommendations.
"""
from __future__ import annotations

import ast
import time

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

_PERIOD = 0.2           # live updates: 5 per second


def widgets_available(shell) -> bool:
    """A kernel with a front end, and anywidget importable."""
    if getattr(shell, "kernel", None) is None:
        return False
    try:
        import anywidget  # noqa: F401
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def suggestions_text(suggestions) -> str:
    if not suggestions:
        return "jitprofile: no recommendations\n"
    lines = ["Recommendations:"]
    for i, s in enumerate(suggestions):
        what = (f"{s.speedup:.1f}x measured" if s.speedup else (s.reason or ""))
        mark = " (applicable: %jitprofile_apply {})".format(i) if s.applicable and not s.applied else ""
        kind = s.kind + (f"/{s.detail}" if s.kind == "loop" else "")
        lines.append(f"  [{i}] {kind:<13} {s.function:<30} {100 * s.share:5.1f}%  {what}{mark}")
    return "\n".join(lines) + "\n"


_RESULT = "_jitprofile_cell_value"


def _keep_last_value(tree: ast.Module, cell: str) -> bool:
    """Turn a final expression statement into an assignment to _RESULT, so
    the cell's value survives its one code object (the profile's root);
    False when there is none or a trailing ';' hides it, as IPython does."""
    if not tree.body or not isinstance(tree.body[-1], ast.Expr) or cell.rstrip().endswith(";"):
        return False
    last = tree.body[-1]
    assign = ast.Assign(targets=[ast.Name(_RESULT, ast.Store())], value=last.value)
    tree.body[-1] = ast.copy_location(assign, last)
    ast.fix_missing_locations(tree)
    return True


@magics_class
class JitprofileMagics(Magics):
    def __init__(self, shell):
        super().__init__(shell)
        self.last = None            # the last cell's Profile
        self.suggestions: list = []
        self.widget = None
        self.attached = None

    # -- %%jitprofile -----------------------------------------------------------
    @magic_arguments()
    @argument("-r", "--rate", type=int, default=1000, help="samples per second (1..10000)")
    @argument("--wall", action="store_true", help="sample wall time, not CPU time")
    @argument("--exact", action="store_true", help="record the arguments of every call")
    @argument("--no-native", action="store_true", help="Python frames only")
    @argument("--no-widget", action="store_true", help="print the text report")
    @argument("--dask", action="store_true",
              help="profile the workers of the current dask.distributed Client instead")
    @argument("--memory", action="store_true",
              help="sample what compiled code and NumPy arrays allocate (memory timeline)")
    @argument("--fp-tolerance", type=float, default=None,
              help="relative difference accepted in floating-point results (fastmath advice)")
    @cell_magic
    def jitprofile(self, line, cell):
        """Run the cell under the sampler and the data profiler; show the live
        widget (or, with no widget front end, print the text report)."""
        from . import advisor, figures
        from .profile import Profile
        a = parse_argstring(self.jitprofile, line)
        if a.dask:
            return self._jitprofile_dask(a, cell, line)
        from . import apply_state, cell_errors
        from .cells import current_number, name_cells_in
        number = current_number(self.shell)
        # the magic's line kept as a comment: the cell's lines numbered as the notebook shows them
        source = f"# %%jitprofile {line}".rstrip() + "\n" + self.shell.transform_cell(cell)
        # cached like IPython's own cells: linecache (so inspect.getsource,
        # the JIT and the advisor) sees the code that runs
        filename = self.shell.compile.cache(source, number, raw_code=cell)
        tree = self.shell.transform_ast(cell_errors.parse_cell(self.shell, source, filename))
        shown = _keep_last_value(tree, cell)
        code = self.shell.compile(tree, filename, "exec")
        prof = Profile(hz=a.rate, wall=a.wall, native=not a.no_native, root=code,
                       args="exact" if a.exact else "sampled", memory=a.memory,
                       args_options={"jitted": True})     # loop advice for jitted code
        view = None
        if not a.no_widget and widgets_available(self.shell):
            view = self._live_view(prof, f"%%jitprofile (In[{number}])")
            apply_state.track(view.widget)          # the banner of what is applied
        t0 = time.perf_counter()
        prof.start()
        if view is not None:
            view.start()
        raised = None
        try:
            exec(code, self.shell.user_ns)
        except BaseException as exc:    # shown in the widget, re-raised below without our frames
            raised = exc
        finally:
            prof.stop()
            wall = time.perf_counter() - t0
            if view is not None:
                view.stop()
            suggestions = []
            t_adv = time.perf_counter()
            try:
                if (not figures.too_short(prof)       # no advice from a handful of samples
                        and (raised is None or isinstance(raised, Exception))):   # not after an interrupt
                    suggestions = advisor.advise(prof, fp_tolerance=a.fp_tolerance)
            finally:
                for s in suggestions:
                    s.profiled_in = f"In[{number}]"
                    s.reason = name_cells_in(s.reason)      # a cell by its name, not its temp file
                    s.why = name_cells_in(s.why)
                figures.finish(prof, suggestions, cell_s=wall,
                               advisor_s=time.perf_counter() - t_adv)
                prof.suggestions = suggestions
                self.last, self.suggestions = prof, suggestions
                self.shell.user_ns["_jitprofile"] = prof
                if view is not None:
                    view.finish(suggestions)
                    self.widget = view.widget
                    if raised is not None:
                        _show_error(view.widget, raised, code)
                else:
                    print(f"cell: {wall:.3f} s wall")
                    print(prof.text(), end="")
                    print(figures.text(prof.numbers), end="")
                    print(suggestions_text(suggestions), end="")
                    if raised is not None:
                        tb = cell_errors.user_traceback(raised.__traceback__, code)
                        print("jitprofile: the cell " + cell_errors.header(raised, tb))
        if raised is not None:
            tb = cell_errors.user_traceback(raised.__traceback__, code)
            __tracebackhide__ = True            # noqa: F841 - IPython hides this frame too
            raise cell_errors.show_as_cell_error(self.shell, raised, tb)
        # like any cell, a %%jitprofile cell shows its last expression's value
        return self.shell.user_ns.pop(_RESULT, None) if shown else None

    def _jitprofile_dask(self, a, cell, line=""):
        """%%jitprofile --dask: the cell runs here as usual; every worker of
        the default Client is sampled and merged live into one widget.  The
        same figures (figures.py: the session freezes them), Export, error
        header and trimmed traceback as a plain %%jitprofile cell."""
        from distributed import default_client
        from . import apply_state, cell_errors, figures
        from . import dask as jpd
        from .cells import name_cells_in
        client = default_client()
        number = _cell_number(self.shell)
        w = None
        title = f"%%jitprofile --dask (In[{number}])"
        source = f"# %%jitprofile {line}".rstrip() + "\n" + self.shell.transform_cell(cell)
        filename = self.shell.compile.cache(source, number, raw_code=cell)
        tree = self.shell.transform_ast(cell_errors.parse_cell(self.shell, source, filename))
        shown = _keep_last_value(tree, cell)
        code = self.shell.compile(tree, filename, "exec")
        if not a.no_widget and widgets_available(self.shell):
            from IPython.display import display
            from .widget import ProfileWidget
            w = ProfileWidget(title=title, interval=1.0 / a.rate)
            display(w)
            apply_state.track(w)                # what is applied in this kernel
        session = jpd.profile(client, hz=a.rate, wall=a.wall, native=not a.no_native,
                              args="exact" if a.exact else "sampled", widget=w,
                              period=_PERIOD)
        raised = None
        try:
            with session:
                t0 = time.perf_counter()
                try:
                    exec(code, self.shell.user_ns)
                except BaseException as exc:    # shown in the widget, re-raised below without our frames
                    raised = exc
                    raise
                finally:
                    session.cell_s = time.perf_counter() - t0
        except BaseException as exc:
            if exc is not raised:
                raise                   # the session's own failure: not the cell's
        finally:
            result = session.result
            for s in result.suggestions:
                s.profiled_in = f"In[{number}]"
                s.reason = name_cells_in(s.reason)
            self.last = result
            self.suggestions = result.suggestions   # %jitprofile_apply: on the workers
            self.widget = w
            self.shell.user_ns["_jitprofile"] = result
            if w is not None:
                if raised is not None:
                    _show_error(w, raised, code)
            else:
                print(result.text(), end="")
                if result.numbers:
                    print(figures.text(result.numbers), end="")
                print(suggestions_text(self.suggestions), end="")
                if raised is not None:
                    tb = cell_errors.user_traceback(raised.__traceback__, code)
                    print("jitprofile: the cell " + cell_errors.header(raised, tb))
        if raised is not None:
            tb = cell_errors.user_traceback(raised.__traceback__, code)
            __tracebackhide__ = True            # noqa: F841 - IPython hides this frame too
            raise cell_errors.show_as_cell_error(self.shell, raised, tb)
        return self.shell.user_ns.pop(_RESULT, None) if shown else None

    def _live_view(self, prof, title):
        from IPython.display import display
        from .widget import LiveView, ProfileWidget
        w = ProfileWidget(title=title, interval=prof.data.interval)
        display(w)
        parent = self.shell.get_parent() if hasattr(self.shell, "get_parent") else None
        return LiveView(prof, w, period=_PERIOD, parent=parent)

    # -- %jitprofile_attach -------------------------------------------------------
    @magic_arguments()
    @argument("endpoint", help="the stream, e.g. tcp://127.0.0.1:5556 (record --serve)")
    @argument("--timeout", type=float, default=None,
              help="stop following after S seconds (text mode: default 60)")
    @argument("--no-widget", action="store_true", help="wait for the end, print the text report")
    @line_magic
    def jitprofile_attach(self, line):
        """Show the live profile of another process (jitprofile.stream)."""
        from .attach import AttachView
        a = parse_argstring(self.jitprofile_attach, line)
        if self.attached is not None:
            self.attached.stop()
        if a.no_widget or not widgets_available(self.shell):
            view = AttachView(a.endpoint, widget=None)
            view.run_until_finished(a.timeout if a.timeout is not None else 60.0)
            print(view.text(), end="")
            view.close()
            return
        from IPython.display import display
        from .widget import ProfileWidget
        w = ProfileWidget(title=f"attached to {a.endpoint}", status="connecting")
        display(w)
        self.attached = AttachView(a.endpoint, widget=w, period=_PERIOD,
                                   timeout=a.timeout).start()

    # -- %jitprofile_apply / %jitprofile_undo --------------------------------------
    def _chosen(self, line):
        idx = [int(x) for x in line.split()] if line.strip() else None
        for i, s in enumerate(self.suggestions):
            if idx is None or i in idx:
                yield i, s

    @line_magic
    def jitprofile_apply(self, line):
        """Apply the last recommendations (all applicable ones, or those numbered)."""
        from .widget_data import recommendation_rows
        if not self.suggestions:
            print("jitprofile: no recommendations yet: run a %%jitprofile cell first")
            return
        done = 0
        for i, s in self._chosen(line):
            if s.applicable and not s.applied:
                print(f"[{i}] " + _act(s, "apply"))
                done += 1
        if not done:
            print("jitprofile: nothing applicable to apply")
        if self.widget is not None:
            self.widget.recs = recommendation_rows(self.suggestions)
        from . import apply_state
        apply_state.refresh()

    @line_magic
    def jitprofile_undo(self, line):
        """Undo what is applied: everything applied since the kernel started
        (no argument, whichever cell applied it), the functions named
        (`%jitprofile_undo pairwise`), or the last cell's recommendations
        numbered (`%jitprofile_undo 0 2`)."""
        from . import apply_state
        from .widget_data import recommendation_rows
        words = line.split()
        if words and all(w.isdigit() for w in words):
            done = 0
            for i, s in self._chosen(line):
                if s.applied:
                    print(f"[{i}] " + _act(s, "undo"))
                    done += 1
            if not done:
                print("jitprofile: nothing applied to undo")
        else:
            names = []
            for w in words or [None]:
                got = apply_state.undo_all() if w is None else apply_state.undo_named(w)
                if w is not None and not got:
                    print(f"jitprofile: {w} is not applied")
                names += got
            for n in names:
                print(f"undone: {n} is the original Python function again")
            for m in apply_state.failures():        # a --dask apply whose workers are gone
                print(f"jitprofile: {m}")
            if not words:       # the last cell's, if any escaped the registry
                for i, s in self._chosen(""):
                    if s.applied:
                        print(f"[{i}] " + _act(s, "undo"))
                        names.append(s.function)
            if not names and not words:
                print("jitprofile: nothing applied to undo")
        if self.widget is not None:
            self.widget.recs = recommendation_rows(self.suggestions)
        apply_state.refresh()

    @line_magic
    def jitprofile_status(self, line):
        """What is applied in this kernel: the function, its decorator, the
        measured speedup, the cell that defines it and the cell that measured it."""
        from . import apply_state
        print(apply_state.status_text(), end="")

    @line_magic
    def jitprofile_keep(self, line):
        """Write the decorator of an applied function (the last one, or NAME)
        and its import into a copy of its defining cell, put below the
        current cell (IPython's set_next_input): run it and a kernel restart
        keeps the function compiled.  The widget's "Apply and keep" edits the
        defining cell itself."""
        from . import apply_state
        print(apply_state.keep_via_next_input(self.shell, line.strip() or None))


def _show_error(widget, exc, code) -> None:
    """The widget's header for a cell that raised: state "error" and
    "raised ValueError at In[8], line 3"."""
    from .cell_errors import header, user_traceback
    with widget.hold_sync():
        widget.error = header(exc, user_traceback(exc.__traceback__, code))
        widget.status = "error"


def _act(s, what):
    from .actions import act_on
    return act_on(s, what)


def _cell_number(shell) -> int:
    from .cells import current_number
    return current_number(shell)


def load(ip) -> None:
    ip.register_magics(JitprofileMagics)
