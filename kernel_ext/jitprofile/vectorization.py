"""Why didn't my loop vectorize?  (jitprofile.vectorization)

The C side (jit/vec_remarks.c) keeps, per compiled signature, the remarks
LLVM's loop vectorizer and SLP vectorizer (and the inliner) emitted while
optimising it: "file:line:col: message", located by our debug info.  This
module turns them into one row per loop of the function's source:

    >>> f.inspect_vectorization()
    [LoopReport(function='prefix', line=12, vectorized=False, width=1, ...,
                reasons=(Reason(kind='loop-carried', text='a loop-carried dependence on `acc` ...'),))]

The facts are LLVM's (which loop, vectorized or not, width and interleave,
the analysis that stopped it, run-time checks in the optimised IR); the
wording is ours, in Python terms: the variable or call is read from the
source at the remark's line and column.

`loop_notes(file, line)` and `file_notes(file)` give the short state of
loops in every live dispatcher ("vectorized x4", "scalar: ..."), for the
profiler's line views and the hotspots table.
"""
from __future__ import annotations

import ast
import gc
import inspect
import linecache
import re
import sys
import textwrap
import weakref
from typing import NamedTuple

__all__ = ["LoopReport", "Reason", "inspect", "loop_notes", "file_notes", "reports",
           "parse_remarks"]

_inspect_mod = inspect

# Reason kinds (docs/vectorization.md); jitprofile.advise_loops turns the
# fixable ones (fp-reduction, stride, call) into measured suggestions.
KINDS = ("fp-reduction", "loop-carried", "call", "aliasing", "indirect", "stride",
         "conditional", "python-int", "trip-count", "cost", "runtime-check", "unknown")


class Reason(NamedTuple):
    """Why a loop is scalar (or a note on a vectorized one)."""
    kind: str           # one of KINDS
    text: str           # ours, in Python terms
    line: int           # the source line LLVM pointed at
    name: str | None    # the variable, array or call involved, when known
    remark: str         # LLVM's own message


class LoopReport(NamedTuple):
    """One loop of one compiled signature."""
    function: str
    signature: tuple
    file: str
    line: int
    source: str         # the loop's header line, stripped
    vectorized: bool
    width: int          # vector width (1 when scalar)
    interleave: int     # interleave count (1 when none)
    reasons: tuple      # Reason, first the one that decided; notes on vectorized loops
    remarks: tuple      # LLVM's messages for this loop, as LLVM wrote them

    @property
    def reason(self) -> str:
        return self.reasons[0].text if self.reasons else ""

    @property
    def state(self) -> str:
        """"vectorized x4" or "scalar: reason" (the profiler's short form)."""
        if self.vectorized:
            s = f"vectorized x{self.width}"
            if self.interleave > 1:
                s += f" (interleave {self.interleave})"
            return s
        if self.interleave > 1:
            return f"scalar, interleaved x{self.interleave}: {self.reason or 'not vectorized'}"
        return "scalar: " + (self.reason or "LLVM gave no reason")


# ---- remarks -------------------------------------------------------------------

_LOC = re.compile(r"^(.*?):(\d+):(\d+): (.*)$", re.S)
_VEC = re.compile(r"vectorized loop \(vectorization width: (\d+), interleaved count: (\d+)\)")
_INTERLEAVED = re.compile(r"interleaved loop \(interleaved count: (\d+)\)")
_INLINE = re.compile(r"'?([\w.$]+)'? (not inlined|will not be inlined) into '?([\w.$]+)'? because (.*?)(?:$| \(cost)")


class _Remark(NamedTuple):
    file: str
    line: int
    col: int
    text: str


def parse_remarks(raw: str) -> list:
    """The records of one compile, deduplicated (the function and its
    trampoline are optimised alike), in order."""
    out, seen = [], set()
    for rec in raw.split("\x1e"):
        rec = rec.strip()
        if not rec or rec in seen:
            continue
        seen.add(rec)
        m = _LOC.match(rec)
        if m is None or m.group(1) == "<unknown>":
            continue
        out.append(_Remark(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
    return out


# ---- the function's source --------------------------------------------------------

class _Source:
    """The function's AST with file line numbers, and its loops."""

    def __init__(self, func):
        self.file = func.__code__.co_filename
        self.tree = None
        self.span = (0, 1 << 30)    # the function's own lines
        self.loops = []             # (first line, last line, node) for For/While
        try:
            lines, start = _inspect_mod.getsourcelines(func)
        except (OSError, TypeError):
            return
        try:
            tree = ast.parse(textwrap.dedent("".join(lines)))
        except SyntaxError:
            return
        ast.increment_lineno(tree, start - 1)
        self.tree = tree
        self.span = (start, start + len(lines) - 1)
        for node in ast.walk(tree):
            if isinstance(node, (ast.For, ast.While)):
                self.loops.append((node.lineno, node.end_lineno, node))

    def loop_at(self, line: int):
        best = None
        for lo, hi, node in self.loops:
            if lo <= line <= hi and (best is None or lo >= best[0]):
                best = (lo, hi, node)
        return best

    def nodes_at(self, line: int, col: int | None = None):
        """Nodes starting on `line` (at `col` first, when given)."""
        if self.tree is None:
            return []
        found = [n for n in ast.walk(self.tree) if getattr(n, "lineno", None) == line]
        if col:
            found.sort(key=lambda n: (n.col_offset != col - 1, n.col_offset))
        return found


def _line(file: str, line: int) -> str:
    return linecache.getline(file, line).strip()


def _name(node) -> str | None:
    try:
        return ast.unparse(node)
    except Exception:           # noqa: BLE001 - a name is a nicety
        return None


def _base(node):
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _updated_name(src: _Source, line: int, col: int) -> str | None:
    """The variable an assignment at line updates (`acc += x[i]` -> acc)."""
    for n in src.nodes_at(line, col):
        if isinstance(n, ast.AugAssign):
            return _name(n.target)
        if isinstance(n, ast.Assign) and len(n.targets) == 1:
            return _name(n.targets[0])
    return None


def _carried_scalar(loop) -> str | None:
    """A scalar the loop updates from its own value and also uses otherwise
    (`acc += x[i]; out[i] = acc`)."""
    updated = []
    for n in ast.walk(loop):
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            updated.append(n.target.id)
        elif (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
              and any(isinstance(m, ast.Name) and m.id == n.targets[0].id for m in ast.walk(n.value))):
            updated.append(n.targets[0].id)
    for name in updated:
        uses = sum(1 for m in ast.walk(loop) if isinstance(m, ast.Name) and m.id == name
                   and isinstance(m.ctx, ast.Load))
        if uses >= 1:
            return name
    return updated[0] if updated else None


def _calls(src: _Source, lo: int, hi: int, line: int | None = None) -> list:
    if src.tree is None:
        return []
    return [n for n in ast.walk(src.tree) if isinstance(n, ast.Call)
            and lo <= n.lineno <= hi and (line is None or n.lineno == line)]


def _stores(loop) -> list:
    return [t for n in ast.walk(loop) if isinstance(n, (ast.Assign, ast.AugAssign))
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
            if isinstance(t, ast.Subscript)]


def _arrays_read(loop) -> list:
    return [n for n in ast.walk(loop) if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load)]


def _has_int_div(loop) -> str | None:
    for n in ast.walk(loop):
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mod, ast.FloorDiv)):
            return "%" if isinstance(n.op, ast.Mod) else "//"
        if isinstance(n, ast.AugAssign) and isinstance(n.op, (ast.Mod, ast.FloorDiv)):
            return "%" if isinstance(n.op, ast.Mod) else "//"
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "int":
            return "int()"
    return None


# ---- reasons ----------------------------------------------------------------------

def _reasons_for(src: _Source, loop, rems: list, inlining: dict) -> list:
    """Our reasons for a loop LLVM left scalar, from its analysis remarks."""
    lo, hi = (loop.lineno, loop.end_lineno) if loop is not None else (rems[0].line, rems[0].line)
    out = []

    def add(kind, text, r, name=None):
        if not any(x.kind == kind for x in out):
            out.append(Reason(kind, text, r.line, name, r.text))

    for r in rems:
        t = r.text
        if "reorder floating-point operations" in t:
            var = _updated_name(src, r.line, r.col) or "the sum"
            add("fp-reduction", f"a floating-point reduction on `{var}` whose order must be kept "
                f"(with fastmath=True it would vectorize)", r, var)
        elif "could not be identified as reduction" in t or "identified as an induction or reduction" in t:
            var = (_carried_scalar(loop) if loop is not None else None) or "a variable"
            add("loop-carried", f"a loop-carried dependence on `{var}`: each iteration needs the value "
                f"the previous one computed (a running value, not a reduction)", r, var)
        elif "unsafe dependent memory operations" in t:
            stores = [s for s in (_stores(loop) if loop is not None else []) if s.lineno == r.line]
            arr = _base(stores[0]) if stores else None
            kind = "backward" if "Backward" in t else "forward" if "Forward" in t else "unknown"
            what = {"backward": "an iteration reads elements an earlier one wrote",
                    "forward": "an iteration writes elements a later one reads too soon to overlap",
                    "unknown": "LLVM cannot tell which elements each iteration touches"}[kind]
            add("loop-carried", f"a loop-carried dependence on `{arr or 'an array'}`: {what}", r, arr)
        elif "call instruction cannot be vectorized" in t or (
                "number of loop iterations" in t and _calls(src, lo, hi, r.line)):
            calls = _calls(src, lo, hi, r.line) or _calls(src, lo, hi)
            name = _name(calls[0].func) if calls else None
            if name == "int":
                add("python-int", "`int()` raises on NaN, inf or overflow as Python does: the loop "
                    "may exit early, so LLVM cannot count its iterations", r, "int()")
                continue
            why = inlining.get(r.line)
            text = f"a call to `{name or 'a function'}()` that has no vector version"
            if why:
                text += f" (not inlined: {why})"
            elif name and "." in name:
                text += " (a library call: LLVM has no vector variant of it here)"
            add("call", text, r, name)
        elif "cannot identify array bounds" in t or "cannot check memory dependencies" in t:
            stores = _stores(loop) if loop is not None else []
            indirect = [s for s in stores if any(isinstance(n, ast.Subscript) for n in ast.walk(s.slice))]
            if indirect:
                add("indirect", f"an indirect store `{_name(indirect[0])}`: LLVM cannot tell which "
                    f"elements it writes (a scatter)", r, _base(indirect[0]))
            else:
                written = {_base(s) for s in stores} - {None}
                read = {_base(s) for s in _arrays_read(loop)} - {None} if loop is not None else set()
                pair = sorted(written)[:1] + sorted(read - written)[:1]
                if len(pair) == 1:
                    add("aliasing", f"`{pair[0]}` is written and read at offsets LLVM cannot "
                        f"compare (a possible loop-carried dependence through `{pair[0]}`)",
                        r, pair[0])
                else:
                    add("aliasing", "possible aliasing between the arrays "
                        + " and ".join(f"`{p}`" for p in pair)
                        + ": LLVM could not bound them for a run-time overlap check", r,
                        ",".join(pair))
        elif ("substituted for a select" in t or "control flow" in t or "conditional" in t.lower()
              or "masked" in t):
            add("conditional", "a conditional store or branch in the body that LLVM could not "
                "turn into a masked store or a select", r)
        elif "number of loop iterations" in t or "early exit" in t:
            add("trip-count", "the number of iterations is not known when the loop starts "
                "(a `while`, a `break`/`return` inside, or an operation that may raise)", r)
        elif "not beneficial" in t and "interleav" not in t:
            op = _has_int_div(loop) if loop is not None else None
            if op:
                add("python-int", f"`{op}` with Python's rounding on integers (the result takes the "
                    f"divisor's sign; no vector integer division on this CPU): LLVM's cost model "
                    f"found no gain", r, op)
            else:
                add("cost", "LLVM's cost model found the vector loop no faster on this CPU", r)
    for r in rems:          # only when nothing above explained it
        t = r.text
        if out:
            break
        if t.startswith("loop not vectorized:") and "use -Rpass-analysis" not in t:
            add("unknown", "LLVM: " + t.split(":", 1)[1].strip(), r)
    return out


def _ir_checks(ir: str) -> list:
    """(kind, line) of the run-time checks in the optimised IR: an overlap
    check (vector.memcheck) or a stride check (vector.scevcheck)."""
    locs = {m.group(1): int(m.group(2))
            for m in re.finditer(r"^!(\d+) = !DILocation\(line: (\d+)", ir, re.M)}
    out = []
    for m in re.finditer(r"^vector\.(memcheck|scevcheck)[\w.]*:(.*?)^\s*br .*?$", ir, re.M | re.S):
        dbg = re.findall(r"!dbg !(\d+)", m.group(0))
        out.append((m.group(1), locs.get(dbg[-1]) if dbg else None))
    return out


def _param_layouts(sig: tuple, params: list) -> dict:
    """parameter name -> its array type, for arrays of layout A."""
    out = {}
    for name, t in zip(params, sig):
        s = str(t)
        if s.startswith("array(") and s.rstrip(")").endswith(" A"):
            out[name] = s
    return out


def _rows(disp, sig, raw, ir) -> list:
    func = disp.py_func
    src = _Source(func)
    file = func.__code__.co_filename
    params = list(_inspect_mod.signature(func).parameters)
    # a compile holds its callees too: keep the remarks on this function's lines
    rems = [r for r in parse_remarks(raw)
            if r.file == file and src.span[0] <= r.line <= src.span[1]]
    inlining = {}
    for r in rems:
        m = _INLINE.search(r.text)
        if m and ".tramp" not in m.group(3):
            never = re.search(r"\(cost=never\): (.*)$", r.text)
            inlining.setdefault(r.line, (never.group(1) if never else m.group(4)).strip().rstrip(";"))
    groups = {}                 # loop line -> (loop node, [remarks])
    for r in rems:
        t = r.text
        if not ("ectoriz" in t or "nterleav" in t):
            continue
        if "SLP" in t or "List vectorization" in t or "horizontal reduction" in t:
            continue            # the SLP vectorizer's (straight-line code), not a loop's
        found = src.loop_at(r.line)
        key = found[0] if found else r.line         # an implicit loop (array expression)
        node = found[2] if found else None
        groups.setdefault(key, (node, []))[1].append(r)
    checks = _ir_checks(ir) if ir else []
    a_layout = _param_layouts(sig, params)
    rows = []
    for key in sorted(groups):
        node, rs = groups[key]
        width, inter, vec = 1, 1, False
        for r in rs:
            m = _VEC.search(r.text)
            if m:
                vec = True
                width, inter = max(width, int(m.group(1))), max(inter, int(m.group(2)))
            m = _INTERLEAVED.search(r.text)
            if m and not vec:
                inter = max(inter, int(m.group(1)))
        if vec:
            reasons = []
            lo, hi = (node.lineno, node.end_lineno) if node is not None else (key, key)
            names = sorted({_base(s) for s in (_arrays_read(node) + _stores(node) if node else [])}
                           - {None})
            for kind, line in checks:
                if line is not None and not lo <= line <= hi and len(groups) > 1:
                    continue
                if kind == "memcheck" and not any(x.kind == "runtime-check" for x in reasons):
                    reasons.append(Reason("runtime-check", "vectorized behind a run-time check that "
                                          "the arrays " + ", ".join(f"`{n}`" for n in names)
                                          + " do not overlap (when they do, the scalar loop runs)",
                                          line or key, ",".join(names), "vector.memcheck"))
            strided = [n for n in names if n in a_layout]
            if strided:
                reasons.append(Reason("stride", f"`{strided[0]}` may be strided ({a_layout[strided[0]]} "
                                      f"in this signature): its loads are gathers or run behind a "
                                      f"stride check; np.ascontiguousarray({strided[0]}) before the "
                                      f"call gives unit-stride loads", key, strided[0],
                                      "array layout A"))
        else:
            reasons = _reasons_for(src, node, rs, inlining)
            if node is not None and not any(r.kind == "stride" for r in reasons):
                names = {_base(s) for s in _arrays_read(node) + _stores(node)} - {None}
                strided = sorted(n for n in names if n in a_layout)
                if strided and reasons and reasons[0].kind in ("cost", "unknown"):
                    reasons.insert(0, Reason("stride", f"a non-unit stride: `{strided[0]}` is "
                                             f"{a_layout[strided[0]]} in this signature",
                                             key, strided[0], reasons[0].remark))
        rows.append(LoopReport(func.__qualname__, sig, file, key, _line(file, key), vec, width,
                               inter, tuple(reasons), tuple(r.text for r in rs)))
    return rows


def inspect(disp, signature=None) -> list:
    """Dispatcher.inspect_vectorization(signature=None): the loops of one
    signature (a tuple of types, or its text), or of every compiled one."""
    raw = disp._vec_remarks()
    if signature is not None:
        want = signature if isinstance(signature, tuple) else None
        key = next((k for k in raw if k == want or str(k) == str(signature)
                    or ", ".join(map(str, k)) == str(signature).strip("()")), None)
        if key is None:
            raise KeyError(f"{disp.__name__}: no compiled signature {signature!r} "
                           f"(compiled: {', '.join(map(str, raw)) or 'none'})")
        raw = {key: raw[key]}
    rows = []
    for sig, text in raw.items():
        if text is None:
            continue            # loaded from the on-disk cache: no remarks were kept
        try:
            ir = disp.inspect_llvm(sig)
        except Exception:       # noqa: BLE001 - the checks are a nicety
            ir = ""
        rows.extend(_rows(disp, sig, text, ir))
    return rows


# ---- for the profiler ----------------------------------------------------------------

# The advice's own recompiled copies (advise_loops: fastmath=True ...): their
# loops are not the program's until jitprofile.apply binds one to its name.
advice_copies = weakref.WeakSet()


def _bound(d) -> bool:
    """Whether d's module binds d to its function's name."""
    mod = sys.modules.get(getattr(d.py_func, "__module__", None) or "")
    return getattr(mod, d.py_func.__name__, None) is d


def _dispatchers(file: str | None = None) -> list:
    from . import _core
    return [o for o in gc.get_objects() if isinstance(o, _core.Dispatcher)
            and (file is None or getattr(getattr(o, "py_func", None), "__code__", None) is not None
                 and o.py_func.__code__.co_filename == file)
            and (o not in advice_copies or _bound(o))]


def reports(file: str | None = None) -> list:
    """Every loop of every live dispatcher (of `file`, when given)."""
    rows = []
    for d in _dispatchers(file):
        try:
            rows.extend(d.inspect_vectorization())
        except Exception:       # noqa: BLE001 - a view must not fail on one function
            continue
    return rows


def file_notes(file: str) -> dict:
    """{line: "vectorized x4" | "scalar: reason"} for the loops of `file`.
    Where signatures disagree, each distinct state is kept, joined by "; "."""
    return notes_by_file([file]).get(file, {})


def notes_by_file(files) -> dict:
    """{file: {line: state}} for the loops of live jitted functions in `files`
    (one scan of the live dispatchers for all of them: Profile.lines, the
    source pane)."""
    files = set(files)
    notes: dict = {}
    if not files:
        return notes
    for d in _dispatchers():
        code = getattr(getattr(d, "py_func", None), "__code__", None)
        if code is None or code.co_filename not in files:
            continue
        try:
            rows = d.inspect_vectorization()
        except Exception:       # noqa: BLE001 - a view must not fail on one function
            continue
        for r in rows:
            states = notes.setdefault(r.file, {}).setdefault(r.line, [])
            if r.state not in states:
                states.append(r.state)
    return {f: {line: "; ".join(s) for line, s in by.items()} for f, by in notes.items()}


def loop_notes(file: str, line: int) -> str | None:
    """The state of the loop at file:line, or None when no jitted loop is there."""
    return file_notes(file).get(line)


def hottest_loop(file: str, notes: dict, weights: dict):
    """(line, state) of the loop of `file` that holds the most of `weights`
    ({line: samples}), each line counted for the innermost loop around it;
    `notes` is file_notes(file) ({header line: state}).  None when no
    weighted line lies in one of those loops."""
    try:
        tree = ast.parse("".join(linecache.getlines(file)), file)
    except (OSError, SyntaxError, ValueError):
        tree = None
    spans = {}
    if tree is not None:
        for n in ast.walk(tree):
            if isinstance(n, (ast.For, ast.While)) and n.lineno in notes:
                spans[n.lineno] = (n.lineno, n.end_lineno or n.lineno)
    for line in notes:
        spans.setdefault(line, (line, line))    # an array expression: its statement
    per: dict = {}
    for line, w in weights.items():
        inside = [lo for lo, hi in spans.values() if lo <= line <= hi]
        if inside and w > 0:
            lo = max(inside)
            per[lo] = per.get(lo, 0) + w
    if not per:
        return None
    line = max(per, key=lambda lo: (per[lo], lo))
    return line, notes[line]


class HotLoop(NamedTuple):
    """A loop of jitted code and its share of the profile's samples."""
    file: str
    line: int
    function: str
    share: float        # of all samples, in the loop's lines (or below them)
    state: str          # "vectorized x4" / "scalar: reason"
    source: str
    reasons: tuple = ()  # every Reason of its signatures (the first is in state)


def hot_loops(profile, min_share: float = 0.0) -> list:
    """The loops of live jitted functions where `profile`'s samples landed,
    hottest first: a sample counts for the innermost loop whose lines hold
    the innermost frame of it that lies in a file with jitted loops."""
    funcs = profile.data.functions()
    if not any(f[4] == "jit" for f in funcs):
        return []               # no jitted code ran: no need to look for dispatchers
    frames = profile.data.frames()
    nodes = profile.data.nodes()
    by_file: dict = {}
    weights: dict = {}
    total = 0
    for _thread, node, _ts, weight in profile.data.samples():
        total += weight
        weights[node] = weights.get(node, 0) + weight
    if not total:
        return []
    spans: dict = {}            # file -> [(lo, hi, row)]

    by_disp_file: dict = {}
    for d in _dispatchers():
        code = getattr(getattr(d, "py_func", None), "__code__", None)
        if code is not None:
            by_disp_file.setdefault(code.co_filename, []).append(d)

    def loops_of(file):
        if file not in spans:
            spans[file] = []
            for d in by_disp_file.get(file, ()):
                try:
                    rows = d.inspect_vectorization()
                except Exception:       # noqa: BLE001 - a view must not fail on one function
                    continue
                src = _Source(d.py_func) if rows else None
                for r in rows:
                    found = src.loop_at(r.line)
                    spans[file].append((r.line, found[1] if found else r.line, r))
        return spans[file]

    for node, w in weights.items():
        n = node
        while n > 0:
            parent, frame = nodes[n]
            func, line = frames[frame]
            file = funcs[func][1]
            hits = ([s for s in loops_of(file) if s[0] <= line <= s[1]]
                    if file in by_disp_file else [])
            if hits:
                lo, _hi, _r = max(hits, key=lambda s: s[0])
                key = (file, lo)
                by_file[key] = by_file.get(key, 0) + w
                break
            n = parent
    out = []
    for (file, line), w in by_file.items():
        share = w / total
        if share < min_share:
            continue
        rows = [s[2] for s in spans[file] if s[0] == line]
        states = list(dict.fromkeys(r.state for r in rows))
        reasons = tuple({(r.kind, r.text): r for row in rows for r in row.reasons}.values())
        out.append(HotLoop(file, line, rows[0].function, share, "; ".join(states), rows[0].source,
                           reasons))
    out.sort(key=lambda h: -h.share)
    return out


def hot_loops_text(profile, n: int = 10) -> list:
    """Lines for the text report: the hot loops of jitted code and their state."""
    hot = hot_loops(profile)[:n]
    if not hot:
        return []
    lines = ["", "Loops in jitted code (LLVM's vectorizer):",
             f"{'Share':>6}  {'Where':<32} State"]
    for h in hot:
        where = f"{h.file.rsplit('/', 1)[-1]}:{h.line} {h.function}"
        lines.append(f"{100 * h.share:5.1f}%  {where[:32]:<32} {h.state}")
    return lines
