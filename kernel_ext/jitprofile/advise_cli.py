"""python -m jitprofile advise [--json] [--apply [--runs N]] [--exact] [-r HZ]
[--hot SHARE] [--fp-tolerance REL] script.py [args...]

Runs the script under the profiler with argument recording, then prints the
recommendations: a table, or with --json an object whose `recommendations`
entries carry function, file, line, kind, code, signatures, share, why and
speedup or reason.  With --apply every applicable `jit` suggestion is put
into effect and the script runs again in the same namespace (its `def`s of
the applied functions keep the compiled versions); the wall times of the
original (run again, unprofiled) and of the applied run are printed.

--apply runs the script 1 + 2N times at most (N = --runs, default 3: one
profiled run, then up to N of the original and N with jit applied; repeats
stop once a version has run a second in all), and says so on stderr before
the first run: whatever the script does besides computing (appending to a
file, sending a request) happens each time.  --runs 1 (three runs) is the
least that still measures: the profiled run is slowed by the profiler, so
the original runs once more unprofiled.  The reruns' standard output is
captured, not shown, and compared: when the script's output or exit code
with jit applied differs from the original's, the jit suggestions are undone
and reported as not applied (with the first differing line).
"""
from __future__ import annotations

import argparse
import ast
import io
import json
import os
import sys
import time

from .record_cli import _UsageError, _Parser, _rate, _run_target, _user_traceback


def _parser() -> _Parser:
    p = _Parser(prog="python -m jitprofile advise",
                description="Profile a script and recommend @jit/@vectorize changes, with "
                            "speedups measured on its own data.")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--apply", action="store_true",
                   help="apply every jit suggestion, run the script again, print both wall times")
    p.add_argument("--runs", type=_runs, default=3, metavar="N",
                   help="with --apply: timed runs of each version, at least 1 (default 3); "
                        "the script runs up to 1 + 2N times")
    p.add_argument("--exact", action="store_true",
                   help="record the arguments of every call (default: sampled, hot functions only)")
    p.add_argument("-r", "--rate", type=_rate, default=1000, metavar="HZ",
                   help="samples per second, 1..10000 (default 1000)")
    p.add_argument("--hot", type=float, default=None, metavar="SHARE",
                   help="total share of the time that makes a function hot (default 0.05)")
    p.add_argument("--fp-tolerance", type=_tolerance, default=None, metavar="REL",
                   help="the max relative difference in floating-point results you accept: "
                        "makes fastmath=True (reordered reductions) applicable when the "
                        "difference measured on the recorded arguments is within it")
    p.add_argument("target", nargs=argparse.REMAINDER, help="script.py [args...]")
    return p


def _tolerance(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--fp-tolerance must be a number, not {text!r}")
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"--fp-tolerance must be a finite number >= 0, not {text}")
    return v


def _runs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--runs must be an integer, not {text!r}")
    if n < 1:
        raise argparse.ArgumentTypeError(f"--runs must be at least 1, not {n}")
    return n


class _Tee(io.TextIOBase):
    """The profiled run's stdout: shown as usual, and kept to compare."""

    def __init__(self, stream):
        self._stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self._stream.write(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def getvalue(self) -> str:
        return "".join(self.parts)


def _exec_script(code, globals_, capture: bool = False):
    """(wall seconds, exit code, traceback text or None[, stdout text]): with
    capture, the script's standard output is kept, not shown."""
    rc, failure = 0, None
    saved = sys.stdout
    if capture:
        raw = io.BytesIO()
        wrapper = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace",
                                   write_through=True)
        sys.stdout = wrapper
    t0 = time.perf_counter()
    try:
        _run_target(code, globals_)
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:           # noqa: BLE001 - the script's failure is reported
        failure = _user_traceback()
        rc = 1
    wall = time.perf_counter() - t0
    if not capture:
        return wall, rc, failure
    try:
        wrapper.flush()
    except (ValueError, OSError):
        pass
    text = raw.getvalue().decode("utf-8", "backslashreplace") if not raw.closed else ""
    sys.stdout = saved
    return wall, rc, failure, text


def _keep_applied(source: str, path: str, names: set):
    """The script's code, with the top-level defs of `names` decorated to keep
    the compiled dispatcher the namespace already holds."""
    tree = ast.parse(source, path)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            deco = ast.Name(id="__jitprofile_keep__", ctx=ast.Load())
            ast.copy_location(deco, node)
            node.decorator_list.insert(0, deco)
    return compile(tree, path, "exec")


def _table(suggestions, out) -> None:
    if not suggestions:
        out.write("jitprofile advise: no hot Python function to recommend anything for\n")
        return
    out.write(f"{'#':>2} {'Kind':<13} {'Function':<28} {'Share':>6} {'Speedup':>9}  Where\n")
    for i, s in enumerate(suggestions, 1):
        kind = s.kind + (f"/{s.detail}" if s.detail else "")
        sp = f"{s.speedup:8.1f}x" if s.speedup else "        -"
        where = os.path.relpath(s.file)
        where = s.file if where.startswith("..") else where
        out.write(f"{i:>2} {kind:<13} {s.function[:28]:<28} {100 * s.share:5.0f}% {sp}  "
                  f"{where}:{s.line}\n")
        out.write(f"   signatures: {', '.join(s.signatures) or '(none recorded)'}\n")
        out.write(f"   why: {s.why}\n")
        if s.reason:
            out.write(f"   reason: {s.reason}\n")
    best = suggestions[0]
    if best.code:               # none for what does not compile (issue 19)
        out.write(f"\ncode for #1 ({best.kind} {best.function}):\n\n{best.code}\n")


def _loop_dict(h) -> dict:
    return {"file": h.file, "line": h.line, "function": h.function, "share": round(h.share, 4),
            "state": h.state, "source": h.source,
            "reasons": [{"kind": r.kind, "text": r.text, "line": r.line, "name": r.name}
                        for r in h.reasons]}


def _loops_table(loops, out) -> None:
    """The loops of hot jitted functions: vectorized or not, and why."""
    if not loops:
        return
    out.write("\nloops of hot jitted functions (LLVM's vectorizer):\n")
    for h in loops:
        where = os.path.relpath(h.file)
        where = h.file if where.startswith("..") else where
        out.write(f"  {100 * h.share:5.1f}%  {where}:{h.line} in {h.function}: {h.source}\n")
        out.write(f"          {h.state}\n")
        vectorized = h.state.startswith("vectorized")
        for r in h.reasons if vectorized else h.reasons[1:]:
            out.write(f"          {'note' if vectorized else 'also'}: {r.text}\n")


def _loop_advice_dict(s) -> dict:
    d = s.to_dict()
    d["max_rel_diff"] = getattr(s, "max_rel_diff", None)
    return d


def _loop_advice_table(advice, fp_tolerance, out) -> None:
    """The loop advice, measured on the recorded arguments of the hot jitted functions."""
    if not advice:
        return
    out.write("\nloop advice, measured on the recorded arguments"
              + (f" (fp tolerance {fp_tolerance:g})" if fp_tolerance is not None else "") + ":\n")
    for s in advice:
        sp = f"{s.speedup:.2f}x" if s.speedup else "not measured"
        diff = getattr(s, "max_rel_diff", None)
        out.write(f"  {s.detail:<12} {s.function}{s.signatures[0] if s.signatures else ''}: "
                  f"{sp}" + (f", max relative difference {diff:.3g}" if diff is not None else "")
                  + ("  [applicable]" if s.applicable else "") + "\n")
        out.write(f"          {s.why}\n")
        if s.reason:
            out.write(f"          not applied: {s.reason}\n")
        out.write("          " + s.code.replace("\n", "\n          ") + "\n")


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
        if not args.target:
            raise _UsageError("no script given (advise script.py [args])")
        script = args.target[0]
        if not os.path.isfile(script):
            raise _UsageError(f"cannot find script {script!r}")
        if args.hot is not None and not 0 < args.hot <= 1:
            raise _UsageError(f"--hot must be a share in (0, 1], not {args.hot}")
        with open(script, "rb") as f:
            source = f.read()
        code = compile(source, script, "exec")
    except _UsageError as e:
        print(f"jitprofile advise: error: {e}", file=sys.stderr)
        return 2
    except (OSError, SyntaxError, ValueError) as e:
        print(f"jitprofile advise: error: {e}", file=sys.stderr)
        return 2

    import types
    from .profile import Profile
    from .advisor import advise
    from .applier import apply
    try:
        import numpy  # noqa: F401 - imported before both runs, so neither pays for it
    except ImportError:
        pass

    sys.argv = list(args.target)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    main_mod = types.ModuleType("__main__")
    main_mod.__file__ = script
    main_mod.__builtins__ = __builtins__
    sys.modules["__main__"] = main_mod
    g = main_mod.__dict__
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    real_stdout = sys.stdout
    if args.json:
        sys.stdout = sys.stderr         # the script's prints stay out of the JSON

    if args.apply:
        print(f"jitprofile advise: --apply runs {script} up to {1 + 2 * args.runs} times "
              f"(1 profiled, then up to {args.runs} of the original and {args.runs} with jit "
              f"applied): its side effects (files it writes or appends to, anything it sends) "
              f"repeat each time; --runs 1 runs it 3 times", file=sys.stderr)
        sys.stderr.flush()
    prof = Profile(hz=args.rate, root=_run_target.__code__, follow_children=False,
                   args="exact" if args.exact else "sampled",
                   args_options={"jitted": True})     # jitted calls too: the loop advice
    tee = _Tee(sys.stdout)
    sys.stdout = tee
    prof.start()
    try:
        wall1, rc, failure = _exec_script(code, g)
    finally:
        prof.stop()
        sys.stdout = tee._stream
    if failure is not None:
        sys.stderr.write(failure)
    t0 = time.perf_counter()
    suggestions = advise(prof, fp_tolerance=args.fp_tolerance,
                         **({} if args.hot is None else {"hot_share": args.hot}))
    loop_advice = [s for s in suggestions if s.kind == "loop"]     # issue 20: jitted loops
    suggestions = [s for s in suggestions if s.kind != "loop"]
    advise_s = time.perf_counter() - t0

    from .vectorization import hot_loops       # the loops of hot jitted code (issue 20)
    loops = hot_loops(prof, min_share=args.hot if args.hot is not None else 0.05)
    report = {"script": script, "argv": args.target[1:], "wall_s": round(wall1, 6),
              "exit_code": rc, "mode": prof.args_mode, "advise_s": round(advise_s, 3),
              "recommendations": [s.to_dict() for s in suggestions],
              "loops": [_loop_dict(h) for h in loops],
              "fp_tolerance": args.fp_tolerance,
              "loop_advice": [_loop_advice_dict(s) for s in loop_advice]}
    if args.apply:
        report["apply"] = _apply_and_rerun(suggestions, apply, code, source, script, g,
                                           runs=args.runs, first=(tee.getvalue(), rc))
    sys.stdout = real_stdout
    if args.json:
        out.write(json.dumps(report, indent=1) + "\n")
    else:
        out.write(f"jitprofile advise: {script} ran {wall1:.3f} s under the profiler "
                  f"({prof.args_mode} argument recording); advice took {advise_s:.2f} s\n\n")
        _table(suggestions, out)
        _loops_table(loops, out)
        _loop_advice_table(loop_advice, args.fp_tolerance, out)
        if args.apply:
            a = report["apply"]
            out.write(f"\napplied: {', '.join(a['applied']) or 'nothing'}"
                      f" (compiled in {a['compile_s']:.3f} s, once)\n")
            for name, why in a["skipped"].items():
                out.write(f"  not applied: {name}: {why}\n")
            out.write(f"script output with jit applied: {a['output']}\n")
            if a["after_s"] is not None:
                out.write(f"wall time before: {a['before_s']:.4f} s (the original, run again "
                          f"unprofiled)\nwall time after:  {a['after_s']:.4f} s (jit applied)"
                          f"  -> {a['speedup']:.1f}x faster\n")
    out.flush()
    return rc


def _first_difference(a: str, b: str) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb), 1):
        if x != y:
            return f"line {i}: {x[:80]!r} became {y[:80]!r}"
    i = min(len(la), len(lb)) + 1
    return f"line {i}: " + ("an extra line" if len(lb) > len(la) else "a missing line")


def _apply_and_rerun(suggestions, apply, code, source, script, g, *, runs: int = 3,
                     first=None) -> dict:
    """Run the original again (unprofiled), apply the jit suggestions, run the
    script with them; both wall times.  Quick runs are repeated (up to `runs`
    times while under a second in all) and the best is kept, for both.  The
    runs' output and exit codes are compared: when jit changed them, the
    suggestions are undone and reported as not applied."""
    def timed(c):
        best, spent, seen = float("inf"), 0.0, []
        for _ in range(runs):
            wall, rc, failure, text = _exec_script(c, g, capture=True)
            if failure is not None:
                sys.stderr.write(failure)
            best, spent = min(best, wall), spent + wall
            seen.append((text, rc))
            if spent > 1.0 or rc != 0:
                break
        return best, seen

    before, base = timed(code)
    applied, skipped = [], {}
    t0 = time.perf_counter()
    for s in suggestions:
        if s.kind != "jit":
            continue
        if not s.applicable:
            skipped[s.function] = s.reason or "not applicable"
            continue
        try:
            apply(s, namespace=g)
            applied.append(s.function)
        except (ValueError, LookupError, Exception) as e:   # noqa: BLE001 - reported
            skipped[s.function] = f"{type(e).__name__}: {e}"
    compile_s = time.perf_counter() - t0
    after, output = None, "not run (nothing applied)"
    if applied:
        from . import _core
        from .applier import undo
        kept = {name: obj for name, obj in g.items() if isinstance(obj, _core.Dispatcher)}
        g["__jitprofile_keep__"] = lambda f: kept.get(f.__name__, f)
        after, got = timed(_keep_applied(source, script, set(kept)))
        del g["__jitprofile_keep__"]
        originals = base + ([first] if first is not None else [])
        if any(o != originals[0] for o in originals):
            output = "not compared (the original's output varies from run to run)"
        elif any(x != originals[0] for x in got):
            (want, want_rc), (text, rc) = originals[0], next(x for x in got if x != originals[0])
            what = (f"exit code {want_rc} became {rc}" if rc != want_rc
                    else _first_difference(want, text))
            output = f"differs ({what}): jit undone"
            for s in suggestions:
                if s.kind == "jit" and s.function in applied:
                    undo(s)
                    skipped[s.function] = (f"with it compiled the script's output changed "
                                           f"({what}): results differ from Python's")
            for name, obj in kept.items():          # the script's own names, back
                if name in g and g[name] is obj:
                    g[name] = obj.py_func
            applied, after = [], None
        else:
            output = "same as the original's"
    return {"applied": applied, "skipped": skipped, "compile_s": round(compile_s, 4),
            "before_s": round(before, 6), "after_s": None if after is None else round(after, 6),
            "speedup": None if after is None else round(before / max(after, 1e-9), 2),
            "runs": runs, "output": output}
