"""The widget's data: a profile as compact interned tables (this module only
shapes data; kernel_ext/jitprofile/widget.py owns the widget).

    strings   every name, file, module and category once
    funcs     5 ints per function: name, file, module (string ids), line, category
    nodes     2 ints per call-tree node: parent node, function (node 0 is the root)
    weights   sampled weight per node (its self time, in sampling intervals)
    hot       [function, self, total, calls (-1: unknown, -(n + 1): at least n), threads] of the hottest functions
    timeline  {"bucket": seconds, "threads": [[name, pid, tid, [CPU fraction per bucket]]]}
    lanes     (a Dask cluster, jitprofile.dask: TableBuilder(data, lanes=...))
              {"names": [worker], "weights": [weights per node, per worker]};
              the timeline then has one row per worker (tid -1) and each hot
              row a sixth entry: its self weight per worker
    yourcode  the "your code" view (yourcode.py): {"nodes": [parent, code] per
              folded node (code < 0: library/native group -code - 1), "map":
              folded node per call-tree node, "groups": [[label, category]],
              "labels": {function index: "In[8], line 3"}}
    tasks     (a Dask cluster: TableBuilder(data, tasks=...), the task filter)
              {"names": [task key prefix], "weights": [weights per node, per
              prefix]} for the MAX_TASKS prefixes with the most weight

The tables only grow between updates (the C profile interns append-only), so
a live view resends strings, funcs and nodes only when they grew.
"""
from __future__ import annotations

import math

from .cells import shown_file

FINE_NS = 10_000_000            # timeline resolution kept: 10 ms
MAX_BUCKETS = 160               # timeline buckets shown
HOT_ROWS = 40
MAX_TASKS = 12                  # task key prefixes offered by the task filter


class TableBuilder:
    """Follows one ProfileData (samples read incrementally) and gives the
    widget's trait values."""

    def __init__(self, data, show_internal: bool = False,
                 lanes: dict | None = None, tasks=None):
        # without show_internal: a mirror of data less the profiler's own
        # threads and frames (_internal.py); function and node indices are
        # the same as data's
        self._mirror = None
        if not show_internal:
            from ._internal import Mirror
            self._mirror = Mirror(data)
            data = self._mirror.data
        self.data = data
        self.lanes = lanes              # thread index -> lane (worker) name, or None
        self.tasks = tasks              # (pid, tid, ts) -> task key prefix or None, or None
        self._strings: list[str] = []
        self._sid: dict[str, int] = {}
        self._funcs: list[int] = []
        self._nfuncs = 0
        self._weights: list[int] = []
        self._nsamples = 0
        self._fine: dict[int, dict[int, int]] = {}    # thread index -> 10 ms bucket -> weight
        self._t0: int | None = None
        self._t1 = 0
        self.calls: dict[int, int] = {}               # function index -> calls, when known

    def _s(self, text: str) -> int:
        i = self._sid.get(text)
        if i is None:
            i = self._sid[text] = len(self._strings)
            self._strings.append(text)
        return i

    def tables(self) -> dict:
        if self._mirror is not None:
            self._mirror.sync()
        d = self.data
        funcs = d.functions()
        for name, file, module, line, cat in funcs[self._nfuncs:]:
            self._funcs += [self._s(name), self._s(shown_file(file)), self._s(module), int(line),
                            self._s(cat)]
        self._nfuncs = len(funcs)
        frames = d.frames()
        nodes = d.nodes()
        flat = [0, 0]
        for parent, frame in nodes[1:]:
            flat += [parent, frames[frame][0]]
        w = self._weights
        if len(w) < len(nodes):
            w.extend([0] * (len(nodes) - len(w)))
        new = d.samples(self._nsamples)
        self._nsamples += len(new)
        fine = self._fine
        for thread, node, ts, weight in new:
            w[node] += weight
            if self._t0 is None or ts < self._t0:
                self._t0 = ts
            self._t1 = max(self._t1, ts)
            b = fine.setdefault(thread, {})
            k = ts // FINE_NS
            b[k] = b.get(k, 0) + weight
        total, rows = d.stats()
        hot = [[f, s, t, self.calls.get(f, -1), n] for f, s, t, n in rows[:HOT_ROWS]]
        out = {"strings": list(self._strings), "funcs": list(self._funcs), "nodes": flat,
               "weights": list(w), "hot": hot, "total": int(total),
               "interval": float(d.interval), "timeline": self._timeline()}
        out["yourcode"] = self._yourcode_tables(funcs, frames, nodes)
        if self.lanes is not None:
            out["lanes"] = self._lane_tables(flat, hot)
        if self.tasks is not None:
            out["tasks"] = self._task_tables(len(flat) // 2)
        return out

    def _yourcode_tables(self, funcs=None, frames=None, nodes=None) -> dict:
        """The your-code view's folded tree (yourcode.Folder.tables) and the
        cell labels of the user's functions ("In[8], line 3")."""
        from .cells import where
        from .yourcode import Folder
        folder = getattr(self, "_folder", None)
        if folder is None or folder.data is not self.data:
            folder = self._folder = Folder(self.data)
            self._labels, self._nlabelled = {}, 1
        folder.sync(funcs, frames, nodes)
        funcs = self.data.functions() if funcs is None else funcs
        for _parent, code in folder.nodes[self._nlabelled:]:
            if code >= 0 and str(code) not in self._labels:
                self._labels[str(code)] = where(funcs[code][1], funcs[code][3], short=True)
        self._nlabelled = len(folder.nodes)
        return dict(folder.tables(), labels=dict(self._labels))

    def _task_tables(self, nn: int) -> dict:
        threads = self.data.threads()
        per: dict[str, dict[int, int]] = {}
        for thread, node, ts, weight in self.data.samples():
            pid, tid = threads[thread][0], threads[thread][1]
            key = self.tasks(pid, tid, ts)
            if key is not None and node < nn:
                w = per.setdefault(key, {})
                w[node] = w.get(node, 0) + weight
        names = sorted(per, key=lambda k: -sum(per[k].values()))[:MAX_TASKS]
        weights = []
        for k in names:
            row = [0] * nn
            for node, weight in per[k].items():
                row[node] = weight
            weights.append(row)
        return {"names": names, "weights": weights}

    def _lane_tables(self, flat: list, hot: list) -> dict:
        names = sorted(set(self.lanes.values()), key=str)
        li = {n: i for i, n in enumerate(names)}
        nn = len(flat) // 2
        lw = [[0] * nn for _ in names]
        for thread, node, _ts, weight in self.data.samples():
            lane = self.lanes.get(thread)
            if lane is not None and node < nn:
                lw[li[lane]][node] += weight
        for row in hot:
            f = row[0]
            row.append([sum(ws[n] for n in range(1, nn) if flat[2 * n + 1] == f) for ws in lw])
        return {"names": [str(n) for n in names], "weights": lw}

    def _timeline(self) -> dict:
        if self._t0 is None:
            return {"bucket": 0.05, "threads": []}
        k0 = self._t0 // FINE_NS
        span = self._t1 // FINE_NS - k0 + 1
        per = max(1, math.ceil(span / MAX_BUCKETS))       # fine buckets per shown bucket
        nb = math.ceil(span / per)
        bucket_s = per * FINE_NS / 1e9
        iv = self.data.interval
        threads = self.data.threads()
        out = []
        rows: dict = {}
        for ti, b in sorted(self._fine.items()):
            pid, tid, name, _n = threads[ti]
            if self.lanes is not None:          # one lane per worker
                name = str(self.lanes.get(ti, name))
                tid = -1
            key = ti if self.lanes is None else name
            row = rows.get(key)
            if row is None:
                row = rows[key] = [name, pid, tid, [0.0] * nb]
                out.append(row)
            vals = row[3]
            for k, weight in b.items():
                vals[(k - k0) // per] += weight * iv / bucket_s
        for row in out:
            row[3] = [round(v, 3) for v in row[3]]
        if self.lanes is not None:
            out.sort(key=lambda r: r[0])
        return {"bucket": bucket_s, "threads": out}


def function_index(data) -> dict:
    """(name, file, line) -> function index, for the profile's functions."""
    return {(f[0], f[1], f[3]): i for i, f in enumerate(data.functions())}


def signature_rows(profile, builder: TableBuilder, limit: int = 12) -> dict:
    """{function index (str): [[signature, calls, share, shapes text]]} for the
    functions whose arguments were recorded; fills builder.calls."""
    if hasattr(profile, "signature_rows"):     # a cluster: the workers' records
        return profile.signature_rows(builder)
    args = getattr(profile, "args", None)
    if args is None:
        return {}
    index = function_index(profile.data)
    out = {}
    for code, *_rest in args.rec.functions():
        fi = index.get((code.co_qualname, code.co_filename, code.co_firstlineno))
        if fi is None:
            continue
        n, mark = args.count(code) if hasattr(args, "count") else (args.calls(code), "")
        # too few seen for an estimate: the calls seen, as a lower bound -(n + 1)
        builder.calls[fi] = -(n + 1) if mark == "\u2265" else n
        rows = []
        for s in args.signatures(code)[:limit]:
            shapes = ", ".join(_shape_text(h) for h in s.shapes)
            rows.append([s.signature, s.calls, round(s.share, 4), shapes])
        if rows:
            out[str(fi)] = rows
    return out


def _shape_text(hist) -> str:
    if not hist:
        return "-"
    parts = []
    for shape, n in hist[:3]:
        parts.append(("x".join(str(x) for x in shape) if isinstance(shape, (tuple, list))
                      else str(shape)) + f" ({n})")
    return " / ".join(parts)


def recommendation_rows(suggestions) -> list[dict]:
    """The widget's recommendation rows (Suggestion.to_dict plus index and state)."""
    from .actions import message_kind
    out = []
    for i, s in enumerate(suggestions):
        d = s.to_dict()
        d["index"] = i
        d["applied"] = bool(s.applied)
        d["message"] = getattr(s, "message", "")
        d["message_kind"] = message_kind(d["message"])     # failure / success / note
        out.append(d)
    return out


SOURCE_FUNCS = 30               # functions whose source pane is sent
SOURCE_CALLEES = 4              # native callees shown under a line


def source_panes(data, names=(), limit: int = SOURCE_FUNCS) -> dict:
    """The source pane's data: {function index (str): {"first": def line,
    "src": [[line, text]], "rows": [[line, self, total, jit, python, native,
    [[callee, module, weight]]]]}} (weights in sampling intervals) for the
    Python and JIT functions with the most line self time, and for the
    functions named in `names` (the recommendations')."""
    from .lines import compute_lines, function_source
    funcs = data.functions()
    index: dict[tuple[str, str], int] = {}
    for i, f in enumerate(funcs):
        index.setdefault((f[0], f[1]), i)
    iv = data.interval or 1.0
    per: dict[int, list] = {}
    for r in compute_lines(data):
        fi = index.get((r.function, r.file))
        if fi is not None:
            per.setdefault(fi, []).append(r)
    ranked = sorted(per, key=lambda fi: -sum(r.self_samples for r in per[fi]))
    wanted = set(ranked[:limit])
    wanted |= {fi for fi in per if funcs[fi][0] in names
               or funcs[fi][0].split(" [jit")[0] in names}
    out = {}
    for fi in wanted:
        rows = per[fi]
        name, file, _module, first, _cat = funcs[fi]
        out[str(fi)] = {
            "first": int(first),
            "loops": {},            # issue 20: the jitted loops' states, by header line
            "src": [[n, text] for n, text in function_source(file, first, rows)],
            "rows": [[r.line, r.self_samples, r.total_samples, round(r.jit_s / iv),
                      round(r.python_s / iv), round(r.native_s / iv),
                      [[c.name, c.module, c.samples] for c in r.native[:SOURCE_CALLEES]]]
                     for r in sorted(rows, key=lambda r: r.line)],
        }
    jit_files = {funcs[int(k)][1] for k in out if funcs[int(k)][4] == "jit"}
    if jit_files:
        from .vectorization import notes_by_file
        notes = notes_by_file(jit_files)
        for k, pane in out.items():
            by_line = notes.get(funcs[int(k)][1], {}) if funcs[int(k)][4] == "jit" else {}
            pane["loops"] = {str(n): by_line[n] for n, _text in pane["src"] if n in by_line}
            if pane["loops"]:
                # the hotspots table's note for the function: its hottest loop's state
                from .vectorization import hottest_loop
                hot = hottest_loop(funcs[int(k)][1], {int(n): st for n, st in pane["loops"].items()},
                                   {r[0]: r[2] for r in pane["rows"]})
                if hot is not None:
                    pane["hot_loop"] = [hot[0], hot[1]]
    return out


def memory_table(profile, builder: TableBuilder, rows: int = 8) -> dict:
    """The widget's memory view, on the CPU timeline's buckets (builder's
    clock and span): {"bucket": seconds, "live": [bytes live at each
    bucket's end], "alloc": [bytes allocated in each bucket], "peak": bytes,
    "total": bytes, "rows": [[function, file, line, bytes, peak, count]]}.
    Empty lists without memory samples (Profile(memory=False))."""
    from .memory import memory_rows
    events = sorted(getattr(profile, "memory_events", ()), key=lambda e: (e[1], e[0]))
    out = {"bucket": 0.05, "live": [], "alloc": [], "peak": 0.0, "total": 0.0, "rows": []}
    if not events:
        return out
    t0 = builder._t0 if builder._t0 is not None else events[0][1]
    k0 = t0 // FINE_NS
    t1 = max(builder._t1, events[-1][1])
    span = t1 // FINE_NS - k0 + 1
    per = max(1, math.ceil(span / MAX_BUCKETS))
    nb = math.ceil(span / per)
    live_at = [None] * nb
    alloc = [0.0] * nb
    owner: dict[int, float] = {}
    live = peak = total = 0.0
    for kind, ts, _thread, _node, ident, nbytes, _count, _size in events:
        i = min(nb - 1, max(0, (ts // FINE_NS - k0) // per))
        if kind == 1:
            live += nbytes
            total += nbytes
            alloc[i] += nbytes
            owner[ident] = nbytes
        else:
            live -= owner.pop(ident, 0.0)
        peak = max(peak, live)
        live_at[i] = max(live, 0.0)
    last = 0.0
    for i, v in enumerate(live_at):      # a bucket without events keeps the level
        last = v if v is not None else last
        live_at[i] = round(last)
    out.update(bucket=per * FINE_NS / 1e9, live=live_at, alloc=[round(a) for a in alloc],
               peak=round(peak), total=round(total),
               rows=[[r.function, r.file, r.line, round(r.bytes), round(r.peak_bytes),
                      round(r.count)] for r in memory_rows(profile, rows)])
    return out
