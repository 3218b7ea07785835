"""kernel_ext/jitprofile/advice_text.py - advice a user can act on: what the
advisor (advisor.py) says about a function, in the user's terms.

- compile_cause: ONE short cause for a function the JIT does not compile,
  named the way the notebook shows it ("In[2], line 6", cells.where) with
  the quoted source line, and a hint that agrees with the README (arrays
  are supported; a global list is not).
- rewrites: concrete rewrites found in the function's source: a small
  array built from a list literal inside a loop (hoist it out, pass it in,
  or write the loop over its elements) and per-element NumPy calls on tiny
  arrays (call overhead: jit the loop, or write the loop over the elements).
- memory_bound: the float32 "memory traffic" advice only for a function
  whose arrays stream at a good part of the machine's memory bandwidth
  (measured once per process), never for call overhead.
- unrecorded: why no call of a hot function was recorded (the truth for the
  mode and the profile's length, not always "already running").
"""
from __future__ import annotations

import ast
import inspect
import linecache
import textwrap
import time

from .cells import where

SMALL_ARRAY = 16                # elements: "a tiny array" for call overhead
MEMORY_BOUND_FRACTION = 0.25    # of the measured copy bandwidth
_NP = ("np", "numpy")
_bandwidth: float | None = None


# ---- the cause of a compile error -----------------------------------------

_HINTS = (
    ("refers to a list object",
     "a global list: jit code reads global numbers, tuples and NumPy arrays as constants; "
     "make it a tuple or a NumPy array, or pass it in as an argument"),
    ("refers to a dict object",
     "a global dict: pass the values it holds in as arguments (or use a jitprofile typed Dict)"),
    ("refers to a set object",
     "a global set: make it a NumPy array or a tuple, or pass it in as an argument"),
)


def source_line(filename: str | None, line: int | None) -> str:
    if not filename or not line:
        return ""
    return linecache.getline(filename, line).strip()


def compile_cause(exc, func=None) -> tuple[str, int | None]:
    """("TypingError: In[2], line 6: 'SCALE' refers to a list object, which
    jit code cannot use: `d = np.array([...])` (hint ...)", 6) for a
    compile error."""
    msg = getattr(exc, "message", None)
    lines = str(exc).strip().splitlines()
    if not msg:
        first = lines[0] if lines else type(exc).__name__
        # "file:line:col: in function 'f': message" -> message
        msg = first.split(": in function ", 1)[-1]
        if msg is not first and "': " in msg:
            msg = msg.split("': ", 1)[1]
    filename = getattr(exc, "filename", None) or (func.__code__.co_filename if func else None)
    line = getattr(exc, "lineno", None)
    hint = next((ln.strip()[5:].strip() for ln in lines if ln.strip().startswith("hint:")), "")
    for key, better in _HINTS:
        if key in msg:
            hint = better
    kind = type(exc).__name__
    text = f"{kind}: {where(filename, line)}: {msg}" if line else f"{kind}: {msg}"
    quoted = source_line(filename, line)
    if quoted:
        text += f": `{quoted}`"
    if hint:
        text += f" ({hint})"
    return text, line


# ---- rewrites found in the source ------------------------------------------

def _source_tree(func):
    try:
        src = textwrap.dedent(inspect.getsource(func))
        return ast.parse(src), func.__code__.co_firstlineno - 1
    except (OSError, TypeError, SyntaxError):
        return None, 0


def _np_call(node) -> str | None:
    """"array" for np.array(...), "exp" for np.exp(...), None otherwise."""
    if isinstance(node, ast.Call):
        f = node.func
        parts = []
        while isinstance(f, ast.Attribute):
            parts.append(f.attr)
            f = f.value
        if isinstance(f, ast.Name) and f.id in _NP and parts:
            return ".".join(reversed(parts))
    return None


def _assigned(loop) -> set:
    names = set()
    for n in ast.walk(loop):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
    return names


def small_rows(sigs) -> int:
    """The row length of the recorded array arguments whose rows are tiny
    (2-D or more, last axis <= SMALL_ARRAY): a loop over their rows hands
    NumPy arrays of that many elements; 0 when there are none."""
    n = 0
    for sig in sigs or ():
        for shapes in sig.shapes:
            for shape, _calls in shapes or ():
                if isinstance(shape, (tuple, list)) and len(shape) >= 2 \
                        and 0 < shape[-1] <= SMALL_ARRAY and shape[0] > shape[-1]:
                    n = max(n, int(shape[-1]))
    return n


def _loop_np_calls(loop) -> list:
    return sorted({c for c in (_np_call(x) for x in ast.walk(loop))
                   if c and c not in ("array", "asarray", "empty", "zeros", "ones")})


def rewrites(func, compiles: bool, sigs=()) -> list[tuple[int, str]]:
    """[(line, rewrite)] for the function's loops: small arrays built from
    a list literal per iteration, and per-element NumPy calls on them or on
    the tiny rows of its array arguments."""
    tree, offset = _source_tree(func)
    if tree is None:
        return []
    out = []
    filename = func.__code__.co_filename
    rows = small_rows(sigs)

    def visit(node, loops):
        if isinstance(node, (ast.For, ast.While)):
            loops = loops + [node]
        if loops and _np_call(node) in ("array", "asarray") and node.args \
                and isinstance(node.args[0], (ast.List, ast.Tuple)) \
                and len(node.args[0].elts) <= SMALL_ARRAY:
            n = len(node.args[0].elts)
            line = node.lineno + offset
            used = {x.id for x in ast.walk(node.args[0]) if isinstance(x, ast.Name)}
            changing = used & _assigned(loops[-1])
            at = where(filename, line)
            if not changing:
                out.append((line, f"{at}: np.{_np_call(node)}([...]) builds the same "
                                  f"{n}-element array on every iteration: hoist it out of the "
                                  "loop (build it once before it) or pass it in as an argument"))
            else:
                calls = sorted({c for c in (_np_call(x) for x in ast.walk(loops[-1]))
                                if c and c not in ("array", "asarray")})
                overhead = (f"; the loop's NumPy calls ({', '.join('np.' + c for c in calls)}) "
                            f"on {n} elements cost more in call overhead than in arithmetic"
                            if calls else "")
                fix = ("jit the loop (the recommendation above)" if compiles else
                       f"write the loop over the {n} elements as scalar arithmetic "
                       f"(e.g. d0 = ...; d1 = ...; s = d0 * d0 + d1 * d1 ...) instead of "
                       "building an array")
                out.append((line, f"{at}: np.{_np_call(node)}([...]) builds a new {n}-element "
                                  f"array on every iteration{overhead}: {fix}"))
        for child in ast.iter_child_nodes(node):
            visit(child, loops)

    visit(tree, [])
    if not out and rows:
        # no literal: NumPy called per element on the tiny rows of an argument
        inner = [lp for lp in ast.walk(tree) if isinstance(lp, (ast.For, ast.While))
                 and _loop_np_calls(lp)
                 and not any(isinstance(x, (ast.For, ast.While)) and x is not lp
                             and _loop_np_calls(x) for x in ast.walk(lp))]
        for lp in inner[:1]:
            calls = ", ".join("np." + c for c in _loop_np_calls(lp))
            line = lp.lineno + offset
            fix = ("jit the loop (the recommendation above)" if compiles else
                   f"write the loop over the {rows} elements as scalar arithmetic instead of "
                   "calling NumPy on each row")
            out.append((line, f"{where(filename, line)}: the loop calls NumPy ({calls}) on "
                              f"{rows}-element rows, once per element: that is call overhead, "
                              f"not arithmetic: {fix}"))
    return out


def call_overhead(func, sigs=()) -> int:
    """The element count of the small arrays the function hands NumPy per
    loop iteration - built from a list literal in the loop, or the tiny
    rows of its recorded array arguments with NumPy called in a loop -
    (0: none): its time is per-call overhead, not memory."""
    tree, _offset = _source_tree(func)
    if tree is None:
        return 0
    rows = small_rows(sigs)
    if rows and any(isinstance(lp, (ast.For, ast.While)) and _loop_np_calls(lp)
                    for lp in ast.walk(tree)):
        return rows
    n = 0
    for loop in ast.walk(tree):
        if isinstance(loop, (ast.For, ast.While)):
            for node in ast.walk(loop):
                if _np_call(node) in ("array", "asarray") and node.args \
                        and isinstance(node.args[0], (ast.List, ast.Tuple)) \
                        and len(node.args[0].elts) <= SMALL_ARRAY:
                    n = max(n, len(node.args[0].elts))
    return n


# ---- memory-bound by measurement --------------------------------------------

def bandwidth() -> float:
    """This machine's memory copy bandwidth, bytes/s (read + write), measured
    once: the best of a few copies of a 64 MiB array."""
    global _bandwidth
    if _bandwidth is None:
        import numpy as np
        a = np.ones(8 << 20)            # 64 MiB of float64
        b = np.empty_like(a)
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            np.copyto(b, a)
            best = min(best, time.perf_counter() - t0)
        _bandwidth = 2 * a.nbytes / max(best, 1e-9)
    return _bandwidth


def memory_bound(facts: dict, func=None, sigs=()) -> bool:
    """Whether a call streams its float64 arrays at MEMORY_BOUND_FRACTION of
    the measured bandwidth or more (the bytes of its array arguments over
    its time per call: a lower bound on what it moves)."""
    if func is not None and call_overhead(func, sigs):
        return False                    # per-element call overhead, not memory traffic
    per_call = facts.get("per_call_s") or 0.0
    moved = facts.get("float64_bytes_per_call") or 0.0
    if per_call <= 0 or moved <= 0:
        return False
    return moved / per_call >= MEMORY_BOUND_FRACTION * bandwidth()


# ---- why no call was recorded ---------------------------------------------

def unrecorded(profile, func) -> str:
    args = getattr(profile, "args", None)
    if args is None:
        return ("no call of it was recorded (argument recording was off): nothing to compile "
                "it for")
    if args.mode == "exact":
        return ("no call of it was recorded: it was already running when recording started "
                "(exact mode records calls as they start)")
    watched = any(c is func.__code__ for c, *_rest in args.rec.functions())
    secs = sum(t[3] for t in profile.view().threads()) * profile.view().interval
    if not watched:
        return (f"no call of it was recorded: the recorder starts watching a function "
                f"once it is hot at one of its looks (the first {1000 * args.period:.0f} ms "
                f"in, then at doubling intervals) and the profile ended first ({secs:.2f} s "
                "sampled); run it longer, or use %%jitprofile --exact")
    return ("no call of it was recorded: none started inside a recording window and its "
            "running call's arguments could not be read; use %%jitprofile --exact")


# ---- the finished suggestions -----------------------------------------------

def polish(suggestions) -> None:
    """One cause per card: a jit suggestion that was not compiled says so in
    `why` without repeating its `reason` (the card shows that once); one
    that compiles and spends its time in per-element NumPy calls on tiny
    arrays is diagnosed as call overhead."""
    for s in suggestions:
        if s.kind != "jit":
            continue
        head = (f"{s.function} takes {100 * s.share:.0f}% of the time "
                f"({100 * s.self_share:.0f}% in its own code)")
        if not s.applicable and s.reason and s.reason in (s.why or ""):
            s.why = head + (" but does not compile as written: the cause below"
                            if s.reason_line else " but was not compiled: see below")
        elif s.applicable:
            n = call_overhead(s.func, getattr(s, "sig_objects", ()))
            if n:
                s.why = (s.why or head) + (
                    f"; its loop calls NumPy on {n}-element arrays per element: that is call "
                    "overhead, which jitting the loop removes")
