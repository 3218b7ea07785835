"""Honest numbers (issue 19, kernel_ext/jitprofile/figures.py): estimates
frozen when the profile ends, so the widget's tables, a re-render,
to_html() and to_dict() show one value; the sample count and the
too-short threshold; the status line; the cell-level projection of the
measured speedups; to_html(path) returns the path and to_html() a page
whose repr is one line."""
import json
import re
import subprocess
import sys
import textwrap
import time

import pytest

from jitprofile import figures
from jitprofile.advisor import Suggestion
from jitprofile.profile import Profile
from jitprofile.widget_data import TableBuilder, function_index, signature_rows


def tiny(i):
    return i * 0.5 + 1.0


def many_calls(seconds):
    t0 = time.process_time()            # CPU seconds: what is sampled, however loaded
    s = 0.0
    while time.process_time() - t0 < seconds:
        for i in range(2000):
            s += tiny(i)
    return s


def _calls_of(profile, state_or_builder_calls, name="tiny"):
    index = function_index(profile.data)
    fi = next(i for (n, _f, _l), i in index.items() if n == name)
    return state_or_builder_calls.get(fi)


def _hot_calls(state, profile, name="tiny"):
    index = function_index(profile.data)
    fi = next(i for (n, _f, _l), i in index.items() if n == name)
    return next(r[3] for r in state["hot"] if r[0] == fi)


def test_call_estimates_are_frozen_when_the_profile_ends(tmp_path):
    """Regression: the sampled call counts were scaled by the recorder's
    duty cycle read at the time of the query, whose clock ran on after the
    profile ended: the widget (read at once), a re-render and the HTML
    export (read later) showed ever larger counts of the same profile."""
    with Profile(args="sampled") as prof:
        many_calls(0.6)
    b = TableBuilder(prof.data)
    signature_rows(prof, b)                     # what the widget's final view does
    first = _calls_of(prof, b.calls)
    assert first and first > 0
    time.sleep(0.6)                             # the user looks, then exports
    b2 = TableBuilder(prof.data)
    signature_rows(prof, b2)
    assert _calls_of(prof, b2.calls) == first
    path = tmp_path / "p.html"
    assert prof.to_html(path) == path
    page = path.read_text()
    state = json.loads(re.search(r"const state = (.*);\n", page).group(1))
    assert _hot_calls(state, prof) == first
    d = prof.to_dict()
    assert [r[3] for r in d["numbers"]["calls"] if r[0] == "tiny"] == [first]
    assert d["numbers"]["calls_estimated"] is True
    # read back: the same frozen figures, the same page numbers
    again = Profile.from_dict(json.loads(json.dumps(d)))
    state2 = json.loads(re.search(r"const state = (.*);\n",
                                  str(again.to_html())).group(1))
    assert _hot_calls(state2, again) == first
    assert state2["numbers"]["samples"] == state["numbers"]["samples"] == figures.sample_count(prof)


def test_estimates_are_marked_and_exact_counts_are_not():
    assert figures.fmt_calls(301_234, True) == "~301k"
    assert figures.fmt_calls(8_912_345, True) == "~8.9M"
    assert figures.fmt_calls(250_000, False) == "250,000"
    assert figures.fmt_calls(-1, True) == ""
    with Profile(args="exact") as prof:
        many_calls(0.15)
    assert figures.summary(prof)["calls_estimated"] is False
    n = [r[3] for r in figures.summary(prof)["calls"] if r[0] == "tiny"]
    assert n and n[0] % 2000 == 0               # exact: every call counted


def test_too_short_below_the_threshold_and_sample_count():
    with Profile(args=None) as prof:
        many_calls(0.01)
    why = figures.too_short(prof)
    assert why.startswith("too short to profile reliably") and "no recommendation" in why
    with Profile(args=None) as prof:
        many_calls(0.3)
    assert figures.too_short(prof) == ""
    nums = figures.summary(prof, cell_s=0.31, advisor_s=0.9)
    assert nums["samples"] >= figures.MIN_SAMPLES
    assert nums["samples"] == sum(t[3] for t in prof.view().threads())
    assert re.fullmatch(r"cell 0\.31 s · sampled 0\.\d\d s \([\d,]+ samples\) · "
                        r"advisor measured 0\.90 s after the cell", nums["status"]), nums["status"]


def _suggestion(func, share, speedup, applicable=True, kind="jit", callees=None):
    return Suggestion(func, kind, share=share, speedup=speedup, applicable=applicable,
                      callees=callees)


def kde(x):
    return x


def pairwise(x):
    return x


def test_projection_is_amdahl_from_the_profile_shares():
    sugs = [_suggestion(pairwise, 0.28, 350.0),
            _suggestion(kde, 0.72, None, applicable=False)]
    p = figures.projection(sugs, 2.9)
    # 2.9 * (1 - 0.28 + 0.28 / 350) = 2.090...
    assert abs(p["all_s"] - 2.9 * (1 - 0.28 + 0.28 / 350)) < 1e-6
    assert p["all"].startswith("applying all: 2.90 s \u2192 ~2.09 s; kde unchanged: 2.09 s, "
                               "100% of what is left (72% before)"), p["all"]
    assert p["per"]["0"].startswith("cell 2.90 s \u2192 ~2.09 s")
    assert "1" not in p["per"]
    # a callee compiled with its caller counts once
    both = [_suggestion(pairwise, 0.5, 10.0, callees={"kde": kde}),
            _suggestion(kde, 0.4, 10.0)]
    assert abs(figures.projection(both, 1.0)["all_s"] - (1 - 0.5 * 0.9)) < 1e-6


def outer_loop(seconds):
    t0 = time.process_time()
    s = 0.0
    while time.process_time() - t0 < seconds:
        for i in range(300):
            s += tiny(i)
    return s


def test_projection_from_the_call_tree():
    """With the profile: each sample's time divided by the speedup of the
    outermost recommended function on its stack; the caller keeps only the
    time outside it."""
    with Profile(args=None) as prof:
        outer_loop(0.4)
    sugs = [_suggestion(tiny, 0.5, 4.0), _suggestion(outer_loop, 1.0, None, applicable=False)]
    stacks = figures._stacks(prof)
    total = sum(w for _n, w in stacks)
    under = sum(w for names, w in stacks if "tiny" in names)
    p = figures.projection(sugs, 1.0, prof)
    assert abs(p["all_s"] - (total - under + under / 4.0) / total) < 1e-6
    kept = (total - under) / total
    assert f"outer_loop unchanged: {figures.fmt_s(kept)}" in p["all"], p["all"]


def test_to_html_returns_the_path_or_a_page_with_a_short_repr(tmp_path):
    with Profile(args=None) as prof:
        many_calls(0.05)
    page = prof.to_html()
    assert isinstance(page, str) and "function render" in page and len(page) > 10_000
    assert len(repr(page)) < 120 and repr(page).startswith("<jitprofile HTML page")
    from IPython.core.formatters import PlainTextFormatter     # what a cell's Out[] shows
    assert PlainTextFormatter()(page) == repr(page)
    out = prof.to_html(str(tmp_path / "x.html"))
    assert out == str(tmp_path / "x.html") and (tmp_path / "x.html").read_text() == str(page)


CELLS = '''
from IPython.testing.globalipapp import start_ipython
ip = start_ipython()
ip.run_line_magic("load_ext", "jitprofile")
ip.run_cell(SETUP, store_history=True)
ip.run_cell("%%jitprofile --no-widget\\nwork(0.01)", store_history=True)
short = ip.user_ns["_jitprofile"]
ip.run_cell("%%jitprofile --no-widget\\nwork(0.8)", store_history=True)
prof = ip.user_ns["_jitprofile"]
import json, re
state = json.loads(re.search(r"const state = (.*);\\n", str(prof.to_html())).group(1))
print("RESULT", json.dumps({"short_recs": len(short.suggestions), "short": short.numbers,
      "nums": prof.numbers, "recs": [s.function for s in prof.suggestions],
      "page_recs": [r["function"] for r in state["recs"]], "page_nums": state["numbers"]}))
'''

SETUP = '''
import time
def step(i):
    return i * 0.5

def work(seconds):
    t0 = time.process_time()
    s = 0.0
    while time.process_time() - t0 < seconds:
        for i in range(1000):
            s += step(i)
    return s
'''


def test_magic_short_cell_makes_no_recommendation_and_export_keeps_them():
    """A 10 ms cell: "too short", no advice (it said "jit ... 100%", already
    running).  A longer one: the status line splits the cell's and the
    advisor's time; to_html() of the cell's profile holds its
    recommendations (it said "Recommendations: none") and its figures."""
    pytest.importorskip("IPython")
    driver = f"SETUP = {SETUP!r}\n" + textwrap.dedent(CELLS)
    p = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                       timeout=240)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "too short to profile reliably" in p.stdout
    assert "already running" not in p.stdout
    res = json.loads(p.stdout.split("RESULT ", 1)[1])
    assert res["short_recs"] == 0 and res["short"]["too_short"]
    nums = res["nums"]
    assert not nums["too_short"] and nums["samples"] >= figures.MIN_SAMPLES
    assert nums["cell_s"] > 0 and nums["advisor_s"] is not None
    assert nums["status"].startswith(f"cell {figures.fmt_s(nums['cell_s'])} · sampled ")
    assert res["recs"] and res["page_recs"] == res["recs"]
    assert res["page_nums"] == nums
