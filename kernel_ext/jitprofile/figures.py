"""kernel_ext/jitprofile/figures.py - the figures a profile's views show
besides its tables, made once when the profile ends and kept with it, so
that the widget, a re-render, Profile.to_html() and Profile.to_dict() show
the same value:

    samples         sampled intervals of the profile's own threads
    sampled_s       their seconds (CPU or wall, as sampled)
    cell_s          the %%jitprofile cell's wall time (None outside a cell)
    advisor_s       seconds the advisor spent measuring after the cell
    calls           [[qualname, file, first line, calls]] of the functions
                    whose calls were recorded, frozen at the end; estimates
                    (sampled argument recording) when calls_estimated; a
                    fifth item "\u2265" marks a lower bound (the calls seen:
                    too few to estimate from, argrecord.MIN_SEEN)
    too_short       "" or why the profile is too short to be trusted: fewer
                    than MIN_SAMPLES samples or less than MIN_SAMPLED_S
                    seconds sampled (then no recommendation is made)
    projection      the cell-level effect of the measured speedups (Amdahl,
                    from the profile's own shares): per recommendation and
                    for applying all of them
    workers         a Dask cluster's profile (%%jitprofile --dask): how many
                    workers were sampled (their seconds add up, so sampled_s
                    can exceed the cell's wall time)

The same figures for every front: a %%jitprofile cell (magics.py), a
%%jitprofile --dask cell (dask.profile, with the workers' recorded calls)
and a %jitprofile_attach'ed stream once it ends (attach.py).

The thresholds: with n samples, a function's measured share p has a
standard error of sqrt(p(1-p)/n); at n = 50 that is up to 7 percentage
points, the coarsest that still separates a 72% function from a 28% one.
Below 100 ms of samples the profile is dominated by start-up effects (the
argument recorder's first look comes after 50 ms).
"""
from __future__ import annotations

MIN_SAMPLES = 50
MIN_SAMPLED_S = 0.1


def sample_count(profile) -> int:
    """The sampled intervals of the profile's own threads (the profiler's
    threads left out, like every view)."""
    return int(sum(t[3] for t in profile.view().threads()))


def too_short(profile) -> str:
    """"" or the reason the profile is too short to profile reliably."""
    n = sample_count(profile)
    secs = n * profile.view().interval
    if n >= MIN_SAMPLES and secs >= MIN_SAMPLED_S:
        return ""
    return (f"too short to profile reliably: {n:,} sample{'s' if n != 1 else ''} "
            f"({fmt_s(secs)} sampled; at least {MIN_SAMPLES} samples and "
            f"{fmt_s(MIN_SAMPLED_S)} are needed): no recommendation. Run the work longer "
            "or in a loop, or raise the rate (%%jitprofile -r 5000)")


def frozen_calls(profile) -> list:
    """[[qualname, file, first line, calls]] of the recorded functions (the
    argument recorder's counts, frozen at the end of the profile)."""
    args = getattr(profile, "args", None)
    if args is None:
        kept = getattr(profile, "numbers", None)
        return [list(r) for r in (kept or {}).get("calls", [])]
    out = []
    for code, *_rest in args.rec.functions():
        n, mark = args.count(code) if hasattr(args, "count") else (args.calls(code), None)
        if n:
            row = [code.co_qualname, code.co_filename, code.co_firstlineno, int(n)]
            if mark == "\u2265":       # a lower bound, not an estimate
                row.append(mark)
            out.append(row)
    return out


def calls_estimated(profile) -> bool:
    args = getattr(profile, "args", None)
    if args is None:
        return bool((getattr(profile, "numbers", None) or {}).get("calls_estimated", False))
    return bool(getattr(args, "estimated", args.mode == "sampled"))


def summary(profile, cell_s: float | None = None, advisor_s: float | None = None,
            calls: list | None = None, estimated: bool | None = None,
            workers: int | None = None) -> dict:
    """The figures of a stopped profile (see the module's doc).  calls and
    estimated: the recorded calls when they were counted elsewhere than in
    the profile (a Dask cluster's workers); workers: a cluster's size."""
    kept = getattr(profile, "numbers", None)
    if kept and cell_s is None and advisor_s is None and calls is None and workers is None:
        return kept                 # made once: every later view reads the same
    n = sample_count(profile)
    out = {"samples": n, "sampled_s": round(n * profile.view().interval, 6),
           "cell_s": None if cell_s is None else round(cell_s, 6),
           "advisor_s": None if advisor_s is None else round(advisor_s, 6),
           "calls": frozen_calls(profile) if calls is None else calls,
           "calls_estimated": calls_estimated(profile) if estimated is None else estimated,
           "too_short": too_short(profile), "projection": {}}
    if workers:
        out["workers"] = int(workers)
    out["status"] = status_line(out)
    return out


def fmt_s(s: float) -> str:
    if s >= 10:
        return f"{s:.1f} s"
    if s >= 0.1:
        return f"{s:.2f} s"
    return f"{s * 1e3:.0f} ms"


def fmt_calls(n: int, estimated: bool, mark: str = "") -> str:
    """A call count: exact as is, an estimate rounded and marked "~", a
    lower bound (mark "\u2265") as "\u2265n"."""
    if n < 0:
        return ""
    if mark == "\u2265":
        return f"\u2265{n:,}"
    if not estimated:
        return f"{n:,}"
    if n >= 1_000_000:
        return f"~{n / 1e6:.1f}M"
    if n >= 10_000:
        return f"~{n / 1e3:.0f}k"
    if n >= 1000:
        return f"~{n / 1e3:.1f}k"
    return f"~{n}"


def status_line(nums: dict) -> str:
    """"cell 2.93 s · sampled 2.90 s (2,900 samples) · advisor measured
    0.90 s after the cell"."""
    parts = []
    if nums.get("cell_s") is not None:
        parts.append(f"cell {fmt_s(nums['cell_s'])}")
    sampled = f"sampled {fmt_s(nums['sampled_s'])} ({nums['samples']:,} samples)"
    if nums.get("workers"):             # a cluster: the workers' seconds add up
        n = nums["workers"]
        sampled += f" on {n} worker{'s' if n != 1 else ''}"
    parts.append(sampled)
    if nums.get("advisor_s"):
        parts.append(f"advisor measured {fmt_s(nums['advisor_s'])} after the cell")
    return " \u00b7 ".join(parts)


def projection(suggestions, total_s: float, profile=None) -> dict:
    """The cell-level effect of the measured speedups, from the profile's
    own samples (Amdahl: a function made s times faster leaves 1/s of the
    time spent under it): {"per": {index: text}, "all": text, "all_s":
    seconds}.  With the profile, each sample's time is divided by the
    speedup of the outermost recommended function on its stack (a callee
    compiled with its caller counts once); without it, the shares are
    taken as disjoint.  "all" names the hottest recommended function left
    as it is and the time it keeps."""
    out: dict = {"per": {}, "all": "", "all_s": None}
    if not total_s or total_s <= 0:
        return out
    chosen = {}
    for i, s in enumerate(suggestions):
        sp = getattr(s, "speedup", None)
        if not sp or sp <= 0 or s.kind != "jit" or not s.applicable:
            continue
        new = total_s * (1 - s.share + s.share / sp)
        out["per"][str(i)] = (f"cell {fmt_s(total_s)} \u2192 ~{fmt_s(new)} "
                              f"({s.function} {100 * s.share:.0f}% of it, {sp:.1f}x faster)")
        chosen.setdefault(s.function, sp)
    if not chosen:
        return out
    others = {s.function for s in suggestions if s.function not in chosen
              and s.kind in ("jit", "vectorize", "batch")}
    stacks = _stacks(profile) if profile is not None else None
    if stacks:
        total_w = sum(w for _names, w in stacks) or 1
        after = 0.0
        kept = dict.fromkeys(others, 0.0)          # untouched time under each other function
        for names, w in stacks:
            factor = next((1.0 / chosen[n] for n in names if n in chosen), 1.0)
            after += w * factor
            if factor == 1.0:
                for n in others.intersection(names):
                    kept[n] += w
        frac = after / total_w
        kept = {n: k / total_w for n, k in kept.items()}
    else:
        inside = {name for s in suggestions if s.function in chosen
                  for name in getattr(s, "callees", {})}
        saved, seen = 0.0, set()
        for s in suggestions:
            if s.function in chosen and s.function not in inside and s.function not in seen:
                seen.add(s.function)
                saved += s.share * (1 - 1 / chosen[s.function])
        frac = 1 - min(saved, 0.999)
        kept = {s.function: s.share for s in suggestions if s.function in others}
    new_total = total_s * frac
    text = f"applying all: {fmt_s(total_s)} \u2192 ~{fmt_s(new_total)}"
    kept = {n: k for n, k in kept.items() if k > 0}
    if kept:
        top = max(kept, key=kept.get)
        left = kept[top] * total_s
        text += (f"; {top} unchanged: {fmt_s(left)}, {100 * min(left / new_total, 1):.0f}% "
                 f"of what is left ({100 * kept[top]:.0f}% before)")
    out["all"] = text
    out["all_s"] = round(new_total, 6)
    return out


def _stacks(profile) -> list:
    """[(function names on the stack, weight)] per sampled call-tree node."""
    try:
        view = profile.view()
        funcs, frames, nodes = view.functions(), view.frames(), view.nodes()
        weight: dict = {}
        for _thread, node, _ts, w in view.samples():
            weight[node] = weight.get(node, 0) + w
    except Exception:           # noqa: BLE001 - a profile kind without a call tree
        return []
    out = []
    for node, w in weight.items():
        stack = []
        n = node
        while n > 0:                    # root first once reversed
            parent, frame = nodes[n]
            stack.append(funcs[frames[frame][0]][0])
            n = parent
        out.append((tuple(reversed(stack)), w))
    return out


def finish(profile, suggestions, cell_s: float | None = None,
           advisor_s: float | None = None, **counted) -> dict:
    """The figures of a finished %%jitprofile cell, kept on the profile
    (profile.numbers) for every later view and export (counted: summary's
    calls, estimated, workers)."""
    nums = summary(profile, cell_s, advisor_s, **counted)
    base = cell_s if cell_s else nums["sampled_s"]
    nums["projection"] = projection(suggestions, base, profile)
    profile.numbers = nums
    return nums


def text(nums: dict) -> str:
    """The text report's lines of the figures (after Profile.text())."""
    lines = [status_line(nums)]
    if nums.get("too_short"):
        lines.append(nums["too_short"])
    if nums.get("calls_estimated") and nums.get("calls"):
        lines.append("calls marked ~ are estimates (sampled argument recording; "
                     "%%jitprofile --exact counts every call)")
        for row in nums["calls"]:
            if len(row) > 4 and row[4] == "\u2265":
                lines.append(f"{row[0]}: {fmt_calls(row[3], True, row[4])} calls (too few "
                             "seen in the recording windows to estimate; --exact counts them)")
    proj = nums.get("projection") or {}
    if proj.get("all"):
        lines.append(proj["all"] + " (from the profile's shares)")
    return "\n".join(lines) + "\n"
