"""kernel_ext/jitprofile/apply_state.py - what is applied in this kernel.

jitprofile.applier keeps the one registry of applied suggestions of the
process (a kernel), whichever cell's widget or magic applied them.  This
module shows it and acts on it for the notebook front:

- :func:`entries` / :func:`status_text`: what is applied, which cell defines
  it, which %%jitprofile cell measured it, the measured speedup
  (``%jitprofile_status``);
- :func:`banner_rows`: the "applied: pairwise (@njit, 350x measured) · undo"
  banner every %%jitprofile widget shows (trait ``applied``); :func:`track`
  keeps the live widgets, :func:`refresh` redraws their banners and
  recommendation rows after any apply or undo;
- :func:`undo_all` / :func:`undo_named`: ``%jitprofile_undo`` with no
  argument or a function name;
- "Apply and keep": :func:`keep_edit` writes the decorator (and the
  ``from jitprofile import njit`` import if missing) into the source of the
  function's defining cell; the widget's front end puts it in the notebook
  (widget.js ``keepInNotebook``), ``%jitprofile_keep`` uses IPython's
  ``set_next_input`` instead.
"""
from __future__ import annotations

import re
import weakref

from . import applier
from .cells import cell_label, cell_number, where

IMPORT = "from jitprofile import njit"
_widgets: "weakref.WeakSet" = weakref.WeakSet()


# -- the registry, shown --------------------------------------------------------
def _target(s):
    """The function the suggestion replaced (a loop suggestion: the jitted one's Python function)."""
    return s.func


def short_name(s) -> str:
    return getattr(_target(s), "__name__", s.function)


def decorator(s) -> str:
    if s.kind == "loop" and s.detail:
        return f"@njit({s.detail}=True)"
    return "@njit"


def on_workers(s) -> int | None:
    """The number of Dask workers a %%jitprofile --dask cell's apply
    compiled the function on (jitprofile.dask.ClusterSuggestion), else None."""
    n = getattr(s, "applied_workers", None)
    return n if isinstance(n, int) and hasattr(s, "act") else None


def entries() -> list[dict]:
    """The applied suggestions, oldest first."""
    out = []
    for s in applier.applied():
        code = getattr(_target(s), "__code__", None)
        workers = on_workers(s)
        deco = decorator(s)
        if workers is not None:         # compiled on a Dask cluster's workers, not here
            deco += f" on {workers} worker{'s' if workers != 1 else ''}"
        out.append({
            "name": short_name(s), "function": s.function, "kind": s.kind,
            "decorator": deco, "workers": workers,
            "speedup": round(s.speedup, 1) if s.speedup else None,
            "defined": where(code.co_filename, code.co_firstlineno, short=True) if code else "",
            "profiled": getattr(s, "profiled_in", "") or "",
            "kept": getattr(s, "kept_in", "") or "",
        })
    return out


def banner_rows() -> list[dict]:
    return entries()


def status_text() -> str:
    rows = entries()
    if not rows:
        return "jitprofile: nothing applied in this kernel\n"
    lines = [f"jitprofile: {len(rows)} applied in this kernel (oldest first):"]
    for r in rows:
        speed = f"{r['speedup']:.1f}x measured" if r["speedup"] else "speedup not measured"
        where_ = f"defined {r['defined']}" if r["defined"] else ""
        prof = f"; measured by the profile of {r['profiled']}" if r["profiled"] else ""
        kept = f"; decorator written into {r['kept']}" if r["kept"] else ""
        lines.append(f"  {r['name']:<24} {r['decorator']:<22} {speed:<22} {where_}{prof}{kept}")
    return "\n".join(lines) + "\n"


# -- undo -------------------------------------------------------------------------
def _undo(s) -> bool:
    """Undo one applied suggestion; its card's message says how it went
    (the workers of a --dask cell's apply may be out of reach)."""
    try:
        applier.undo(s)
    except Exception as exc:            # noqa: BLE001 - shown on the card and printed
        s.message = f"undo failed: {type(exc).__name__}: {exc}"
        return False
    where = " on the workers" if on_workers(s) is not None else ""
    s.message = f"undone: {s.function} is the original Python function{where} again"
    return True


def undo_all() -> list[str]:
    """Undo everything applied since the kernel started (here or, from a
    %%jitprofile --dask cell, on the workers), newest first; the names
    undone."""
    return [short_name(s) for s in reversed(applier.applied()) if _undo(s)]


def undo_named(name: str) -> list[str]:
    """Undo the applied suggestions of the function called `name` (its short
    or qualified name)."""
    return [short_name(s) for s in reversed(applier.applied())
            if name in (short_name(s), s.function) and _undo(s)]


def failures() -> list[str]:
    """The messages of applied suggestions whose undo failed (still listed)."""
    return [s.message for s in applier.applied()
            if (getattr(s, "message", "") or "").startswith("undo failed")]


# -- the widgets ------------------------------------------------------------------
def track(widget) -> None:
    """Keep `widget`'s banner up to date from now on, and handle its banner's
    undo links and its "Apply and keep" buttons."""
    _widgets.add(widget)
    widget.applied = banner_rows()
    widget.on_msg(_on_message)


def refresh() -> None:
    """Redraw every live widget's banner and recommendation rows (an apply or
    undo elsewhere changes their Apply / Undo buttons too)."""
    rows = banner_rows()
    for w in list(_widgets):
        try:
            with w.hold_sync():
                w.applied = rows
                if w.suggestions:
                    w.recs = recommendation_rows_kept(w.suggestions)
        except Exception:       # a closed widget
            _widgets.discard(w)


def recommendation_rows_kept(suggestions) -> list[dict]:
    """widget_data.recommendation_rows plus "kept": where the decorator was
    written (the card of an applied, not yet kept jit function offers Keep)."""
    from .widget_data import recommendation_rows
    rows = recommendation_rows(suggestions)
    for r, s in zip(rows, suggestions):
        r["kept"] = getattr(s, "kept_in", "") or ""
    return rows


def _on_message(widget, content, _buffers) -> None:
    if not isinstance(content, dict):
        return
    kind = content.get("type")
    if kind in ("apply", "undo"):            # acted on by ProfileWidget itself
        refresh()
    elif kind == "undo_applied":
        name = content.get("name")
        undo_named(name) if isinstance(name, str) and name else undo_all()
        refresh()
    elif kind == "apply_keep":
        _apply_keep(widget, content.get("index"))
    elif kind == "keep_result":
        _keep_result(widget, content)


def _apply_keep(widget, i) -> None:
    from .actions import act_on
    if not isinstance(i, int) or not 0 <= i < len(widget.suggestions):
        return
    s = widget.suggestions[i]
    if not s.applied:
        act_on(s, "apply")
    if s.applied:
        req = keep_request(s)
        if isinstance(req, str):
            s.message = f"applied, not kept: {req}"
        else:
            req["index"] = i
            s.message = f"applied; writing {req['decorator']} into {req['label']}…"
            widget.send(req)
    refresh()


def _keep_result(widget, content) -> None:
    i = content.get("index")
    if not isinstance(i, int) or not 0 <= i < len(widget.suggestions):
        return
    s = widget.suggestions[i]
    label = content.get("label") or "its cell"
    if content.get("ok"):
        s.kept_in = label
        s.message = (f"applied and kept: {decorator(s)} written into {label} "
                     f"(the notebook keeps it across a kernel restart)")
    else:
        s.message = (f"applied, not kept: {content.get('reason') or 'the notebook is out of reach'}"
                     f" - run %jitprofile_keep {short_name(s)} for the edited cell")
    refresh()


# -- Apply and keep: the edited cell source ---------------------------------------
def keep_edit(source: str, name: str, deco: str = "@njit", imp: str = IMPORT) -> str | None:
    """`source` with `deco` above the top-level ``def name(`` and `imp` at
    the top if the cell does not import njit yet; None when the def is not
    found; the source unchanged when it is already decorated."""
    lines = source.split("\n")
    pat = re.compile(r"^(async\s+)?def\s+" + re.escape(name) + r"\s*\(")
    at = next((k for k, ln in enumerate(lines) if pat.match(ln)), None)
    if at is None:
        return None
    top = at                            # the decorators above the def
    while top > 0 and lines[top - 1].startswith("@"):
        top -= 1
    if any(re.match(r"@(jitprofile\.)?n?jit\b", ln) for ln in lines[top:at]):
        return source
    lines.insert(at, deco)
    has_import = any(re.match(r"\s*from\s+jitprofile\s+import\s+.*\bnjit\b", ln) for ln in lines)
    if not has_import and deco.startswith("@njit"):
        first = 1 if lines and lines[0].startswith("%%") else 0     # a cell magic stays first
        while first < len(lines) and lines[first].startswith("from __future__"):
            first += 1
        lines.insert(first, imp)
    return "\n".join(lines)


def _cell_source(shell, number: int, filename: str) -> str | None:
    """The raw source of cell In[number] as the user typed it (IPython's
    input history), else the compiled text linecache holds."""
    hist = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    if hist is not None and 0 < number < len(hist) and hist[number]:
        return hist[number].rstrip("\n")
    import linecache
    lines = linecache.getlines(filename)
    return "".join(lines).rstrip("\n") if lines else None


def keep_request(s, shell=None) -> dict | str:
    """The front end's edit for "Apply and keep": {type: "keep", cell,
    label, function, decorator, old, new}; a string says why there is none."""
    if shell is None:
        from IPython import get_ipython
        shell = get_ipython()
    if s.kind != "jit":
        return f"only a @njit suggestion is written into the notebook (this one is {s.kind!r})"
    code = getattr(_target(s), "__code__", None)
    filename = code.co_filename if code else ""
    number = cell_number(filename)
    if number is None:
        return f"{s.function} is defined in {filename or 'no file'}, not in a notebook cell"
    old = _cell_source(shell, number, filename)
    if old is None:
        return f"the source of {cell_label(filename)} is not available"
    new = keep_edit(old, short_name(s), decorator(s))
    if new is None:
        return f"no top-level 'def {short_name(s)}(' in {cell_label(filename)}"
    return {"type": "keep", "cell": number, "label": cell_label(filename),
            "function": short_name(s), "decorator": decorator(s), "old": old, "new": new}


def keep_via_next_input(shell, name: str | None = None) -> str:
    """``%jitprofile_keep [NAME]``: the applied function's defining cell, with
    the decorator and import written in, as a new cell below the current one
    (IPython's set_next_input(..., replace=False)); the message to print."""
    cands = [s for s in applier.applied() if s.kind == "jit"
             and (name is None or name in (short_name(s), s.function))]
    if not cands:
        return ("jitprofile: nothing applied to keep" if name is None
                else f"jitprofile: {name} is not applied")
    s = cands[-1]
    req = keep_request(s, shell)
    if isinstance(req, str):
        return f"jitprofile: cannot keep {short_name(s)}: {req}"
    shell.set_next_input(req["new"], replace=False)
    s.kept_in = req["label"] + " (edited copy below)"
    return (f"jitprofile: {req['label']} with {req['decorator']} written in is the next cell: "
            f"run it (and delete the old {req['label']}) so a restart keeps {short_name(s)} compiled")
