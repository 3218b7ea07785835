"""The widget's Export button (kernel side): the static page of what the
widget shows, written next to the notebook (the kernel's working
directory, where JupyterLab starts a notebook's kernel).

The page is made from the widget's own traits (html_export.page_of_state),
so every number on it - the frozen call estimates, the sample count, the
recommendations, the projections - is the widget's, not recomputed.
"""
from __future__ import annotations

import os
import re

SKIP = {"exported", "can_export"}       # the button's own state


def export_state(widget) -> dict:
    """The traits that draw the widget (those ProfileWidget defines), as
    JSON-ready values; nothing can be applied from the static page."""
    from .widget import ProfileWidget
    # ProfileWidget's own (the instance's class may be a subclass anywidget made)
    own = ProfileWidget.class_own_traits(sync=True)
    state = {}
    for name in own:
        if name in SKIP or name.startswith("_"):
            continue
        state[name] = getattr(widget, name)
    state["recs"] = [dict(r, applicable=False) for r in state.get("recs", [])]
    return state


def file_name(title: str) -> str:
    """"%%jitprofile (cell 3)" -> "jitprofile-cell-3.html"."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower() or "jitprofile"
    return slug + ".html"


def export_widget(widget, directory: str | None = None) -> str:
    """Write the widget's page; its path."""
    from .html_export import page_of_state
    path = os.path.join(directory or os.getcwd(), file_name(widget.title))
    page = page_of_state(export_state(widget), widget.title)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(page)
    os.replace(tmp, path)
    return path
