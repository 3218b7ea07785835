"""Memory rows of a Profile: what the allocation samples (sampler/memory.c)
say per function and line, and over time.

The C side records, for each sampled allocation, the profile stack that made
it and the bytes and allocations it stands for (Poisson sampling by bytes:
an allocation of s bytes sampled with probability p = 1 - exp(-s/interval)
stands for s/p bytes and 1/p allocations), and the free of each sampled
block.  Here those events are replayed in time order: bytes allocated,
allocation count, live bytes and their peak, per line.

A line is the innermost frame of the allocating stack that is the user's
code: Python or jitted code outside the standard library, site-packages and
jitprofile itself (``np.ones`` is Python code in NumPy; its allocation
belongs to the line that called it).  With no such frame, the innermost
Python/JIT frame; with none (a thread without Python frames running code
the JIT registry does not name), the innermost native frame that is not the
hooks' own.
"""
from __future__ import annotations

import os
import sysconfig
from typing import NamedTuple

__all__ = ["MemoryStat", "memory_rows", "memory_timeline", "memory_text"]

ALLOC, FREE = 1, 2


class MemoryStat(NamedTuple):
    """One row of Profile.memory(): a line and the memory it allocated."""
    function: str
    file: str
    line: int
    category: str        # python / jit (native when no Python/JIT frame allocated)
    bytes: float         # bytes allocated (estimated from the samples)
    peak_bytes: float    # the most bytes from this line live at once
    live_bytes: float    # bytes from this line still live at the end
    count: float         # allocations (estimated)
    samples: int         # allocation samples taken on this line


def _library_prefixes() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    out = {os.path.dirname(os.path.abspath(__file__)) + os.sep}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = paths.get(key)
        if p:
            out.add(os.path.abspath(p) + os.sep)
    return tuple(sorted(out))


_LIB = _library_prefixes()


# the allocation hooks' own native frames: never the allocating site
_HOOK_FRAMES = ("capture_native", "jp_mem_sampled", "nrt_alloc_hook", "jp_nrt_alloc",
                "new_block", "w_malloc", "w_calloc", "w_realloc")


def _is_hook(name: str) -> bool:
    return name.startswith(_HOOK_FRAMES)


def _is_library(file: str) -> bool:
    return (file.startswith("<frozen") or "/site-packages/" in file
            or "/dist-packages/" in file or file.startswith(_LIB))


def _sites(data, events) -> dict[int, int]:
    """node -> frame id of the line its allocation belongs to."""
    funcs = data.functions()
    frames = data.frames()
    nodes = data.nodes()
    out: dict[int, int] = {}
    for ev in events:
        if ev[0] != ALLOC or ev[3] in out:
            continue
        node = ev[3]
        first_code = first_any = None
        site = None
        n = node
        while n > 0:
            frame = nodes[n][1]
            name, file, _mod, _fl, cat = funcs[frames[frame][0]]
            if first_any is None and not _is_hook(name):
                first_any = frame
            if cat in ("python", "jit"):
                if first_code is None:
                    first_code = frame
                if not _is_library(file):
                    site = frame
                    break
            n = nodes[n][0]
        chosen = site if site is not None else first_code if first_code is not None else first_any
        out[node] = -1 if chosen is None else chosen
    return out


def memory_rows(prof, n: int | None = None) -> list[MemoryStat]:
    """Per line, the most bytes allocated first."""
    events = prof.memory_events
    if not events:
        return []
    data = prof.data
    sites = _sites(data, events)
    funcs = data.functions()
    frames = data.frames()
    acc: dict[int, list] = {}          # frame -> [bytes, count, live, peak, samples]
    owner: dict[int, tuple[int, float]] = {}    # sample id -> (frame, bytes)
    for ev in sorted(events, key=lambda e: (e[1], e[0])):
        kind, _ts, _thread, node, ident, nbytes, count, _size = ev
        if kind == ALLOC:
            site = sites.get(node, -1)
            a = acc.setdefault(site, [0.0, 0.0, 0.0, 0.0, 0])
            a[0] += nbytes
            a[1] += count
            a[2] += nbytes
            a[4] += 1
            if a[2] > a[3]:
                a[3] = a[2]
            owner[ident] = (site, nbytes)
        else:
            got = owner.pop(ident, None)
            if got is not None:
                acc[got[0]][2] -= got[1]
    rows = []
    for site, (nbytes, count, live, peak, samples) in acc.items():
        if site < 0:
            name, file, line, cat = "[unknown]", "", 0, "native"
        else:
            func, line = frames[site]
            name, file, _mod, _fl, cat = funcs[func]
        rows.append(MemoryStat(name, file, line, cat, nbytes, peak, max(live, 0.0),
                               count, samples))
    rows.sort(key=lambda r: (-r.bytes, r.file, r.line))
    return rows if n is None else rows[:n]


def memory_timeline(prof, bucket_ms: float = 10.0, t0: int | None = None
                    ) -> list[tuple[float, float, float]]:
    """[(seconds since t0, live bytes at the bucket's end, bytes allocated so
    far)], one row per bucket that saw an event; t0 defaults to the first
    CPU sample (the CPU timeline's origin), else the first event."""
    events = sorted(prof.memory_events, key=lambda e: (e[1], e[0]))
    if not events:
        return []
    if t0 is None:
        samples = prof.data.samples()
        t0 = min(s[2] for s in samples) if samples else events[0][1]
    width = max(1, int(bucket_ms * 1e6))
    owner: dict[int, float] = {}
    live = total = 0.0
    out: list[tuple[float, float, float]] = []
    for kind, ts, _thread, _node, ident, nbytes, _count, _size in events:
        if kind == ALLOC:
            live += nbytes
            total += nbytes
            owner[ident] = nbytes
        else:
            live -= owner.pop(ident, 0.0)
        k = max(0, ts - t0) // width
        row = (k * width / 1e9, max(live, 0.0), total)
        if out and out[-1][0] == row[0]:
            out[-1] = row
        else:
            out.append(row)
    return out


def peak_live(prof) -> float:
    """The most sampled bytes live at once over the whole session."""
    return max((live for _t, live, _tot in memory_timeline(prof, 0.000001)), default=0.0)


def _mb(x: float) -> str:
    return f"{x / 1e6:10.1f}"


def memory_text(prof, n: int = 15) -> list[str]:
    """The report's memory section (empty without memory samples)."""
    if not prof.memory_events and not prof.memory_interval:
        return []
    rows = memory_rows(prof)
    total = sum(r.bytes for r in rows)
    lines = ["", f"Memory: {total / 1e6:.1f} MB allocated by compiled code and NumPy arrays, "
             f"peak {peak_live(prof) / 1e6:.1f} MB live (sampled every "
             f"{int(prof.memory_interval or 0) // 1024} KiB on average)"]
    if not rows:
        return lines
    lines.append(f"{'Function':<32} {'File:line':<36} {'Alloc MB':>10} {'Peak MB':>10} "
                 f"{'Count':>9} {'Cat':<6}")
    for r in rows[:n]:
        name = r.function if len(r.function) <= 32 else r.function[:29] + "..."
        where = f"{os.path.basename(r.file)}:{r.line}"
        where = where if len(where) <= 36 else "..." + where[-33:]
        lines.append(f"{name:<32} {where:<36} {_mb(r.bytes)} {_mb(r.peak_bytes)} "
                     f"{r.count:9.0f} {r.category:<6}")
    return lines
