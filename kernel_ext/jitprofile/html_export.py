"""Profile.to_html(path): a static page of a finished profile, viewable
without a kernel or a network: the widget's own widget.js and widget.css
inlined, with a read-only model holding the same tables.

to_html(profile, path) writes the page and returns the path; with no path
it returns the page as an HTMLPage (a str whose repr is one short line, so
a notebook cell ending in `prof.to_html()` does not print 50 KB of HTML).
The widget's Export button writes the widget's own traits (page_of_state):
the exported page is the widget, number for number."""
from __future__ import annotations

import html
import json
import pathlib

from .widget_data import TableBuilder, memory_table, recommendation_rows, signature_rows, source_panes

_HERE = pathlib.Path(__file__).parent

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>{css}
body {{ margin: 12px; }}</style></head>
<body><div id="jitprofile"></div>
<script type="module">
const state = {state};
const source = {source};
const handlers = {{}};
const model = {{
  get: (k) => state[k],
  set: (k, v) => {{ state[k] = v; }},
  on: (ev, f) => {{ (handlers[ev] = handlers[ev] || []).push(f); }},
  off: () => {{}},
  send: () => {{}},            // no kernel: Apply / Undo do nothing here
  save_changes: () => {{}},
}};
const url = URL.createObjectURL(new Blob([source], {{ type: "text/javascript" }}));
const mod = await import(url);
mod.default.render({{ model, el: document.getElementById("jitprofile") }});
</script></body></html>
"""


def _script_json(obj) -> str:
    # JSON inside <script>: no "</" may end the element early
    return json.dumps(obj).replace("</", "<\\/").replace("<!--", "<\\!--")


class HTMLPage(str):
    """The page's HTML; repr() is one line (size and title), not the page."""

    def __repr__(self) -> str:
        return (f"<jitprofile HTML page, {len(self) / 1024:.0f} KB: write it with "
                f"to_html(path), or use str(page)>")


def profile_state(profile, suggestions=(), title: str = "jitprofile") -> dict:
    """The widget's traits for a finished profile."""
    b = TableBuilder(profile.data, getattr(profile, "show_internal", False),
                     lanes=profile.lanes() if hasattr(profile, "lanes") else None,
                     tasks=(profile.task_prefix_at() if hasattr(profile, "task_prefix_at")
                            else None))
    args = signature_rows(profile, b)
    _frozen_calls(profile, b)
    state = b.tables()
    state["memory"] = memory_table(profile, b)
    rows = recommendation_rows(suggestions)
    for r in rows:
        r["applicable"] = False         # a static page cannot apply anything
    state.update(title=title, status="done", args=args, recs=rows, updates=1, elapsed=0.0,
                 lines=source_panes(profile.data, [r.get("function", "") for r in rows]))
    state["numbers"] = _numbers(profile)
    return state


def _numbers(profile) -> dict:
    from .figures import summary
    try:
        return summary(getattr(profile, "profile", profile) if not hasattr(profile, "view")
                       else profile)
    except Exception:           # noqa: BLE001 - a profile kind without the figures
        return getattr(profile, "numbers", None) or {}


def _frozen_calls(profile, builder) -> None:
    """A profile read back (from_dict) has no recorder: its calls are the
    ones frozen at its end."""
    if builder.calls or getattr(profile, "args", None) is not None:
        return
    from .widget_data import function_index
    index = function_index(profile.data)
    for name, file, line, n, *mark in (getattr(profile, "numbers", None) or {}).get("calls", []):
        fi = index.get((name, file, line))
        if fi is not None:
            builder.calls[fi] = -1 if mark else n     # a lower bound: no estimate shown


def page_of_state(state: dict, title: str) -> str:
    """The static page of a widget's traits."""
    return _PAGE.format(title=html.escape(title),
                        css=(_HERE / "widget.css").read_text(),
                        state=_script_json(state),
                        source=_script_json((_HERE / "widget.js").read_text()))


def to_html(profile, path=None, suggestions=None, title: str = "jitprofile profile"):
    """The page; written to path (the path returned) or returned as an
    HTMLPage.  suggestions=None: the profile's own (a %%jitprofile cell's
    recommendations), () for none."""
    if suggestions is None:
        suggestions = getattr(profile, "suggestions", None) or ()
    page = page_of_state(profile_state(profile, suggestions, title), title)
    if path is not None:
        pathlib.Path(path).write_text(page)
        return path
    return HTMLPage(page)
