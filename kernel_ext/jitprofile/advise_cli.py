"""python -m jitprofile advise [--json] [--apply] [--exact] [-r HZ]
[--hot SHARE] script.py [args...]

Runs the script under the profiler with argument recording, then prints the
recommendations: a table, or with --json an object whose `recommendations`
entries carry function, file, line, kind, code, signatures, share, why and
speedup or reason.  With --apply every applicable `jit` suggestion is put
into effect and the script runs again in the same namespace (its `def`s of
the applied functions keep the compiled versions); the wall times of the
original (run again, unprofiled) and of the applied run are printed.
"""
from __future__ import annotations

import argparse
import ast
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
    p.add_argument("--exact", action="store_true",
                   help="record the arguments of every call (default: sampled, hot functions only)")
    p.add_argument("-r", "--rate", type=_rate, default=1000, metavar="HZ",
                   help="samples per second, 1..10000 (default 1000)")
    p.add_argument("--hot", type=float, default=None, metavar="SHARE",
                   help="total share of the time that makes a function hot (default 0.05)")
    p.add_argument("target", nargs=argparse.REMAINDER, help="script.py [args...]")
    return p


def _exec_script(code, globals_) -> tuple[float, int, str | None]:
    """(wall seconds, exit code, traceback text or None)."""
    rc, failure = 0, None
    t0 = time.perf_counter()
    try:
        _run_target(code, globals_)
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:           # noqa: BLE001 - the script's failure is reported
        failure = _user_traceback()
        rc = 1
    return time.perf_counter() - t0, rc, failure


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
    out.write(f"\ncode for #1 ({best.kind} {best.function}):\n\n{best.code}\n")


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

    prof = Profile(hz=args.rate, root=_run_target.__code__, follow_children=False,
                   args="exact" if args.exact else "sampled")
    prof.start()
    try:
        wall1, rc, failure = _exec_script(code, g)
    finally:
        prof.stop()
    if failure is not None:
        sys.stderr.write(failure)
    t0 = time.perf_counter()
    suggestions = advise(prof, **({} if args.hot is None else {"hot_share": args.hot}))
    advise_s = time.perf_counter() - t0

    report = {"script": script, "argv": args.target[1:], "wall_s": round(wall1, 6),
              "exit_code": rc, "mode": prof.args_mode, "advise_s": round(advise_s, 3),
              "recommendations": [s.to_dict() for s in suggestions]}
    if args.apply:
        report["apply"] = _apply_and_rerun(suggestions, apply, code, source, script, g)
    sys.stdout = real_stdout
    if args.json:
        out.write(json.dumps(report, indent=1) + "\n")
    else:
        out.write(f"jitprofile advise: {script} ran {wall1:.3f} s under the profiler "
                  f"({prof.args_mode} argument recording); advice took {advise_s:.2f} s\n\n")
        _table(suggestions, out)
        if args.apply:
            a = report["apply"]
            out.write(f"\napplied: {', '.join(a['applied']) or 'nothing'}"
                      f" (compiled in {a['compile_s']:.3f} s, once)\n")
            for name, why in a["skipped"].items():
                out.write(f"  not applied: {name}: {why}\n")
            if a["after_s"] is not None:
                out.write(f"wall time before: {a['before_s']:.4f} s (the original, run again "
                          f"unprofiled)\nwall time after:  {a['after_s']:.4f} s (jit applied)"
                          f"  -> {a['speedup']:.1f}x faster\n")
    out.flush()
    return rc


def _apply_and_rerun(suggestions, apply, code, source, script, g) -> dict:
    """Run the original again (unprofiled), apply the jit suggestions, run the
    script with them; both wall times.  Quick runs are repeated (up to 3
    times while under a second in all) and the best is kept, for both."""
    def timed(c) -> float:
        best, spent = float("inf"), 0.0
        for _ in range(3):
            wall, rc, failure = _exec_script(c, g)
            if failure is not None:
                sys.stderr.write(failure)
            best, spent = min(best, wall), spent + wall
            if spent > 1.0 or rc != 0:
                break
        return best

    before = timed(code)
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
    after = None
    if applied:
        from . import _core
        kept = {name: obj for name, obj in g.items() if isinstance(obj, _core.Dispatcher)}
        g["__jitprofile_keep__"] = lambda f: kept.get(f.__name__, f)
        after = timed(_keep_applied(source, script, set(kept)))
        del g["__jitprofile_keep__"]
    return {"applied": applied, "skipped": skipped, "compile_s": round(compile_s, 4),
            "before_s": round(before, 6), "after_s": None if after is None else round(after, 6),
            "speedup": None if after is None else round(before / max(after, 1e-9), 2)}
