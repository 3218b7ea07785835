"""jitprofile.advise(profile) (this module: jitprofile.advisor): the
recommendations, as Python sees them.

The glue around the C engine (profiler/recommend.c): it gathers each hot
function's facts (its shares from the sampler, its recorded signatures, the
call sites its callers loop over), asks the engine which kinds of suggestion
to try, dry-runs the compiler for the observed signatures (jitting the plain
Python callees a caller needs), measures the compiled code against the
original on the recorded arguments (timing in C, profiler/measure.c) and
has the engine rank the results.
"""
from __future__ import annotations

import ast
import gc
import inspect
import linecache
import os
import re
import textwrap
import time
import types as _types

from . import _core, advice_text
from ._core import CompileError, TypingError, UnsupportedError
from .cells import where
from .cells import where as _where      # _decorated has a local named `where`

__all__ = ["Suggestion", "advise"]

KINDS = ("jit", "vectorize", "batch", "type-unstable", "advice")
_NUMBER_KINDS = ("int", "uint", "float", "complex", "bool")


class Suggestion:
    """One recommendation: what to do to which function, why, and either the
    measured speedup or the reason it cannot be applied."""

    def __init__(self, func, kind: str, *, detail: str = "", code: str = "", why: str = "",
                 share: float = 0.0, self_share: float = 0.0, signatures=(),
                 speedup: float | None = None, reason: str | None = None,
                 reason_line: int | None = None, applicable: bool = False,
                 callees: dict | None = None, score: float = 0.0):
        self.func = func
        self.function = func.__qualname__
        self.file = func.__code__.co_filename
        self.line = func.__code__.co_firstlineno
        self.kind = kind
        self.detail = detail            # vectorize: target; advice: float32 / gpu
        self.code = code
        self.why = why
        self.share = share
        self.self_share = self_share
        self.signatures = list(signatures)
        self.speedup = speedup
        self.reason = reason
        self.reason_line = reason_line
        self.applicable = applicable
        self.callees = dict(callees or {})  # name -> plain function jitted with it
        self.score = score
        self.applied = False

    def to_dict(self) -> dict:
        d = {"function": self.function, "file": self.file, "line": self.line,
             "kind": self.kind, "code": self.code, "why": self.why,
             "signatures": self.signatures, "share": round(self.share, 4),
             "self_share": round(self.self_share, 4), "applicable": self.applicable,
             "score": round(self.score, 4)}
        if self.detail:
            d["target" if self.kind == "vectorize" else "detail"] = self.detail
        if self.speedup is not None:
            d["speedup"] = round(self.speedup, 2)
        if self.reason is not None:
            d["reason"] = self.reason
            d["reason_line"] = self.reason_line
        if self.callees:
            d["includes"] = sorted(self.callees)
        return d

    def __repr__(self) -> str:
        what = f"{self.speedup:.1f}x" if self.speedup else (self.reason or "not measured")
        return (f"<Suggestion {self.kind} {self.function} ({self.file}:{self.line}) "
                f"{100 * self.share:.0f}%: {what}>")


# ---- finding the functions -----------------------------------------------

def _functions_by_key(keys: set, codes: dict) -> dict:
    """(qualname, file, firstline) -> the live Python function."""
    found = {}

    def offer(key, f):
        # prefer the function bound to its name (not a copy a dispatcher holds)
        if key not in found or (f.__globals__.get(f.__name__) is f
                                and found[key].__globals__.get(f.__name__) is not found[key]):
            found[key] = f

    for key, code in codes.items():
        if key in keys:
            for ref in gc.get_referrers(code):
                if isinstance(ref, _types.FunctionType) and ref.__code__ is code:
                    offer(key, ref)
    missing = keys - set(found)
    if missing:
        for obj in gc.get_objects():
            if isinstance(obj, _types.FunctionType):
                co = obj.__code__
                key = (co.co_qualname, co.co_filename, co.co_firstlineno)
                if key in missing:
                    offer(key, obj)
    return found


def _source(func) -> str | None:
    try:
        return textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None


def _decorated(func, decorator: str) -> str:
    src = _source(func)
    where = f"# {_where(func.__code__.co_filename, func.__code__.co_firstlineno)}\n"
    if src is None:
        return where + f"{func.__name__} = {decorator}({func.__name__})\n"
    return where + f"@{decorator}\n" + src


# ---- facts ------------------------------------------------------------------

def _is_number_type(t) -> bool:
    s = str(t)
    if s.startswith(("UniTuple(", "Tuple(")):
        return "array(" not in s and "pyobject(" not in s
    return s.startswith(_NUMBER_KINDS)


def _array_facts(sig) -> tuple[int, float, float]:
    """(max elements of an array argument, bytes per call, float64 bytes per call)."""
    max_el, f64 = 0, 0.0
    for t, shapes in zip(sig.types, sig.shapes):
        if shapes:
            for shape, _n in shapes:
                el = 1
                for d in shape:
                    el *= d
                max_el = max(max_el, el)
            if str(t).startswith("array(float64"):
                total = sum(n for _s, n in shapes) or 1
                f64 += sum(8 * _prod(s) * n for s, n in shapes) / total
    return max_el, sig.bytes_per_call, f64


def _prod(shape) -> int:
    out = 1
    for d in shape:
        out *= d
    return out


def _call_sites(profile, func_ids: dict) -> dict:
    """func key -> {(caller key, line): weight} from the sampled call tree."""
    data = profile.data
    funcs, frames, nodes = data.functions(), data.frames(), data.nodes()
    weight = [0] * len(nodes)
    for _thread, node, _ts, w in data.samples():
        weight[node] += w
    for i in range(len(nodes) - 1, 0, -1):      # children come after parents
        parent = nodes[i][0]
        if parent > 0:
            weight[parent] += weight[i]
    out: dict = {}
    for i in range(1, len(nodes)):
        parent, frame = nodes[i]
        if parent <= 0:
            continue
        fid = frames[frame][0]
        key = func_ids.get(fid)
        if key is None:
            continue
        pfunc, pline = frames[nodes[parent][1]]
        name, file, _mod, first, _cat = funcs[pfunc]
        site = ((name, file, first), pline)
        out.setdefault(key, {})
        out[key][site] = out[key].get(site, 0) + weight[i]
    return out


def _elementwise_site(caller, line: int, callee_name: str) -> bool:
    """Whether the call of callee_name at `line` of caller sits in a loop
    and takes array elements (a[i], or the target of `for x in a`)."""
    src = _source(caller)
    if src is None:
        return False
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return False
    offset = caller.__code__.co_firstlineno - 1
    found = False

    def visit(node, loops):
        nonlocal found
        if isinstance(node, (ast.For, ast.While, ast.comprehension)):
            loops = loops + [node]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == callee_name and node.lineno + offset == line and loops):
            targets = {n.id for lp in loops if isinstance(lp, (ast.For, ast.comprehension))
                       for n in ast.walk(lp.target) if isinstance(n, ast.Name)
                       and not (isinstance(lp.iter, ast.Call)
                                and getattr(lp.iter.func, "id", "") == "range")}
            for a in node.args:
                if isinstance(a, ast.Subscript) or (isinstance(a, ast.Name) and a.id in targets):
                    found = True
        for child in ast.iter_child_nodes(node):
            visit(child, loops)

    visit(tree, [])
    return found


def _library_dirs() -> tuple:
    import sysconfig
    dirs = {sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs.add(os.path.dirname(os.path.abspath(__file__)))
    return tuple(os.path.join(os.path.realpath(d), "") for d in dirs if d)


def _is_user_code(file: str, libs: tuple) -> bool:
    """Not the standard library, an installed package or jitprofile itself:
    code the user can change (terminal IPython's cells are <ipython-input-N-...>)."""
    if file.startswith("<ipython-input-"):
        return True
    return not file.startswith("<") and not os.path.realpath(file).startswith(libs)


def _gpu_present() -> bool:
    return any(os.path.exists(p) for p in ("/dev/nvidia0", "/dev/nvidiactl", "/dev/kfd"))


# ---- compiling --------------------------------------------------------------

_CALLEE_RE = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)' refers to a function object")


def _copy_function(func, globals_: dict):
    f = _types.FunctionType(func.__code__, globals_, func.__name__, func.__defaults__,
                            func.__closure__)
    f.__qualname__ = func.__qualname__
    f.__kwdefaults__ = func.__kwdefaults__
    f.__module__ = func.__module__
    return f


def _error_text(exc) -> tuple[str, int | None]:
    msg = str(exc).strip().splitlines()
    first = msg[0] if msg else type(exc).__name__
    hint = next((ln.strip() for ln in msg if ln.strip().startswith("hint:")), "")
    text = f"{type(exc).__name__}: {first}" + (f" ({hint})" if hint else "")
    return text, getattr(exc, "lineno", None)


def jit_closure(func, signatures: list[str]):
    """Dry-run: compile func for each signature, jitting (as copies) the plain
    Python functions it calls.  (dispatcher, {name: callee}, None) or
    (None, {name: callee}, exception)."""
    g = dict(func.__globals__)
    callees: dict = {}
    for _attempt in range(16):
        disp = _core.Dispatcher(_copy_function(func, g), {})
        try:
            for sig in signatures:
                disp.compile(sig)
            return disp, callees, None
        except TypingError as exc:
            m = _CALLEE_RE.search(getattr(exc, "message", "") or str(exc))
            name = m.group(1) if m else None
            target = g.get(name) if name else None
            if (name is None or name in callees or not isinstance(target, _types.FunctionType)
                    or target.__globals__ is not func.__globals__):
                return None, callees, exc
            callees[name] = target
            g[name] = _core.Dispatcher(_copy_function(target, g), {})
        except (UnsupportedError, CompileError) as exc:
            return None, callees, exc
    return None, callees, CompileError(f"{func.__qualname__}: too many plain callees")


# ---- measuring --------------------------------------------------------------

def _fresh(args: tuple) -> tuple:
    # arrays and typed Dicts are changed in place by the code under test: each run gets its own
    return tuple(a.copy() if hasattr(a, "copy") and (hasattr(a, "shape") or hasattr(a, "_dict_type")) else a
                 for a in args)


def _same(x, y) -> bool:
    import numpy as np
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape:
            return False
        if x.dtype.kind in "fc" or y.dtype.kind in "fc":
            return bool(np.allclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True))
        return bool(np.array_equal(x, y))
    if isinstance(x, (tuple, list)) and isinstance(y, (tuple, list)):     # lists: reflected list arguments
        return type(x) is type(y) and len(x) == len(y) and all(_same(a, b) for a, b in zip(x, y))
    if isinstance(x, float) or isinstance(y, float) or isinstance(x, complex):
        return x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300) or (x != x and y != y)
    return x == y


_INT64 = (-(1 << 63), (1 << 63) - 1)


def _wider_than_int64(v) -> bool:
    """A Python int beyond int64, or a tuple/list holding one: the JIT's
    int64 arithmetic would wrap where Python's result grew."""
    if isinstance(v, int) and not isinstance(v, bool):
        return not _INT64[0] <= v <= _INT64[1]
    if isinstance(v, (tuple, list)):
        return any(_wider_than_int64(x) for x in v)
    return False


def _usable_samples(sigs, limit: int | None = 3) -> list[tuple]:
    out = []
    for s in sigs:
        if not s.compilable:
            continue
        for sample in s.samples[:limit]:
            if not any(v is None and str(t).startswith("array(")
                       for v, t in zip(sample, s.types)):
                out.append(sample)
    return out


def measure(original, compiled, samples: list[tuple], *, budget: float = 0.6,
            per_call_estimate: float = 0.0, max_original_s: float = 5.0,
            timed: int = 3):
    """(speedup, None) or (None, why not): the compiled function against the
    original on the recorded arguments: results compared on every recorded
    argument set (a call that raises agrees when both raise the same class),
    the first `timed` that return timed."""
    if not samples:
        return None, "no recorded arguments to run it on"
    if per_call_estimate > max_original_s:
        return None, (f"one call takes about {per_call_estimate:.1f} s: "
                      "not re-run to measure it")
    t_orig, t_jit = [], []
    returned = 0
    for args in samples:
        a1, a2 = _fresh(args), _fresh(args)
        t0 = time.perf_counter()
        try:
            r1 = original(*a1)
        except Exception as exc:                # noqa: BLE001 - the program's own error
            r1 = exc
        first = time.perf_counter() - t0
        try:
            r2 = compiled(*a2)
        except Exception as exc:                # noqa: BLE001 - compared, not raised
            r2 = exc
        if isinstance(r1, Exception) or isinstance(r2, Exception):
            # A call that raises (the program catches it) agrees when both raise the
            # same class; it is compared, never timed.
            if type(r1) is type(r2):
                continue
            bad = r2 if isinstance(r2, Exception) else r1
            side = "compiled" if bad is r2 else "Python"
            return None, (f"calling it on the recorded arguments raised "
                          f"{type(bad).__name__} ({side} only): {bad}")
        returned += 1
        if _wider_than_int64(r1):
            return None, (f"its Python result exceeds int64 on a recorded call ({_short(r1)}): "
                          "compiled, the integer arithmetic would wrap")
        if not (_same(r1, r2) and all(_same(x, y) for x, y in zip(a1, a2))):
            return None, "the compiled version's results differ from Python's on the recorded arguments"
        if returned > timed:
            continue
        share = budget / min(len(samples), timed)
        if first >= share / 2:
            t_orig.append(first)
        else:
            best, _n = _core.time_calls(original, [_fresh(args)], budget_s=share / 2)
            t_orig.append(min(first, best[0]))
        best, _n = _core.time_calls(compiled, [_fresh(args)], budget_s=min(share / 2, 0.1))
        t_jit.append(best[0])
    if not t_jit:
        return None, "it raised on every recorded argument set: nothing to time"
    return sum(t_orig) / max(sum(t_jit), 1e-9), None


def _short(v) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


# ---- the suggestions --------------------------------------------------------

def _suggest_jit(func, sigs, facts, entry):
    typed = [s.signature for s in sigs if s.compilable]
    untyped = [s for s in sigs if not s.compilable]
    code_head = "from jitprofile import njit\n\n"
    if not sigs:
        entry.update(applicable=False, reason_line=None,
                     reason=entry.get("unrecorded") or
                            "no call of it was recorded (it was already running when recording "
                            "started): nothing to compile it for or measure it on")
        entry["code"] = ""          # nothing was compiled: no @njit code to offer
        return entry
    if not typed and untyped:
        s = untyped[0]
        params = func.__code__.co_varnames[:len(s.types)]
        bad = [(p, t) for p, t in zip(params, s.types) if isinstance(t, str)]
        p, t = bad[0]
        entry.update(applicable=False, reason_line=func.__code__.co_firstlineno,
                     reason=f"{where(func.__code__.co_filename, func.__code__.co_firstlineno)}: "
                            f"argument '{p}' is a {t[9:-1]}: the JIT has no type for it")
        entry["code"] = ""          # it does not compile: no @njit code to offer
        return entry
    disp, callees, err = jit_closure(func, typed)
    entry["callees"] = callees
    entry["code"] = code_head + "".join(_decorated(c, "njit") + "\n" for c in callees.values()) \
        + _decorated(func, "njit")
    if err is not None:
        text, line = advice_text.compile_cause(err, func)
        entry.update(applicable=False, reason=text, reason_line=line)
        # no @njit code for what does not compile: the rewrites found, if any
        entry["code"] = "".join(f"# {r}\n" for _l, r in advice_text.rewrites(func, False, sigs))
        return entry
    entry["dispatcher"] = disp
    if facts.get("wide_returns"):
        entry.update(applicable=False, reason_line=None,
                     reason=f"its Python result exceeded int64 on {facts['wide_returns']} "
                            "recorded call(s): compiled, the integer arithmetic would wrap")
        return entry
    speedup, why_not = measure(func, disp, _usable_samples(sigs, None),
                               per_call_estimate=facts["per_call_s"])
    entry.update(applicable=True, speedup=speedup)
    if speedup is not None and speedup < 1.0:
        entry.update(applicable=False, reason_line=None,
                     reason=f"the compiled version is slower ({speedup:.2f}x) on the recorded "
                            "arguments: the time goes to work that is native already")
    if why_not is not None:
        if why_not.startswith(("the compiled version's results differ", "its Python result")):
            entry.update(applicable=False, reason=why_not, reason_line=None)
        else:
            entry["unmeasured"] = why_not
    return entry


def _suggest_vectorize(func, sigs, facts, entry, target):
    import importlib
    import numpy as np
    pkg = importlib.import_module(__package__)
    sig = next((s for s in sigs if s.compilable and s.samples), None)
    params = ", ".join(func.__code__.co_varnames[:func.__code__.co_argcount])
    if sig is not None:
        ret = _core.typeof(func(*sig.samples[0]))
        spelled = f"{ret}({', '.join(str(t) for t in sig.types)})"
    else:
        spelled = "float64(float64)"
    entry["code"] = (f"from jitprofile import vectorize\n\n"
                     + _decorated(func, f"vectorize(['{spelled}'], target='{target}')")
                     + f"\n# then replace the elementwise loop by one call on the arrays:\n"
                     f"#     out = {func.__name__}({params})")
    vec = getattr(pkg, "vectorize", None)
    if vec is None:
        entry.update(applicable=False, reason="vectorize not available (jitprofile.vectorize "
                                              "is not in this build)")
        return entry
    if sig is None:
        entry.update(applicable=False, reason="no recorded scalar arguments")
        return entry
    try:
        uf = vec([spelled], target=target)(_copy_function(func, dict(func.__globals__)))
    except Exception as exc:                    # noqa: BLE001
        text, line = _error_text(exc)
        entry.update(applicable=False, reason=text, reason_line=line)
        return entry
    n = int(min(max(facts["calls"], 1000), 100000))
    cols = [np.resize(np.array([s[i] for s in sig.samples]), n)
            for i in range(len(sig.types))]

    def loop(*arrays):
        out = np.empty(n)
        for i in range(n):
            out[i] = func(*(a[i] for a in arrays))
        return out

    try:
        t_loop, _ = _core.time_calls(loop, [tuple(cols)], budget_s=0.3, max_reps=3)
        t_uf, _ = _core.time_calls(uf, [tuple(cols)], budget_s=0.1, max_reps=50)
    except Exception as exc:                    # noqa: BLE001
        entry.update(applicable=False, reason=f"the ufunc raised {type(exc).__name__}: {exc}")
        return entry
    entry.update(applicable=True, speedup=t_loop[0] / max(t_uf[0], 1e-9), ufunc=uf)
    return entry


def _suggest_batch(func, sigs, facts, entry):
    import numpy as np
    params = list(func.__code__.co_varnames[:func.__code__.co_argcount])
    stacked = ", ".join(p + "s" for p in params)
    name = func.__name__
    src = (f"@njit\ndef {name}_batch({stacked}):\n"
           f"    # one call for all the inputs, stacked along a new first axis\n"
           f"    out = np.empty({params[0]}s.shape[0])\n"
           f"    for i in range({params[0]}s.shape[0]):\n"
           f"        out[i] = {name}({', '.join(p + 's[i]' for p in params)})\n"
           f"    return out\n")
    entry["code"] = ("import numpy as np\nfrom jitprofile import njit\n\n"
                     + _decorated(func, "njit") + "\n\n" + src)
    sig = next((s for s in sigs if s.compilable and s.samples), None)
    if sig is None:
        entry.update(applicable=False, reason="no recorded arguments")
        return entry
    disp, callees, err = jit_closure(func, [sig.signature])
    if err is not None:
        text, line = _error_text(err)
        entry.update(applicable=False, reason=text, reason_line=line)
        return entry
    ns = {"np": np, "njit": lambda f: _core.Dispatcher(f, {}), name: disp}
    filename = f"<jitprofile batch of {func.__qualname__}>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    try:
        exec(compile(src, filename, "exec"), ns)   # noqa: S102
    except SyntaxError as exc:
        entry.update(applicable=False, reason=str(exc))
        return entry
    batch = ns[f"{name}_batch"]
    n = 2000
    cols = [np.stack([np.asarray(s[i]) for s in sig.samples] * (n // len(sig.samples)))
            for i in range(len(params))]
    rows = list(zip(*[[c[i] for i in range(c.shape[0])] for c in cols]))

    def loop():
        return [func(*r) for r in rows]

    try:
        t_loop, _ = _core.time_calls(loop, [()], budget_s=0.2, max_reps=5)
        batch(*cols)
        t_b, _ = _core.time_calls(batch, [tuple(cols)], budget_s=0.1, max_reps=50)
    except Exception as exc:                    # noqa: BLE001
        text, line = _error_text(exc)
        entry.update(applicable=False, reason=text, reason_line=line)
        return entry
    entry.update(applicable=True, speedup=t_loop[0] / max(t_b[0], 1e-9))
    return entry


def advise(profile, *, hot_share: float | None = None, measure_speedups: bool = True,
           max_functions: int = 10, fp_tolerance: float | None = None) -> list[Suggestion]:
    """The ranked recommendations for a stopped jitprofile.Profile.  When the
    profile recorded the calls of jitted functions (args_options={"jitted":
    True}), the loop advice of the hot ones follows (kind "loop", measured on
    their recorded arguments; fastmath applicable within fp_tolerance)."""
    th = _core.advise_thresholds
    hot_share = th["hot_share"] if hot_share is None else hot_share
    data = profile.data
    total, rows = data.stats(pid=os.getpid(), tid=-1)
    if total <= 0:
        return []
    funcs = data.functions()
    iv = data.interval
    hot = {}
    ids = {}
    libs = _library_dirs()
    for fid, self_w, total_w, _thr in rows:
        name, file, _mod, line, cat = funcs[fid]
        if cat != "python" or total_w < hot_share * total or not _is_user_code(file, libs):
            continue
        key = (name, file, line)
        hot[key] = (self_w / total, total_w / total, total_w * iv)
        ids[fid] = key
    hot = dict(sorted(hot.items(), key=lambda kv: -kv[1][1])[:max_functions])
    rec = profile.args.rec if profile.args is not None else None
    codes = {}
    if rec is not None:
        for code, *_rest in rec.functions():
            codes[(code.co_qualname, code.co_filename, code.co_firstlineno)] = code
    live = _functions_by_key(set(hot), codes)
    sites = _call_sites(profile, ids)
    gpu = _gpu_present()
    entries = []
    for key, (self_share, total_share, seconds) in hot.items():
        func = live.get(key)
        if func is None or func.__code__.co_name == "<module>":
            continue
        sigs = profile.signatures(func)
        calls = profile.args.calls(func) if profile.args is not None else 0
        if calls == 0:
            calls = sum(s.calls for s in sigs)
        max_el, bpc, f64 = 0, 0.0, 0.0
        for s in sigs:
            m, b, f = _array_facts(s)
            max_el, bpc, f64 = max(max_el, m), max(bpc, b), max(f64, f)
        elementwise, loop_elems = False, 0
        for (ckey, line), _w in sorted(sites.get(key, {}).items(), key=lambda kv: -kv[1]):
            caller = live.get(ckey) or _functions_by_key({ckey}, codes).get(ckey)
            if caller is not None and _elementwise_site(caller, line, func.__name__):
                elementwise = True
                for cs in profile.signatures(caller):
                    loop_elems = max(loop_elems, _array_facts(cs)[0])
                break
        facts = {"function": func.__qualname__, "total_share": total_share,
                 "self_share": self_share, "calls": calls, "seconds": seconds,
                 "per_call_s": seconds / calls if calls else 0.0,
                 "signatures": len(sigs), "hot_share": hot_share,
                 "scalar_only": bool(sigs) and all(all(_is_number_type(t) for t in s.types)
                                                  for s in sigs),
                 "max_elements": max_el, "array_bytes_per_call": bpc,
                 "float64_bytes_per_call": f64, "elementwise": elementwise,
                 "loop_elements": loop_elems, "gpu": gpu,
                 "wide_returns": (profile.args.wide_returns(func)
                                  if profile.args is not None else 0)}
        facts["unrecorded"] = "" if sigs else advice_text.unrecorded(profile, func)
        if measure_speedups and calls and sigs:
            samples = _usable_samples(sigs)
            if samples and facts["per_call_s"] < 0.05:
                try:
                    best, _n = _core.time_calls(func, [_fresh(a) for a in samples],
                                                budget_s=0.05)
                    facts["per_call_s"] = sum(best) / len(best)
                except Exception:               # noqa: BLE001 - the program's own error
                    pass                        # on a recorded call: keep the sampled estimate
        for kind, detail in _core.advise_classify(facts):
            if detail == "float32" and not advice_text.memory_bound(facts, func, sigs):
                continue            # large arrays, but the time is not memory traffic
            entry = dict(facts, kind=kind, detail=detail, func=func, sigs=sigs, code="",
                         applicable=False, speedup=None, reason=None, reason_line=None)
            if kind == "jit":
                _suggest_jit(func, sigs, facts, entry)
            elif kind == "vectorize":
                _suggest_vectorize(func, sigs, facts, entry, detail)
            elif kind == "batch":
                _suggest_batch(func, sigs, facts, entry)
            elif kind == "type-unstable":
                entry["code"] = ("# one compile per signature seen:\n"
                                 + "".join(f"#   {s.signature}: {s.calls} call(s)\n" for s in sigs)
                                 + f"# convert the arguments at the call sites (e.g. float(x)) "
                                   f"so that {func.__name__} sees one signature")
            elif detail == "float32":
                entry["code"] = ("# store the arrays as float32, e.g. a = a.astype(np.float32)"
                                 f"\n# then {func.__name__} reads half the bytes")
            else:
                entry["code"] = (f"# keep the data on the GPU and run {func.__name__} there "
                                 "(a CUDA/ROCm target) once the arrays are this large")
            entries.append(entry)
    ranked = _core.advise_rank([{k: v for k, v in e.items()
                                 if isinstance(v, (int, float, str, bool)) or v is None}
                                for e in entries])
    out = []
    for idx, score, why in ranked:
        e = entries[idx]
        s = Suggestion(e["func"], e["kind"], detail=e["detail"], code=e["code"], why=why,
                       share=e["total_share"], self_share=e["self_share"],
                       signatures=[x.signature for x in e["sigs"]], speedup=e["speedup"],
                       reason=e["reason"], reason_line=e["reason_line"],
                       applicable=e["applicable"] and e["kind"] == "jit",
                       callees=e.get("callees"), score=score)
        s.sig_objects = e["sigs"]
        s.dry_run = e.get("dispatcher")
        out.append(s)
    advice_text.polish(out)
    if measure_speedups and getattr(profile.args, "jitted", False):
        from .advise_loops import advise_profile       # issue 20: loops of hot jitted code
        out += advise_profile(profile, hot_share=hot_share, fp_tolerance=fp_tolerance)
    return out
