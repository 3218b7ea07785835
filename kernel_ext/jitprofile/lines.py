"""Time per source line, for Python and JIT functions alike (Profile.lines).

Part of the profile data model: it reads the aggregated tables the C side
fills (functions, frames = function + line, call-tree nodes, threads,
samples) and returns named rows.  Nothing here records arguments or ranks
recommendations.

How a sample is charged, walking its stack from the leaf up:
- the innermost Python or JIT frame owns the sample: its line gets the
  sample's *self* time, split by where the leaf was - in that line's own
  JIT code ("jit"), in the interpreter running it ("python"), or in native
  code it called, NumPy's C or libm ("native"; the leaf native function is
  kept as one of the line's native callees, with its share);
- every distinct Python/JIT (function, line) on the stack gets the sample's
  *total* time once (recursion is not counted twice).
Samples of the JIT's pool workers land on the outlined loop body, which is
registered under its function's name with the loop's lines (see
jit/parallel_symbols.h), so a prange loop's time is on its line whichever
thread ran it; LineStat.threads keeps the split per thread.
"""
from __future__ import annotations

import linecache
from typing import NamedTuple

__all__ = ["LineStat", "NativeCallee", "compute_lines", "annotate", "function_matcher",
           "function_source"]

_OWNER_CATS = ("python", "jit")
# native objects that are the interpreter itself: time there is Python's
_INTERP_HINTS = ("libpython", "/python3", "python3.")


class NativeCallee(NamedTuple):
    """A native function sampled under a line (the leaf of those samples)."""
    name: str
    module: str
    samples: int
    seconds: float
    share: float         # of the line's self samples


class LineStat(NamedTuple):
    """One source line of Profile.lines()."""
    function: str        # as the profile names it ("f", "f [jit float64]")
    file: str
    line: int
    source: str          # the line's text ("" when the source is unavailable)
    category: str        # python / jit: the kind of function the line is in
    self_s: float
    total_s: float
    self_samples: int
    total_samples: int
    self_pct: float      # of every sample in the profile
    jit_s: float         # self time split: in the line's JIT code,
    python_s: float      #   in the interpreter,
    native_s: float      #   in native code the line called
    native: tuple        # NativeCallee rows, most samples first
    threads: tuple       # ((pid, tid, samples), ...) most samples first
    loop: str = ""       # a jitted loop's header line: "vectorized x4" / "scalar: reason" (issue 20)


class _Acc:
    __slots__ = ("self_w", "total_w", "jit_w", "py_w", "nat_w", "native", "threads")

    def __init__(self):
        self.self_w = self.total_w = self.jit_w = self.py_w = self.nat_w = 0
        self.native: dict[int, int] = {}
        self.threads: dict[int, int] = {}


def _is_interp(module: str, file: str) -> bool:
    s = f"{module} {file}"
    return any(h in s for h in _INTERP_HINTS)


def function_matcher(func):
    """A predicate over (name, file) for Profile.lines(func): func may be a
    name ("f", matching "f" and its JIT instances "f [jit ...]"), a Python
    function, or a jitted function (its Python function's name and file)."""
    if func is None:
        return lambda name, file: True
    if isinstance(func, str):
        want = func
        return lambda name, file: name == want or name.startswith(want + " [jit")
    py = getattr(func, "py_func", None) or func
    code = getattr(py, "__code__", None)
    qual = getattr(py, "__qualname__", None) or getattr(py, "__name__", None)
    if qual is None:
        raise TypeError(f"lines(func): a name, a function or a jitted function, not {func!r}")
    fname = code.co_filename if code is not None else None

    def match(name: str, file: str) -> bool:
        if fname is not None and file != fname:
            return False
        return name == qual or name.startswith(qual + " [jit")
    return match


def compute_lines(data, func=None, source: bool = True) -> list[LineStat]:
    """The lines of the profile `data` (a _core.ProfileData), most self time
    first (then total time); only those of func when given (see
    function_matcher)."""
    funcs = data.functions()
    frames = data.frames()
    nodes = data.nodes()
    threads = data.threads()
    iv = data.interval
    match = function_matcher(func)
    owner = [funcs[f][4] in _OWNER_CATS for f, _line in frames]
    interp = [funcs[f][4] == "native" and _is_interp(funcs[f][2], funcs[f][1])
              for f, _line in frames]

    # per node: (owner frame or -1, leaf kind, leaf native frame or -1, owner frames on the path)
    memo: dict[int, tuple] = {0: (-1, "", -1, ())}

    def info(node: int) -> tuple:
        got = memo.get(node)
        if got is not None:
            return got
        chain = []
        n = node
        while n > 0 and n not in memo:
            chain.append(n)
            n = nodes[n][0]
        for n in reversed(chain):       # root side first
            parent, frame = nodes[n]
            p_owner, _k, _nf, p_path = memo[parent]
            if owner[frame]:
                path = p_path if frame in p_path else p_path + (frame,)
                memo[n] = (frame, "jit" if funcs[frames[frame][0]][4] == "jit" else "python",
                           -1, path)
            else:
                kind = "python" if interp[frame] else "native"
                memo[n] = (p_owner, kind, frame if kind == "native" else -1, p_path)
        return memo[node]

    accs: dict[int, _Acc] = {}
    total_w = 0
    for thread, node, _ts, weight in data.samples():
        total_w += weight
        own, kind, nat, path = info(node)
        for fr in path:
            a = accs.get(fr)
            if a is None:
                a = accs[fr] = _Acc()
            a.total_w += weight
        if own < 0:
            continue
        a = accs[own]
        a.self_w += weight
        if kind == "jit":
            a.jit_w += weight
        elif kind == "native":
            a.nat_w += weight
            nf = frames[nat][0]
            a.native[nf] = a.native.get(nf, 0) + weight
        else:
            a.py_w += weight
        a.threads[thread] = a.threads.get(thread, 0) + weight

    out = []
    for fr, a in accs.items():
        f, line = frames[fr]
        name, file, _module, _first, cat = funcs[f]
        if not match(name, file):
            continue
        text = linecache.getline(file, line).rstrip("\n") if source and line > 0 else ""
        natives = tuple(sorted(
            (NativeCallee(funcs[nf][0], funcs[nf][2], w, w * iv, w / a.self_w if a.self_w else 0.0)
             for nf, w in a.native.items()), key=lambda c: -c.samples))
        per_thread = tuple(sorted(((threads[t][0], threads[t][1], w) for t, w in a.threads.items()),
                                  key=lambda r: -r[2]))
        out.append(LineStat(name, file, line, text, cat, a.self_w * iv, a.total_w * iv,
                            a.self_w, a.total_w, 100.0 * a.self_w / total_w if total_w else 0.0,
                            a.jit_w * iv, a.py_w * iv, a.nat_w * iv, natives, per_thread))
    out.sort(key=lambda r: (-r.self_samples, -r.total_samples, r.file, r.line))
    return with_loop_notes(out)


def with_loop_notes(rows: list[LineStat]) -> list[LineStat]:
    """rows with the vectorization state of the jitted loops they head
    (jitprofile.vectorization, from the live dispatchers' LLVM remarks)."""
    files = {r.file for r in rows if r.category == "jit"}
    if not files:
        return rows
    from .vectorization import notes_by_file
    notes = notes_by_file(files)
    return [r._replace(loop=notes.get(r.file, {}).get(r.line, "")) if r.category == "jit" else r
            for r in rows]


def function_source(file: str, first: int, lines: list[LineStat]) -> list[tuple[int, str]]:
    """(line number, text) of a function's source: its def to its last
    sampled line or its end (by indentation), whichever comes later."""
    src = linecache.getlines(file)
    if not src or first <= 0 or first > len(src):
        return [(r.line, r.source) for r in sorted(lines, key=lambda r: r.line)]
    last_sampled = max((r.line for r in lines), default=first)
    start = first
    while start > 1 and src[start - 2].lstrip().startswith("@"):
        start -= 1
    indent = len(src[first - 1]) - len(src[first - 1].lstrip())
    end = first
    for i in range(first, len(src)):        # src[i] is line i + 1
        text = src[i]
        if text.strip() and (len(text) - len(text.lstrip())) <= indent:
            break
        end = i + 1
    end = max(end, last_sampled)
    while end > first and not src[end - 1].strip():
        end -= 1
    return [(n, src[n - 1].rstrip("\n")) for n in range(start, end + 1)]


def annotate(prof, func=None, top: int = 3, hot: int = 3) -> str:
    """Annotated source of the `top` functions with the most line self time
    (or of func): per line its self time, share, split and native callees;
    the `hot` hottest lines of each function marked with '>'."""
    rows = compute_lines(prof.data, func)
    total = sum(t[3] for t in prof.data.threads()) * prof.data.interval
    by_func: dict[tuple[str, str], list[LineStat]] = {}
    for r in rows:
        by_func.setdefault((r.function, r.file), []).append(r)
    order = sorted(by_func.items(), key=lambda kv: -sum(r.self_samples for r in kv[1]))
    firsts = {(f[0], f[1]): f[3] for f in prof.data.functions()}
    out = []
    if not order:
        out.append("jitprofile: no sampled lines" + (f" for {func!r}" if func else ""))
    for (name, file), lines in order[:top]:
        fself = sum(r.self_s for r in lines)
        out.append(f"{name}  ({file}:{firsts.get((name, file), 0)})  "
                   f"{fself:.3f} s self" + (f", {100 * fself / total:.1f}% of {total:.3f} s"
                                            if total else ""))
        out.append(f"  {'line':>5} {'self s':>8} {'%':>6} {'jit/py/native %':>15}   source")
        by_line = {r.line: r for r in lines}
        hottest = {r.line for r in sorted(lines, key=lambda r: -r.self_samples)[:hot]
                   if r.self_samples}
        for n, text in function_source(file, firsts.get((name, file), 0), lines):
            r = by_line.get(n)
            mark = ">" if n in hottest else " "
            if r is None:
                out.append(f"{mark} {n:>5} {'':>8} {'':>6} {'':>15}   {text}")
                continue
            pct = 100 * r.self_s / fself if fself else 0.0
            split = "/".join(f"{100 * x / r.self_s:.0f}" if r.self_s else "0"
                             for x in (r.jit_s, r.python_s, r.native_s))
            note = f"    [{r.loop}]" if r.loop else ""
            out.append(f"{mark} {n:>5} {r.self_s:8.3f} {pct:5.1f}% {split:>15}   {text}{note}")
            for c in r.native[:3]:
                out.append(f"  {'':>5} {'':>8} {'':>6} {'':>15}     -> {c.name} "
                           f"({c.module}) {100 * c.share:.0f}%")
        out.append("")
    return "\n".join(out) + "\n"
