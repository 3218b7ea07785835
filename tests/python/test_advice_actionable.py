"""Advice a user can act on (issue 19, kernel_ext/jitprofile/advice_text.py):
a function that does not compile gets ONE short cause named the way the
notebook names the cell ("In[N], line L") with the quoted line, a hint
that agrees with the README, a concrete rewrite and no @njit code; the
float32 advice only for memory-bound time, never for per-element call
overhead; a compiling loop of per-element NumPy calls on tiny arrays is
diagnosed as call overhead; no call recorded gets its true reason.  The
notebook cases run real IPython cells (a subprocess, the shell singleton
stays out of this process)."""
import json
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import jitprofile
from jitprofile import advice_text

pytest.importorskip("IPython")

# one cell: the data and the functions (its number: DEFS_CELL in the result)
DEFS = '''import numpy as np
SCALE = [1.0, 2.0, 0.5]
def kde(points, data, bw):
    out = np.zeros(len(points))
    for i in range(len(points)):
        for j in range(len(data)):
            d = np.array([points[i, 0] - data[j, 0], points[i, 1] - data[j, 1], SCALE[2]])
            out[i] += np.exp(-0.5 * np.sum(d * d) / bw ** 2)
    return out

def kde_ok(points, data, bw):
    out = np.zeros(len(points))
    for i in range(len(points)):
        for j in range(len(data)):
            d = np.array([points[i, 0] - data[j, 0], points[i, 1] - data[j, 1], 0.5])
            out[i] += np.exp(-0.5 * np.sum(d * d) / bw ** 2)
    return out

P = np.random.rand(3, 3)
D = np.random.rand(60000, 3)            # 1.4 MB of float64 per call: above the old float32 bar
'''

DRIVER = '''
from IPython.testing.globalipapp import start_ipython
ip = start_ipython()
ip.run_line_magic("load_ext", "jitprofile")
out = {"DEFS_CELL": ip.execution_count}
ip.run_cell(DEFS, store_history=True)
for name, cell in (("kde", "%%jitprofile --no-widget -r 2000\\nkde(P, D, 0.3)"),
                   ("kde_ok", "%%jitprofile --no-widget -r 2000\\nkde_ok(P[:1], D[:20000], 0.3)")):
    r = ip.run_cell(cell, store_history=True)
    assert r.success, r.error_in_exec
    out[name] = [s.to_dict() for s in ip.user_ns["_jitprofile"].suggestions]
print("RESULT", json.dumps(out))
'''


@pytest.fixture(scope="module")
def cells():
    driver = f"import json\nDEFS = {DEFS!r}\n" + textwrap.dedent(DRIVER)
    p = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout.split("RESULT ", 1)[1]), p.stdout


def _card(recs, function, kind="jit"):
    found = [r for r in recs if r["function"] == function and r["kind"] == kind]
    assert found, [(r["kind"], r["function"]) for r in recs]
    return found[0]


def test_one_cause_named_by_cell_with_the_quoted_line(cells):
    res, stdout = cells
    card = _card(res["kde"], "kde")
    assert not card["applicable"]
    reason = card["reason"]
    # line 7 of the definitions' cell is the `d = np.array(...)` line
    n = res["DEFS_CELL"]
    assert reason.startswith(f"TypingError: In[{n}], line 7: 'SCALE' refers to a list object"), \
        reason
    assert "`d = np.array([points[i, 0] - data[j, 0], points[i, 1] - data[j, 1], SCALE[2]])`" \
        in reason
    assert card["reason_line"] == 7
    for text in (reason, card["why"], card["code"]):
        assert "ipykernel" not in text and "/tmp/" not in text and ".py:" not in text, text
    # the compiler's message once on the card, not in `why` again
    card_text = card["why"] + "\n" + reason + "\n" + card["code"]
    assert card_text.count("refers to a list object") == 1, card_text
    # the hint agrees with the README: arrays are supported, the list is the problem
    assert "math/cmath functions and other jitted functions" not in reason
    assert "make it a tuple or a NumPy array, or pass it in" in reason
    # printed once by the magic's text report as well
    report = stdout.split("RESULT ", 1)[0]
    assert report.count("refers to a list object") == 1, report
    recs = "\n".join(ln for ln in report.splitlines()       # the recommendation lines
                     if ln.startswith("  [") and "]" in ln[:8])
    assert "kde" in recs, report
    assert "ipykernel" not in recs and "<ipython-input-" not in recs, recs


def test_rewrite_and_no_njit_code_for_what_does_not_compile(cells):
    res, _stdout = cells
    card = _card(res["kde"], "kde")
    assert "@njit" not in card["code"] and "def kde" not in card["code"], card["code"]
    assert f"In[{res['DEFS_CELL']}], line 7: np.array([...]) builds a new 3-element array " \
           "on every iteration" in card["code"]
    assert "write the loop over the 3 elements" in card["code"]
    assert "call overhead" in card["code"]


def test_no_float32_advice_for_call_overhead(cells):
    """D holds 1.4 MB of float64 (the old rule: >= 1 MiB per call means
    "float32 halves the memory traffic"), but the time is per-element
    NumPy calls on 3-element arrays: no memory traffic advice."""
    res, _stdout = cells
    for name in ("kde", "kde_ok"):
        assert not [r for r in res[name] if r.get("detail") == "float32"], res[name]


def test_compiling_loop_is_diagnosed_as_call_overhead(cells):
    res, _stdout = cells
    card = _card(res["kde_ok"], "kde_ok")
    assert card["applicable"] and card["speedup"] > 1, card
    assert "call overhead, which jitting the loop removes" in card["why"]
    assert "@njit" in card["code"]          # it compiles: the code is offered
    assert f"# In[{res['DEFS_CELL']}], line 11\n@njit" in card["code"]   # not the temp file


# ---- module-level functions (real files) --------------------------------------

W = [0.5, 1.0]


def hoistable(a):
    s = 0.0
    for i in range(a.shape[0]):
        w = np.array([1.0, 2.0, 3.0])
        s += a[i] * w[1] + W[0]
    return s


def test_loop_invariant_small_array_is_hoisted():
    rows = advice_text.rewrites(hoistable, compiles=False)
    line = hoistable.__code__.co_firstlineno + 3
    assert rows and rows[0][0] == line
    assert "builds the same 3-element array on every iteration: hoist it out of the loop" \
        in rows[0][1] and "or pass it in as an argument" in rows[0][1]
    assert rows[0][1].startswith(f"{__file__}:{line}: ")


def stream(a, b):
    return (a * b).sum() + (a - b).sum()


def test_memory_bound_by_measured_bandwidth():
    a, b = np.random.rand(300000), np.random.rand(300000)
    best = min(_timed(stream, a, b) for _ in range(20))
    facts = {"per_call_s": best, "float64_bytes_per_call": a.nbytes + b.nbytes}
    assert advice_text.memory_bound(facts, stream)
    # the same bytes over a thousand times the time: not memory-bound
    slow = dict(facts, per_call_s=1000 * best)
    assert not advice_text.memory_bound(slow, stream)
    # per-element call overhead is never memory traffic
    assert advice_text.call_overhead(hoistable) == 3
    assert not advice_text.memory_bound(facts, hoistable)


def _timed(f, *args):
    t0 = time.perf_counter()
    f(*args)
    return time.perf_counter() - t0


def busy(seconds):
    t0 = time.perf_counter()
    s = 0
    while time.perf_counter() - t0 < seconds:
        s += 1
    return s


def test_no_call_recorded_gets_its_true_reason():
    """A sampled profile that ends before the recorder's first look (50 ms
    in a cell; 10 s here, so that the look never comes): it said "already
    running when recording started", which was false."""
    with jitprofile.Profile(args="sampled", args_options={"period": 10.0}) as prof:
        busy(0.15)
    sugs = jitprofile.advise(prof)
    s = next(s for s in sugs if s.function == "busy" and s.kind == "jit")
    assert not s.signatures and not s.applicable
    assert "already running" not in s.reason, s.reason
    assert s.reason.startswith("no call of it was recorded: the recorder starts watching")
    assert "(the first 10000 ms in" in s.reason and "the profile ended first" in s.reason
    assert "--exact" in s.reason
    assert s.code == ""             # nothing compiled: no @njit code
    assert "but was not compiled" in s.why and s.reason not in s.why


G = [0.5]


def kde_rows(points, data, bw):
    out = []
    for p in points:
        s = 0.0
        for q in data:
            d = np.linalg.norm(p - q)
            s += np.exp(-0.5 * (d / bw) ** 2) * G[0]
        out.append(s)
    return np.array(out)


def test_numpy_on_tiny_rows_is_call_overhead_not_memory_traffic():
    """NumPy called per element on the 3-element rows of a (60000, 3)
    argument (1.4 MB of float64 per call: the old rule gave the float32
    advice): call overhead, with the rewrite over the 3 elements."""
    P, D = np.random.rand(2, 3), np.random.rand(60000, 3)
    with jitprofile.Profile(args="exact") as prof:
        kde_rows(P, D, 0.3)
    sugs = jitprofile.advise(prof)
    assert not [s for s in sugs if s.detail == "float32"], sugs
    s = next(s for s in sugs if s.function == "kde_rows" and s.kind == "jit")
    assert not s.applicable and "'G' refers to a list object" in s.reason
    line = kde_rows.__code__.co_firstlineno + 4           # the inner `for q in data:`
    assert s.code.startswith(f"# {__file__}:{line}: the loop calls NumPy (np.exp, "
                             "np.linalg.norm) on 3-element rows"), s.code
    assert "call overhead" in s.code and "write the loop over the 3 elements" in s.code
    assert "@njit" not in s.code
