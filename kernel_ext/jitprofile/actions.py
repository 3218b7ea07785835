"""Apply / Undo of one recommendation, as the widget's buttons and the
%jitprofile_apply / %jitprofile_undo magics do it: the outcome is kept on
the suggestion (s.message) for the widget to show; message_kind() says how the card styles it."""
from __future__ import annotations

import re


def act_on(s, what: str) -> str:
    """Apply ("apply") or undo ("undo") suggestion s; its message."""
    from .applier import apply, undo
    try:
        if hasattr(s, "act"):           # a cluster's (jitprofile.dask.ClusterSuggestion)
            s.message = s.act(what)
        elif what == "apply":
            speedup = apply(s)
            # what was timed: the function alone, per call, best-of runs of the
            # original and the compiled version on (up to 3 of) the recorded
            # argument sets - not the cell (issue 19: 446.7x here, ~350x by the cell)
            s.message = (f"applied: {s.function} compiled, measured {speedup:.1f}x faster "
                         "per call of the function alone (best-of timings on the recorded "
                         "arguments)" if speedup else f"applied: {s.function}")
        else:
            undo(s)
            s.message = f"undone: {s.function} is the original Python function again"
    except Exception as exc:        # shown in the widget / printed by the magic
        s.message = f"{what} failed: {type(exc).__name__}: {exc}"
    return s.message


_FAILED = re.compile(r"^\w+ failed\b")


def message_kind(message: str | None) -> str:
    """How a card shows an outcome: "failure" (red: "apply failed: ...",
    "undo failed: ..."), "success" (green: what was asked for was done:
    "applied: ...", "applied and kept: ...", "undone: ...") or "note"
    (neutral: "applied, not kept: ...", "applied; writing ...", a read-only
    remote process) - "" for none."""
    if not message:
        return ""
    if _FAILED.match(message):
        return "failure"
    if message.startswith(("applied:", "applied and kept:", "undone:")):
        return "success"
    return "note"
