"""Advice for the loops of a jitted function (issue 20): the fixable
reasons of Dispatcher.inspect_vectorization() turned into suggestions, each
measured on the given arguments (the call the user profiles):

- fastmath=True for a floating-point reduction (applicable only when the
  user states a tolerance: the max relative difference measured is shown);
- boundscheck=False where the function compiles with bounds checks;
- np.ascontiguousarray(x) before the call for an array read with a
  non-unit stride (the copy is included in the time measured);
- float32 data where the values allow it (exactly, or within the stated
  tolerance);
- hoisting a call whose arguments do not change in the loop (not measured:
  the code is shown).

Suggestions are jitprofile.advisor.Suggestion objects of kind "loop" (detail:
fastmath, boundscheck, contiguous, float32, hoist); those that only change
the decorator's options (fastmath, boundscheck) are applied and undone with
jitprofile.apply / jitprofile.undo, the others change the caller's code.
"""
from __future__ import annotations

import ast

import numpy as np

from . import _core
from .advisor import Suggestion, _same
from . import vectorization as _vec

__all__ = ["advise_loops", "advise_profile"]


def _time(fn, args, budget=0.2) -> float:
    best, _n = _core.time_calls(fn, [tuple(_copy(a) for a in args)], budget_s=budget)
    return best[0]


def _copy(v):
    """A copy with the same strides (a strided view stays strided)."""
    if not isinstance(v, np.ndarray) or v.flags.c_contiguous:
        return v.copy() if isinstance(v, np.ndarray) else v
    return _strided(v)


def _strided(v):
    """A copy of array v read with a non-unit stride (every other element)."""
    base = np.empty(max(v.size, 1) * 2, dtype=v.dtype)       # every other element
    strides = tuple(2 * v.itemsize * int(np.prod(v.shape[i + 1:])) for i in range(v.ndim))
    view = np.lib.stride_tricks.as_strided(base, v.shape, strides)
    view[...] = v
    return view


def _max_rel_diff(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    den = np.maximum(np.abs(a), np.finfo(np.float64).tiny)
    d = np.abs(a - b) / den
    return float(np.max(d)) if d.size else 0.0


def _outputs(args, result):
    """What a call produced: its result and the arrays it was given (written)."""
    return [result] + [a for a in args if isinstance(a, np.ndarray)]


def _run(fn, args):
    a = tuple(_copy(x) for x in args)
    r = fn(*a)
    return _outputs(a, r)


def _diff(ref, got) -> float:
    worst = 0.0
    for x, y in zip(ref, got):
        if isinstance(x, (np.ndarray, float, np.floating)):
            worst = max(worst, _max_rel_diff(x, y))
        elif not _same(x, y):
            return float("inf")
    return worst


def _recompiled(disp, **change):
    opts = dict(disp.targetoptions)
    opts.update(change)
    keep = {k: opts[k] for k in ("nogil", "fastmath", "boundscheck", "error_model", "parallel")
            if k in opts}
    copy = _core.Dispatcher(disp.py_func, keep)
    _vec.advice_copies.add(copy)        # not the program's loops (until applied)
    return copy


def _params(disp) -> list:
    import inspect
    return list(inspect.signature(disp.py_func).parameters)


def _written(disp) -> set:
    """Parameters the function stores into (out[i] = ...)."""
    src = _vec._Source(disp.py_func)
    if src.tree is None:
        return set()
    return {_vec._base(t) for t in _vec._stores(src.tree)} - {None}


def _suggestion(disp, detail, code, why, **kw) -> Suggestion:
    s = Suggestion(disp.py_func, "loop", detail=detail, code=code, why=why, **kw)
    s.dispatcher = disp
    s.replacement = None
    return s


def advise_loops(disp, args: tuple, *, fp_tolerance: float | None = None) -> list:
    """Suggestions for the loops of `disp` at the signature of `args`, each
    with its speedup measured on `args` (results compared with the function
    as written).  fp_tolerance: the max relative difference the user accepts
    in floating-point results (fastmath reductions, float32 data)."""
    disp(*[_copy(a) for a in args])                  # compiled for these types
    sig = tuple(_core.typeof(a) for a in args)
    rows = [r for r in disp.inspect_vectorization() if str(r.signature) == str(sig)]
    kinds = {reason.kind: (row, reason) for row in rows for reason in row.reasons}
    params = _params(disp)
    name = disp.__name__
    base_t = _time(disp, args)
    ref = _run(disp, args)
    out = []

    def measured(fn, fn_args=args):
        """(speedup over the function as written, max relative difference of results)"""
        got = _run(fn, fn_args)
        return base_t / max(_time(fn, fn_args), 1e-12), _diff(ref, got)

    if "fp-reduction" in kinds and not disp.targetoptions.get("fastmath"):
        row, reason = kinds["fp-reduction"]
        fast = _recompiled(disp, fastmath=True)
        speedup, diff = measured(fast)
        ok = fp_tolerance is not None and diff <= fp_tolerance
        s = _suggestion(disp, "fastmath", f"@njit(fastmath=True)\ndef {name}(...):",
                        f"line {row.line}: {reason.text}; measured max relative difference "
                        f"{diff:.3g}", speedup=speedup, applicable=ok,
                        reason=None if ok else (
                            f"reordering the sum changes its result by up to {diff:.3g} (relative): "
                            + ("state the tolerance you accept (fp_tolerance=...) to apply it"
                               if fp_tolerance is None else f"more than fp_tolerance={fp_tolerance:g}")),
                        reason_line=row.line)
        s.replacement, s.max_rel_diff = fast, diff
        out.append(s)
    if disp.targetoptions.get("boundscheck"):
        fast = _recompiled(disp, boundscheck=False)
        speedup, diff = measured(fast)
        s = _suggestion(disp, "boundscheck", f"@njit(boundscheck=False)\ndef {name}(...):",
                        "bounds checks on every index keep loops scalar (a branch that raises)",
                        speedup=speedup, applicable=diff == 0.0 and speedup > 1.0,
                        reason=None if diff == 0.0 and speedup > 1.0 else
                        "no faster on these arguments" if diff == 0.0 else "results differ")
        s.replacement, s.max_rel_diff = fast, diff
        out.append(s)
    if "stride" in kinds:
        row, reason = kinds["stride"]
        written = _written(disp)
        arr = reason.name
        if arr in params and arr not in written:
            k = params.index(arr)

            def contiguous(*a, _k=k):
                a = list(a)
                a[_k] = np.ascontiguousarray(a[_k])
                return disp(*a)
            speedup, diff = measured(contiguous)
            s = _suggestion(disp, "contiguous", f"{arr} = np.ascontiguousarray({arr})\n"
                            f"{name}({', '.join(params)})",
                            f"line {row.line}: {reason.text} (the copy is in the time measured)",
                            speedup=speedup, applicable=False,
                            reason=("changes the caller: apply by hand" if speedup > 1.0 else
                                    "slower on these arguments: the copy costs more than the "
                                    "strided loads (worth it when the contiguous copy is reused)"),
                            reason_line=row.line)
            s.max_rel_diff = diff
            out.append(s)
    f64 = [i for i, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype == np.float64
           and params[i] not in _written(disp)]
    if f64:
        lossy = max(_max_rel_diff(args[i], args[i].astype(np.float32)) for i in f64)
        allowed = lossy == 0.0 or (fp_tolerance is not None and lossy <= fp_tolerance)
        a32 = tuple(a.astype(np.float32) if i in f64 else a for i, a in enumerate(args))
        try:
            speedup, diff = measured(disp, a32)
        except Exception:           # noqa: BLE001 - not compilable as float32: no advice
            speedup = None
        if speedup is not None and speedup > 1.0:
            names = ", ".join(params[i] for i in f64)
            s = _suggestion(disp, "float32", "\n".join(f"{params[i]} = {params[i]}.astype(np.float32)"
                                                       for i in f64),
                            f"{names} as float32: twice the lanes per vector, half the bytes; "
                            f"the data changes by up to {lossy:.3g} (relative), the results by "
                            f"{diff:.3g}", speedup=speedup, applicable=False,
                            reason=("changes the caller: apply by hand" if allowed else
                                    f"the data is not exact in float32 (up to {lossy:.3g}): state "
                                    f"the tolerance you accept"))
            s.max_rel_diff = diff
            out.append(s)
    if "call" in kinds:
        row, reason = kinds["call"]
        src = _vec._Source(disp.py_func)
        found = src.loop_at(row.line)
        if found is not None:
            loop = found[2]
            assigned = {t.id for n in ast.walk(loop) if isinstance(n, (ast.Assign, ast.AugAssign, ast.For))
                        for t in ast.walk(n.target if not isinstance(n, ast.Assign) else n.targets[0])
                        if isinstance(t, ast.Name)}
            for call in _vec._calls(src, loop.lineno + 1, loop.end_lineno):
                used = {n.id for a in call.args for n in ast.walk(a) if isinstance(n, ast.Name)}
                if not used & assigned:
                    text = ast.unparse(call)
                    out.append(_suggestion(disp, "hoist", f"v = {text}   # before line {loop.lineno}\n"
                                           f"# ... and use v inside the loop",
                                           f"line {call.lineno}: `{text}` does not change in the loop "
                                           f"and keeps it scalar: compute it once before the loop",
                                           applicable=False, reason="changes the code: apply by hand",
                                           reason_line=call.lineno))
                    break
    return out


# ---- for the profiler: the hot jitted functions, on their recorded arguments ----

def advise_profile(profile, *, hot_share: float = 0.05,
                   fp_tolerance: float | None = None) -> list:
    """Loop suggestions for the jitted functions whose loops hold at least
    `hot_share` of `profile`'s samples, each measured on an argument tuple
    the profile recorded for the function's most common signature (the
    recorder must have run with jitted=True: ``Profile(args_options=
    {"jitted": True})``, as ``python -m jitprofile advise`` does).  A
    function with no recorded call gets no suggestion."""
    if profile.args is None:
        return []
    share: dict = {}
    for h in _vec.hot_loops(profile, min_share=hot_share):
        key = (h.file, h.function)
        share[key] = share.get(key, 0.0) + h.share
    if not share:
        return []
    from .argrecord import signatures_of
    out = []
    for d in _live_dispatchers(share):
        key = (d.py_func.__code__.co_filename, d.py_func.__qualname__)
        sigs = [s for s in signatures_of(profile.args.rec, d) if s.compilable]
        sample = next(((s, a) for s in sigs for a in s.samples
                       if a is not None and not any(x is None for x in a)), None)
        if sample is None:
            continue
        try:
            found = advise_loops(d, _as_called(*sample), fp_tolerance=fp_tolerance)
        except Exception:           # noqa: BLE001 - the program's own error on its data
            continue
        for s in found:
            s.share = share[key]
            s.signatures = [sigs[0].signature]
            s.sig_objects = sigs
        out.extend(found)
    out.sort(key=lambda s: -(s.share * (s.speedup or 0.0)))
    return out


def _as_called(sig, args: tuple) -> tuple:
    """A recorded argument tuple with the layout of the call: the recorder
    keeps contiguous copies, so an array the call passed strided (layout A
    in its signature) is made strided again, for the stride advice."""
    return tuple(_strided(a) if isinstance(a, np.ndarray) and a.ndim and a.flags.c_contiguous
                 and str(t).endswith(", A)") else a for a, t in zip(args, sig.types))


def _live_dispatchers(keys) -> list:
    """One dispatcher per (file, qualname) in keys: the one its module binds
    to the function's name (the one the program calls; after
    jitprofile.apply, the replacement), else the first found.  Copies such
    as the advice's own recompiled ones share the Python function."""
    found: dict = {}
    for d in _vec._dispatchers():
        code = getattr(getattr(d, "py_func", None), "__code__", None)
        if code is None:
            continue
        key = (code.co_filename, d.py_func.__qualname__)
        if key not in keys:
            continue
        bound = _vec._bound(d)
        if key not in found or (bound and not found[key][0]):
            found[key] = (bound, d)
    return [d for _bound, d in found.values()]
