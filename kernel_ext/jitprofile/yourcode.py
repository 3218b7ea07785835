"""The "your code" view of a profile (issue 19): the user's own frames, with
library, interpreter and native time folded into the calling user frame and
labelled by where it went ("numpy (C)", "libm", "import numpy.random").

One place for the widget (widget_data ships `Folder`'s tables to widget.js),
the static HTML export (the same tables) and the text report
(Profile.text(), `python -m jitprofile record` without --all).

Frames are classified once per function (`classify`):

    USER      the user's cells and files; JIT frames of the user's jitted functions
    LIBRARY   Python code of site-packages, the standard library, jitprofile itself
    IMPORT    the import machinery (<frozen importlib._bootstrap...>)
    NATIVE    C/C++ code of an extension or a system library
    INTERP    the interpreter itself (libpython, the python binary): a user
              frame's interpretation cost, its own self time

Folding a stack (root first): frames before the first user frame (IPython,
ipykernel, tornado, asyncio, runpy, the magic's own frames) are dropped; each
user frame is kept; the non-user frames after a user frame become one node
under it, named by the leaf-most library or native frame of that run (the
time went there), or by the import it runs ("import numpy.random"); a run of
interpreter frames only is the user frame's own time.  A stack with no user
frame at all becomes one node under the root.  Weights are never dropped: the
folded tree's total equals the full tree's.
"""
from __future__ import annotations

import os
import re
import sys
import sysconfig
from typing import NamedTuple

USER, LIBRARY, IMPORT, NATIVE, INTERP = range(5)

_PKG = os.path.dirname(os.path.abspath(__file__))


def _stdlib_dirs() -> tuple[str, ...]:
    out = set()
    for key in ("stdlib", "platstdlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            out.add(os.path.realpath(p) + os.sep)
            out.add(os.path.abspath(p) + os.sep)
    for prefix in {sys.base_prefix, sys.prefix}:
        p = os.path.join(prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}")
        out.add(p + os.sep)
    return tuple(sorted(out))


_STDLIB = _stdlib_dirs()
# another interpreter's standard library (a profile streamed from elsewhere)
_STDLIB_ANY = re.compile(r"[/\\]lib[/\\]python3\.\d+[/\\]")
_SITE_MARKERS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)


def _site_package(file: str) -> str | None:
    """The top-level directory (package) of a file under site-packages."""
    for m in _SITE_MARKERS:
        i = file.rfind(m)
        if i >= 0:
            top = file[i + len(m):].split(os.sep, 1)[0]
            for suffix in (".libs", ".py"):
                if top.endswith(suffix):
                    top = top[: -len(suffix)]
            return top.split(".", 1)[0].split("-", 1)[0] or "site-packages"
    return None


def _top_module(module: str, file: str) -> str:
    if module and module != "__main__":
        return module.split(".", 1)[0]
    return os.path.splitext(os.path.basename(file))[0] or "python"


def classify(name: str, file: str, module: str, category: str) -> tuple[int, str]:
    """(kind, label) of one function of the profile (see the module doc)."""
    file = file or ""
    if category == "jit":
        if file.startswith(_PKG + os.sep):
            return LIBRARY, "jitprofile (jit)"        # the JIT's own library code
        pkg = _site_package(file)
        if pkg is not None:
            return LIBRARY, f"{pkg} (jit)"
        return USER, ""
    if category == "python":
        if file == "<string>" and name == "<module>":
            return INTERP, "python"     # `python -c`: a multiprocessing/Dask worker's entry
        if file.startswith("<frozen importlib"):
            return IMPORT, "import"
        if file.startswith("<frozen "):
            return LIBRARY, file[len("<frozen "):].rstrip(">").split(".", 1)[0]
        if file.startswith(_PKG + os.sep):
            return LIBRARY, "jitprofile"
        pkg = _site_package(file)
        if pkg is not None:
            return LIBRARY, _top_module(module, file) if module else pkg
        if file.startswith(_STDLIB) or _STDLIB_ANY.search(file):
            return LIBRARY, _top_module(module, file)
        return USER, ""
    # native code (and anything else: gpu, unknown)
    if category == "gpu":
        return NATIVE, "GPU"
    base = os.path.basename(file or module or "")
    if not base:
        return NATIVE, "native"
    if base.startswith("libpython") or (base.startswith("python") and ".so" not in base):
        return INTERP, "python (C)"
    if file.startswith(_PKG + os.sep):
        return LIBRARY, "jitprofile (C)"
    pkg = _site_package(file)
    if pkg is not None:
        return NATIVE, f"{pkg} (C)"
    if os.sep + "lib-dynload" + os.sep in file:
        return NATIVE, base.split(".", 1)[0].lstrip("_") + " (C)"
    return NATIVE, base.split(".so", 1)[0]


def short_name(name: str) -> str:
    """A C++ signature without its argument list (and return type):
    ``promote_and_get_info_and_ufuncimpl(_tagPyUFuncObject*, ...)`` ->
    ``promote_and_get_info_and_ufuncimpl``; other names unchanged."""
    if "(" not in name or name.startswith(("<", "[")) or name.endswith(">"):
        return name
    depth = 0
    for i, c in enumerate(name):            # the first '(' outside template brackets
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth == 0 and i > 0:
            head = name[:i]
            if not head.rstrip().endswith("operator"):
                d, cut = 0, 0
                for j, ch in enumerate(head):   # a return type before the name
                    d += (ch == "<") - (ch == ">")
                    if ch == " " and d == 0:
                        cut = j + 1
                head = head[cut:]
            return head or name
    return name


class Folder:
    """The your-code tree of one ProfileData, brought up to date
    incrementally (the C tables only grow).

    nodes   [(parent, code)] per folded node (0 is the root); code >= 0 is a
            function index of the data, code < 0 the group -code - 1
    groups  [(label, category)] of the folded library/native nodes
    map     the folded node of each node of the data's call tree
    rec     per folded node: its function is also on an ancestor (recursion)
    """

    def __init__(self, data):
        self.data = data
        self.nodes: list[tuple[int, int]] = [(-1, 0)]
        self.groups: list[tuple[str, str]] = []
        self.map: list[int] = [0]
        self.rec: list[bool] = [False]
        self._flat: list[int] = [0, 0]
        # per node of the data: the folded node of its nearest user frame (0:
        # none), the group of its run's leaf-most library/native frame and of
        # the import it runs (0: none)
        self._anchor: list[int] = [0]
        self._tail: list[int] = [0]
        self._imp: list[int] = [0]
        self._gid: dict[tuple[str, str], int] = {}
        self._nid: dict[tuple[int, int], int] = {}
        self._fkind: list[tuple[int, int, int]] = []    # (kind, group, "import X" group)
        self._import = self._group("import", "python")
        self._python = self._group("python (C)", "native")

    def _node(self, parent: int, code: int) -> int:
        key = (parent, code)
        n = self._nid.get(key)
        if n is None:
            n = self._nid[key] = len(self.nodes)
            self.nodes.append(key)
            self._flat += key
            rec = False
            if code >= 0:
                p = parent
                while p > 0:
                    if self.nodes[p][1] == code:
                        rec = True
                        break
                    p = self.nodes[p][0]
            self.rec.append(rec)
        return n

    def _group(self, label: str, cat: str) -> int:
        key = (label, cat)
        g = self._gid.get(key)
        if g is None:
            g = self._gid[key] = len(self.groups)
            self.groups.append(key)
        return -g - 1

    def sync(self, funcs=None, frames=None, nodes=None) -> "Folder":
        """Fold the data's new call-tree nodes (funcs, frames, nodes: the
        data's tables when the caller has them already)."""
        d = self.data
        funcs = d.functions() if funcs is None else funcs
        frames = d.frames() if frames is None else frames
        nodes = d.nodes() if nodes is None else nodes
        for f in funcs[len(self._fkind):]:
            kind, label = classify(f[0], f[1], f[2], f[4])
            g = imp = 0
            if kind == LIBRARY:
                g = self._group(label, "jit" if label.endswith("(jit)") else "python")
                if f[0] == "<module>" and f[2]:
                    imp = self._group(f"import {f[2]}", "python")
            elif kind == NATIVE:
                g = self._group(label, "native")
            self._fkind.append((kind, g, imp))
        fk, out = self._fkind, self.map
        anchors, tails, imps = self._anchor, self._tail, self._imp
        nid, node = self._nid, self._node
        plain_import, python = self._import, self._python
        for parent, frame in nodes[len(out):]:
            func = frames[frame][0]
            kind, g, gi = fk[func]
            anchor = anchors[parent]
            if kind == USER:
                here = nid.get((anchor, func))
                if here is None:
                    here = node(anchor, func)
                anchor = here
                tail = imp = 0
            else:
                tail, imp = tails[parent], imps[parent]
                if kind == IMPORT:
                    imp = imp or plain_import
                elif kind == LIBRARY:
                    tail = g
                    if gi and imp == plain_import:
                        imp = gi
                elif kind == NATIVE:
                    tail = g
                code = imp or tail or (python if anchor == 0 else 0)
                if code:
                    here = nid.get((anchor, code))
                    if here is None:
                        here = node(anchor, code)
                else:
                    here = anchor                  # the interpreter running user code
            anchors.append(anchor)
            tails.append(tail)
            imps.append(imp)
            out.append(here)
        return self

    def tables(self) -> dict:
        """The widget's trait: {"nodes": [parent, code]*, "map": [...],
        "groups": [[label, category]]}."""
        return {"nodes": list(self._flat), "map": list(self.map),
                "groups": [list(g) for g in self.groups]}

    def weights(self, node_weights) -> list[int]:
        """The folded nodes' self weights from the data's per-node weights."""
        out = [0] * len(self.nodes)
        m = self.map
        for i, w in enumerate(node_weights):
            if w:
                out[m[i]] += w
        return out


class YourCodeRow(NamedTuple):
    """One user function in the your-code view.  self_samples: its own time
    plus the library/native time folded into it (own_samples + the sum of
    `folded`); folded: [(label, samples)], most first."""
    name: str
    module: str
    file: str
    line: int
    category: str
    self_samples: int
    total_samples: int
    own_samples: int
    folded: list
    threads: int


def rows(data, thread: int | None = None, pid: int | None = None) -> tuple[int, list, list]:
    """(total weight, [YourCodeRow] by self time, [(label, weight)] of the
    time outside any user frame) of a ProfileData (a view, less internals)."""
    folder = Folder(data).sync()
    threads = data.threads()
    fw = [0] * len(folder.nodes)
    fmap = folder.map
    seen: set[tuple[int, int]] = set()
    for t, node, _ts, weight in data.samples():
        if (thread is not None and threads[t][1] != thread) or (pid is not None and threads[t][0] != pid):
            continue
        fw[fmap[node]] += weight
        seen.add((fmap[node], t))
    nthr: dict[int, set] = {}
    for n, t in seen:
        nthr.setdefault(n, set()).add(t)
    nodes = folder.nodes
    total_w = list(fw)
    for i in range(len(nodes) - 1, 0, -1):
        total_w[nodes[i][0]] += total_w[i]
    funcs = data.functions()
    own: dict[int, int] = {}
    tot: dict[int, int] = {}
    folded: dict[int, dict[str, int]] = {}
    thr: dict[int, set] = {}
    outside: dict[str, int] = {}
    for i in range(1, len(nodes)):
        parent, code = nodes[i]
        if code < 0:
            label = folder.groups[-code - 1][0]
            if parent == 0:
                if total_w[i]:
                    outside[label] = outside.get(label, 0) + total_w[i]
            else:
                f = nodes[parent][1]
                per = folded.setdefault(f, {})
                per[label] = per.get(label, 0) + total_w[i]
                thr.setdefault(f, set()).update(nthr.get(i, ()))
            continue
        own[code] = own.get(code, 0) + fw[i]
        thr.setdefault(code, set()).update(nthr.get(i, ()))
        if not folder.rec[i]:               # counted once under recursion
            tot[code] = tot.get(code, 0) + total_w[i]
    out = []
    for f, t_w in tot.items():
        if not t_w:
            continue
        name, file, module, line, cat = funcs[f]
        fl = sorted(folded.get(f, {}).items(), key=lambda kv: -kv[1])
        fl = [(k, v) for k, v in fl if v]
        self_w = own.get(f, 0) + sum(v for _k, v in fl)
        out.append(YourCodeRow(name, module, file, line, cat, self_w, t_w, own.get(f, 0), fl,
                               len(thr.get(f, ()))))
    out.sort(key=lambda r: (-r.self_samples, -r.total_samples, r.name))
    return sum(fw), out, sorted(outside.items(), key=lambda kv: -kv[1])


def text_rows(profile, n: int) -> list[str]:
    """The text report's table in the your-code view (Profile.text())."""
    from .cells import where
    total, rs, outside = rows(profile.view())
    iv = profile.view().interval
    total = total or 1
    out = [f"{'Your code (library time folded in)':<48} {'Self %':>7} {'Total %':>7} "
           f"{'Self s':>8} {'Category':<8} {'Where':<28} {'Thr':>3}"]
    for r in rs[:n]:
        name = r.name if len(r.name) <= 48 else r.name[:45] + "..."
        loc = where(r.file, r.line, short=True)
        loc = loc if len(loc) <= 28 else "..." + loc[-25:]
        out.append(f"{name:<48} {100 * r.self_samples / total:6.1f}% "
                   f"{100 * r.total_samples / total:6.1f}% {r.self_samples * iv:8.3f} "
                   f"{r.category:<8} {loc:<28} {r.threads:>3}")
        for label, w in r.folded[:4]:
            text = f"  \u21b3 {label}"
            out.append(f"{text:<48} {100 * w / total:6.1f}% {'':>7} {w * iv:8.3f} "
                       f"({100 * w / (r.self_samples or 1):.0f}% of its self time)")
    rest = sum(w for _k, w in outside)
    if rest:
        what = ", ".join(f"{k} {100 * w / total:.1f}%" for k, w in outside[:3])
        out.append(f"outside your functions: {100 * rest / total:.1f}% ({what})")
    out.append("(Self = own time + the library/native time folded into it; --all or "
               "text(all=True) shows every frame)")
    return out
