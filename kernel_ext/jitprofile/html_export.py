"""Profile.to_html(path): a static page of a finished profile, viewable
without a kernel or a network: the widget's own widget.js and widget.css
inlined, with a read-only model holding the same tables."""
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


def profile_state(profile, suggestions=(), title: str = "jitprofile") -> dict:
    """The widget's traits for a finished profile."""
    b = TableBuilder(profile.data, getattr(profile, "show_internal", False),
                     lanes=profile.lanes() if hasattr(profile, "lanes") else None,
                     tasks=(profile.task_prefix_at() if hasattr(profile, "task_prefix_at")
                            else None))
    args = signature_rows(profile, b)
    state = b.tables()
    state["memory"] = memory_table(profile, b)
    rows = recommendation_rows(suggestions)
    for r in rows:
        r["applicable"] = False         # a static page cannot apply anything
    state.update(title=title, status="done", args=args, recs=rows, updates=1, elapsed=0.0,
                 lines=source_panes(profile.data, [r.get("function", "") for r in rows]))
    return state


def to_html(profile, path=None, suggestions=(), title: str = "jitprofile profile") -> str:
    page = _PAGE.format(title=html.escape(title),
                        css=(_HERE / "widget.css").read_text(),
                        state=_script_json(profile_state(profile, suggestions, title)),
                        source=_script_json((_HERE / "widget.js").read_text()))
    if path is not None:
        pathlib.Path(path).write_text(page)
    return page
