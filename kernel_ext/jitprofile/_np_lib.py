"""NumPy functions that jit code compiles from Python implementations.

The functions of NumPy's reference that are shape and index bookkeeping
around simple loops (np.eye, np.concatenate, np.interp, ...) are written
here in the subset of Python that jit code compiles, registered with
@overload (extending.py), as Numba's own numba/np/arraymath.py does: the
frontend finds them by the function object, the generator below chooses an
implementation for the argument *types* and the compiler compiles it for
them like any jitted function.  The elementwise functions, reductions,
sorting and indexing stay in C (jit/numpy_funcs.c, lib_np_*.c).

A generator raises TypeError for argument types it does not take: jit code
reports that as a TypingError at the call's file:line:col, with the text
given here saying what to write instead.

Tuple arguments (np.concatenate((a, b))) may hold arrays of different
layouts; their loops are unrolled per tuple length in generated source,
registered in linecache so the frontend can read it.
"""
import linecache
import math

import numpy as np

from . import extending


def overload(func):
    """extending.overload, marking the implementation as jitprofile's own: a
    user's @overload of the same function goes first and falls back to this
    one for the types it declines (returns None), whether it was made before
    this module loaded or after."""
    def decorate(generator):
        user = extending._registry.get(func)
        gen = generator if user is None else extending._chain(user._generator, generator)
        extending._registry[func] = d = extending.GeneratedDispatcher(gen, {}, name=getattr(func, "__name__", None))
        d._jitprofile_builtin = user is None
        return generator
    return decorate


_counter = [0]


def _jit_helper(fn):
    """A helper the implementations call, compiled for its callers' types."""
    from .decorators import njit
    return njit(fn)


def _make(src, name, env):
    """A function from generated source the frontend can read back."""
    _counter[0] += 1
    filename = f"<jitprofile-np {name} {_counter[0]}>"
    lines = src.splitlines(True)
    linecache.cache[filename] = (len(src), None, lines, filename)
    glb = {"np": np, "math": math, "_rint": globals().get("_rint")}
    glb.update(env)
    exec(compile(src, filename, "exec"), glb)
    return glb[name]


def _is_array(t):
    return getattr(t, "kind", None) == "array"


# An omitted argument reaches a generator as its default value itself (0,
# None, 1e-05), a given one as its type.
def _is_none(t):
    return t is None or getattr(t, "kind", None) == "none"


def _is_int(t):
    return isinstance(t, int) or getattr(t, "kind", None) in ("int", "bool")


def _is_number(t):
    return isinstance(t, (int, float, complex)) or getattr(t, "kind", None) in ("int", "bool", "float", "complex")


def _tuple_arrays(t, fname):
    if getattr(t, "kind", None) != "tuple" or not t.count:
        raise TypeError(f"np.{fname}() takes a tuple of arrays in jit code, not {t}")
    elems = list(t.elements)
    if not all(_is_array(e) for e in elems):
        raise TypeError(f"np.{fname}() takes a tuple of arrays in jit code, not {t}")
    if len({e.ndim for e in elems}) != 1:
        raise TypeError(f"np.{fname}(): all the input arrays must have the same number of dimensions")
    return elems


def _result_dtype(elems):
    return np.result_type(*[np.dtype(str(e.dtype)) for e in elems]).type


# ---- construction ---------------------------------------------------------------


@overload(np.eye)
def _eye(N, M=None, k=0, dtype=None):
    if not _is_int(N) or not (_is_none(M) or _is_int(M)) or not _is_int(k):
        raise TypeError("np.eye(N, M=None, k=0, dtype=float) takes integers in jit code")
    dt = np.float64 if _is_none(dtype) else None
    if _is_none(M):
        def impl(N, M=None, k=0, dtype=None):
            out = np.zeros((N, N), dt if dt is not None else dtype)
            for i in range(N):
                if 0 <= i + k < N:
                    out[i, i + k] = 1
            return out
    else:
        def impl(N, M=None, k=0, dtype=None):
            out = np.zeros((N, M), dt if dt is not None else dtype)
            for i in range(N):
                if 0 <= i + k < M:
                    out[i, i + k] = 1
            return out
    return _with_dtype(impl, dt)


def _with_dtype(impl, dt):
    """impl with its `dt if dt is not None else dtype` decided now: jit code
    cannot unify a dtype constant with None."""
    import inspect
    src = inspect.getsource(impl)
    indent = len(src) - len(src.lstrip())
    src = "\n".join(line[indent:] for line in src.splitlines())
    src = src.replace("dt if dt is not None else dtype", "dtype" if dt is None else "_dt")
    return _make(src, "impl", {"_dt": dt})


@overload(np.identity)
def _identity(n, dtype=None):
    if not _is_int(n):
        raise TypeError("np.identity(n, dtype=float) takes an integer in jit code")
    dt = np.float64 if _is_none(dtype) else None

    def impl(n, dtype=None):
        out = np.zeros((n, n), dt if dt is not None else dtype)
        for i in range(n):
            out[i, i] = 1
        return out
    return _with_dtype(impl, dt)


@overload(np.tri)
def _tri(N, M=None, k=0, dtype=None):
    if not _is_int(N) or not (_is_none(M) or _is_int(M)) or not _is_int(k):
        raise TypeError("np.tri(N, M=None, k=0, dtype=float): N, M and k must be integers in jit code")
    dt = np.float64 if _is_none(dtype) else None
    if _is_none(M):
        def impl(N, M=None, k=0, dtype=None):
            out = np.zeros((N, N), dt if dt is not None else dtype)
            for i in range(N):
                for j in range(min(N, max(0, i + k + 1))):
                    out[i, j] = 1
            return out
    else:
        def impl(N, M=None, k=0, dtype=None):
            out = np.zeros((N, M), dt if dt is not None else dtype)
            for i in range(N):
                for j in range(min(M, max(0, i + k + 1))):
                    out[i, j] = 1
            return out
    return _with_dtype(impl, dt)


def _tri_part(name, lower):
    def gen(m, k=0):
        if not _is_array(m) or not _is_int(k):
            raise TypeError(f"np.{name}(m, k=0) takes an array and an integer k in jit code")
        if m.ndim == 1:
            raise TypeError(f"np.{name}() of a 1-d array is not supported in jit code: "
                            f"use np.{name}(np.broadcast_to(v, (n, n)).copy()) or build the matrix first")
        if m.ndim != 2:
            raise TypeError(f"np.{name}() of a {m.ndim}-d array is not supported in jit code: loop over the leading axes")
        if lower:
            def impl(m, k=0):
                out = m.copy()
                for i in range(m.shape[0]):
                    for j in range(max(0, i + k + 1), m.shape[1]):
                        out[i, j] = 0
                return out
        else:
            def impl(m, k=0):
                out = m.copy()
                for i in range(m.shape[0]):
                    for j in range(min(m.shape[1], max(0, i + k))):
                        out[i, j] = 0
                return out
        return impl
    return gen


overload(np.tril)(_tri_part("tril", True))
overload(np.triu)(_tri_part("triu", False))


@overload(np.diag)
def _diag(v, k=0):
    if not _is_array(v) or not _is_int(k):
        raise TypeError("np.diag(v, k=0) takes an array and an integer k in jit code")
    if v.ndim == 1:
        def impl(v, k=0):
            n = v.shape[0] + abs(k)
            out = np.zeros((n, n), v.dtype)
            for i in range(v.shape[0]):
                if k >= 0:
                    out[i, i + k] = v[i]
                else:
                    out[i - k, i] = v[i]
            return out
        return impl
    if v.ndim == 2:
        def impl(v, k=0):
            r0 = 0 if k >= 0 else -k
            c0 = k if k >= 0 else 0
            n = max(0, min(v.shape[0] - r0, v.shape[1] - c0))
            out = np.empty(n, v.dtype)
            for i in range(n):
                out[i] = v[r0 + i, c0 + i]
            return out
        return impl
    raise TypeError("np.diag() takes a 1-d or 2-d array")


@overload(np.diagflat)
def _diagflat(v, k=0):
    if not _is_array(v) or not _is_int(k):
        raise TypeError("np.diagflat(v, k=0) takes an array and an integer k in jit code")

    def impl(v, k=0):
        return np.diag(v.ravel(), k)
    return impl


@overload(np.meshgrid)
def _meshgrid(x, y, indexing=None):
    if not (_is_array(x) and _is_array(y) and x.ndim == 1 and y.ndim == 1) or not _is_none(indexing):
        raise TypeError("np.meshgrid(x, y) takes two 1-d arrays in jit code (indexing='xy'); "
                        "for 'ij' swap the arguments and transpose, or build the grids with loops")

    def impl(x, y, indexing=None):
        nx = x.shape[0]
        ny = y.shape[0]
        gx = np.empty((ny, nx), x.dtype)
        gy = np.empty((ny, nx), y.dtype)
        for i in range(ny):
            for j in range(nx):
                gx[i, j] = x[j]
                gy[i, j] = y[i]
        return gx, gy
    return impl


# ---- joining -------------------------------------------------------------------


def _concat_src(n, nd, dtype_name, name="impl", axis_param=True):
    """Source of concatenate for a tuple of n arrays of nd dimensions."""
    a = [f"arrs[{i}]" for i in range(n)]
    L = ["def %s(arrs, axis=0):" % name if axis_param else "def %s(arrs):" % name]
    if nd == 1:
        L.append("    if axis != 0 and axis != -1:")
        L.append("        raise ValueError('axis is out of bounds for a 1-d array')")
        L.append("    total = " + " + ".join(f"{x}.shape[0]" for x in a))
        L.append(f"    out = np.empty(total, {dtype_name})")
        L.append("    pos = 0")
        for x in a:
            L.append(f"    m = {x}.shape[0]")
            L.append(f"    out[pos:pos + m] = {x}")
            L.append("    pos += m")
        L.append("    return out")
        return "\n".join(L) + "\n"
    # n-d: move the axis first with a view, write each piece into that view
    L.append(f"    ax = axis + {nd} if axis < 0 else axis")
    L.append(f"    if ax < 0 or ax >= {nd}:")
    L.append(f"        raise ValueError('axis is out of bounds for a {nd}-d array')")
    L.append("    total = " + " + ".join(f"{x}.shape[ax]" for x in a))
    for d in range(nd):
        for x in a[1:]:
            L.append(f"    if {d} != ax and {x}.shape[{d}] != {a[0]}.shape[{d}]:")
            L.append("        raise ValueError('all the input array dimensions except for the "
                     "concatenation axis must match exactly')")
    shape = ", ".join(f"total if ax == {d} else {a[0]}.shape[{d}]" for d in range(nd))
    L.append(f"    out = np.empty(({shape},), {dtype_name})")
    L.append("    pos = 0")
    for x in a:
        L.append(f"    m = {x}.shape[ax]")
        for d in range(nd):
            idx = ", ".join("pos:pos + m" if e == d else ":" for e in range(nd))
            L.append(f"    if ax == {d}:")
            L.append(f"        out[{idx}] = {x}")
        L.append("    pos += m")
    L.append("    return out")
    return "\n".join(L) + "\n"


@overload(np.concatenate)
def _concatenate(arrs, axis=0):
    elems = _tuple_arrays(arrs, "concatenate")
    if not _is_int(axis):
        raise TypeError("np.concatenate(arrays, axis): axis must be an integer in jit code (axis=None: "
                        "concatenate the .ravel() of each)")
    return _make(_concat_src(len(elems), elems[0].ndim, "_dt"), "impl", {"_dt": _result_dtype(elems)})


def _stacker(fname, body):
    def gen(arrs):
        elems = _tuple_arrays(arrs, fname)
        n = len(elems)
        src = ["def impl(arrs):"] + [f"    a{i} = {body(i, elems[i].ndim)}" for i in range(n)]
        src.append("    return _cat((" + "".join(f"a{i}, " for i in range(n)) + f"), {axis(elems[0].ndim)})")
        return _make("\n".join(src) + "\n", "impl", {"_cat": np.concatenate})
    axis = {"vstack": lambda nd: 0, "hstack": lambda nd: 0 if nd == 1 else 1,
            "column_stack": lambda nd: 1, "dstack": lambda nd: 2}[fname]
    return gen


def _vstack_piece(i, nd):
    return f"arrs[{i}].reshape(1, arrs[{i}].shape[0])" if nd == 1 else f"arrs[{i}]"


def _column_piece(i, nd):
    return f"arrs[{i}].reshape(arrs[{i}].shape[0], 1)" if nd == 1 else f"arrs[{i}]"


def _dstack_piece(i, nd):
    if nd == 1:
        return f"arrs[{i}].reshape(1, arrs[{i}].shape[0], 1)"
    if nd == 2:
        return f"arrs[{i}].reshape(arrs[{i}].shape[0], arrs[{i}].shape[1], 1)"
    return f"arrs[{i}]"


overload(np.vstack)(_stacker("vstack", _vstack_piece))
overload(np.hstack)(_stacker("hstack", lambda i, nd: f"arrs[{i}]"))
overload(np.column_stack)(_stacker("column_stack", _column_piece))
overload(np.dstack)(_stacker("dstack", _dstack_piece))


@overload(np.stack)
def _stack(arrs, axis=0):
    elems = _tuple_arrays(arrs, "stack")
    if not _is_int(axis):
        raise TypeError("np.stack(arrays, axis): axis must be an integer in jit code")
    n, nd = len(elems), elems[0].ndim
    src = ["def impl(arrs, axis=0):"]
    for i in range(n):
        src.append(f"    a{i} = np.expand_dims(np.ascontiguousarray(arrs[{i}]), axis)")
        src.append(f"    if arrs[{i}].shape != arrs[0].shape:")
        src.append("        raise ValueError('all input arrays must have the same shape')")
    src.append("    return _cat((" + "".join(f"a{i}, " for i in range(n)) + "), axis)")
    return _make("\n".join(src) + "\n", "impl", {"_cat": np.concatenate})


@overload(np.append)
def _append(arr, values, axis=None):
    if not _is_none(axis):
        raise TypeError("np.append(arr, values, axis=...) is not supported in jit code: use np.concatenate")
    if _is_array(arr) and _is_array(values):
        def impl(arr, values, axis=None):
            return np.concatenate((np.ravel(arr), np.ravel(values)))
        return impl
    if _is_array(arr) and _is_number(values):
        def impl(arr, values, axis=None):
            return np.concatenate((np.ravel(arr), np.full(1, values)))
        return impl
    raise TypeError("np.append() takes arrays (or an array and a number) in jit code")


# ---- reshaping and reordering ----------------------------------------------------


def _shape_src(nd, items):
    return "(" + "".join(f"{s}, " for s in items) + ")"


@overload(np.expand_dims)
def _expand_dims(a, axis):
    if not _is_array(a) or not _is_int(axis):
        raise TypeError("np.expand_dims(a, axis) takes an array and an integer axis in jit code")
    nd = a.ndim
    L = ["def impl(a, axis):",
         f"    ax = axis + {nd + 1} if axis < 0 else axis",
         f"    if ax < 0 or ax > {nd}:",
         f"        raise ValueError('axis is out of bounds for an array of dimension {nd + 1}')",
         "    b = np.ascontiguousarray(a)"]
    for k in range(nd + 1):
        items = [f"a.shape[{d}]" for d in range(k)] + ["1"] + [f"a.shape[{d}]" for d in range(k, nd)]
        L.append(f"    if ax == {k}:")
        L.append(f"        return b.reshape({_shape_src(nd + 1, items)})")
    L.append(f"    return b.reshape({_shape_src(nd + 1, ['1'] + [f'a.shape[{d}]' for d in range(nd)])})")
    return _make("\n".join(L) + "\n", "impl", {})


@overload(np.squeeze)
def _squeeze(a, axis=None):
    if not _is_array(a):
        raise TypeError("np.squeeze(a) takes an array in jit code")
    raise TypeError("np.squeeze() is not supported in jit code: the number of dimensions of its "
                    "result depends on the shape; use a.reshape(...) with the shape you expect "
                    "(e.g. a.reshape(a.shape[1]) or a[0])")


@overload(np.atleast_1d)
def _atleast_1d(a):
    if _is_number(a):
        return lambda a: np.full(1, a)
    if _is_array(a):
        if a.ndim >= 1:
            return lambda a: a
    raise TypeError("np.atleast_1d() takes one array or number in jit code")


@overload(np.atleast_2d)
def _atleast_2d(a):
    if _is_number(a):
        return lambda a: np.full((1, 1), a)
    if _is_array(a):
        if a.ndim == 1:
            return lambda a: np.ascontiguousarray(a).reshape(1, a.shape[0])
        if a.ndim >= 2:
            return lambda a: a
    raise TypeError("np.atleast_2d() takes one array or number in jit code")


@overload(np.ascontiguousarray)
def _ascontiguousarray(a):
    if _is_array(a):
        if a.layout == "C":
            return lambda a: a
        return lambda a: a.copy()
    if _is_number(a):
        return lambda a: np.full(1, a)
    raise TypeError("np.ascontiguousarray() takes an array in jit code")


@overload(np.swapaxes)
def _swapaxes(a, axis1, axis2):
    if not _is_array(a) or not _is_int(axis1) or not _is_int(axis2):
        raise TypeError("np.swapaxes(a, axis1, axis2) takes an array and two integers in jit code")
    nd = a.ndim
    # a view, as NumPy's: a.transpose(perm) with axis1 and axis2 exchanged in perm
    perm = ", ".join(f"y if {d} == x else x if {d} == y else {d}" for d in range(nd))
    src = (f"def impl(a, axis1, axis2):\n"
           f"    x = axis1 + {nd} if axis1 < 0 else axis1\n"
           f"    y = axis2 + {nd} if axis2 < 0 else axis2\n"
           f"    if x < 0 or x >= {nd} or y < 0 or y >= {nd}:\n"
           f"        raise ValueError('axis is out of bounds for the array in swapaxes()')\n"
           f"    return a.transpose(({perm},))\n")
    return _make(src, "impl", {})


@overload(np.flip)
def _flip(m, axis=None):
    if not _is_array(m):
        raise TypeError("np.flip(m, axis=None) takes an array in jit code")
    nd = m.ndim
    if _is_none(axis):
        idx = ", ".join("::-1" for _ in range(nd))
        return _make(f"def impl(m, axis=None):\n    return m[{idx}]\n", "impl", {})
    if not _is_int(axis):
        raise TypeError("np.flip(m, axis): axis must be an integer or None in jit code")
    L = ["def impl(m, axis=None):", f"    ax = axis + {nd} if axis < 0 else axis"]
    for d in range(nd):
        idx = ", ".join("::-1" if e == d else ":" for e in range(nd))
        L.append(f"    if ax == {d}:")
        L.append(f"        return m[{idx}]")
    L.append(f"    raise ValueError('axis is out of bounds for an array of dimension {nd}')")
    L.append(f"    return m[{', '.join(':' for _ in range(nd))}]")
    return _make("\n".join(L) + "\n", "impl", {})


@overload(np.fliplr)
def _fliplr(m):
    if not _is_array(m) or m.ndim < 2:
        raise TypeError("np.fliplr() takes an array of 2 or more dimensions")
    idx = ", ".join("::-1" if e == 1 else ":" for e in range(m.ndim))
    return _make(f"def impl(m):\n    return m[{idx}]\n", "impl", {})


@overload(np.flipud)
def _flipud(m):
    if not _is_array(m) or m.ndim < 1:
        raise TypeError("np.flipud() takes an array of 1 or more dimensions")
    return lambda m: m[::-1]


@overload(np.roll)
def _roll(a, shift, axis=None):
    if not _is_array(a) or not _is_int(shift):
        raise TypeError("np.roll(a, shift) takes an array and an integer shift in jit code")
    if _is_none(axis):
        def impl(a, shift, axis=None):
            flat = a.ravel()
            n = flat.shape[0]
            out = np.empty(n, a.dtype)
            if n == 0:
                return out.reshape(a.shape)
            s = shift % n
            for i in range(n):
                out[(i + s) % n] = flat[i]
            return out.reshape(a.shape)
        return impl
    if not _is_int(axis):
        raise TypeError("np.roll(a, shift, axis): axis must be an integer in jit code")
    if a.ndim == 1:
        def impl(a, shift, axis=None):
            return np.roll(a, shift)
        return impl
    if a.ndim == 2:
        def impl(a, shift, axis=None):
            ax = axis + 2 if axis < 0 else axis
            if ax < 0 or ax > 1:
                raise ValueError('axis is out of bounds for an array of dimension 2')
            out = np.empty(a.shape, a.dtype)
            n0, n1 = a.shape
            for i in range(n0):
                for j in range(n1):
                    if ax == 0:
                        out[(i + shift) % n0, j] = a[i, j]
                    else:
                        out[i, (j + shift) % n1] = a[i, j]
            return out
        return impl
    raise TypeError(f"np.roll(..., axis=) of a {a.ndim}-d array is not supported in jit code")


@overload(np.repeat)
def _repeat(a, repeats, axis=None):
    if not _is_none(axis):
        raise TypeError("np.repeat(..., axis=) is not supported in jit code: repeat the flattened array")
    if _is_array(a) and _is_int(repeats):
        def impl(a, repeats, axis=None):
            if repeats < 0:
                raise ValueError('negative dimensions are not allowed')
            flat = a.ravel()
            out = np.empty(flat.shape[0] * repeats, a.dtype)
            k = 0
            for i in range(flat.shape[0]):
                for r in range(repeats):
                    out[k] = flat[i]
                    k += 1
            return out
        return impl
    if _is_array(a) and _is_array(repeats) and repeats.ndim == 1 and _is_int(repeats.dtype):
        def impl(a, repeats, axis=None):
            flat = a.ravel()
            if repeats.shape[0] != flat.shape[0]:
                raise ValueError('operands could not be broadcast together')
            total = 0
            for i in range(repeats.shape[0]):
                if repeats[i] < 0:
                    raise ValueError('repeats may not contain negative values.')
                total += repeats[i]
            out = np.empty(total, a.dtype)
            k = 0
            for i in range(flat.shape[0]):
                for r in range(repeats[i]):
                    out[k] = flat[i]
                    k += 1
            return out
        return impl
    raise TypeError("np.repeat(a, repeats) takes an array and an integer or 1-d integer array in jit code")


@overload(np.tile)
def _tile(A, reps):
    if _is_array(A) and A.ndim == 1 and _is_int(reps):
        def impl(A, reps):
            n = A.shape[0]
            out = np.empty(n * max(reps, 0), A.dtype)
            for r in range(max(reps, 0)):
                out[r * n:(r + 1) * n] = A
            return out
        return impl
    raise TypeError("np.tile(A, reps) takes a 1-d array and an integer in jit code")


# ---- elementwise helpers ------------------------------------------------------


@overload(np.clip)
def _clip(a, a_min, a_max):
    if not _is_array(a) or not _is_number(a_min) or not _is_number(a_max):
        raise TypeError("np.clip(a, a_min, a_max) takes an array and two numbers in jit code")

    def impl(a, a_min, a_max):
        return np.minimum(np.maximum(a, a_min), a_max)
    return impl


@_jit_helper
def _rint(v):
    """Round half to even, as np.rint."""
    r = math.floor(v + 0.5)
    if r - v == 0.5 and r % 2.0 != 0.0:
        r -= 1.0
    return r


def _round_gen(name):
    def gen(a, decimals=0):
        if not _is_int(decimals):
            raise TypeError(f"np.{name}(a, decimals): decimals must be an integer in jit code")
        if _is_array(a) and a.dtype.kind == "float":
            def impl(a, decimals=0):
                out = np.empty(a.shape, a.dtype)
                f = 10.0 ** decimals
                o = out.ravel()
                flat = a.ravel()
                for i in range(flat.shape[0]):
                    if decimals >= 0:
                        o[i] = _rint(flat[i] * f) / f
                    else:
                        o[i] = _rint(flat[i] / (10.0 ** -decimals)) * (10.0 ** -decimals)
                return o.reshape(a.shape)
            return impl
        if _is_array(a) and _is_int(a.dtype):
            def impl(a, decimals=0):
                if decimals >= 0:
                    return a.copy()
                f = 10.0 ** -decimals
                out = np.empty(a.shape, a.dtype)
                o = out.ravel()
                flat = a.ravel()
                for i in range(flat.shape[0]):
                    o[i] = _rint(flat[i] / f) * f
                return o.reshape(a.shape)
            return impl
        if getattr(a, "kind", None) == "float":
            def impl(a, decimals=0):
                f = 10.0 ** decimals
                if decimals >= 0:
                    return _rint(a * f) / f
                return _rint(a / (10.0 ** -decimals)) * (10.0 ** -decimals)
            return impl
        if _is_int(a):
            return lambda a, decimals=0: a
        raise TypeError(f"np.{name}() takes a real number or array in jit code")
    return gen


overload(np.round)(_round_gen("round"))
overload(np.around)(_round_gen("around"))


@overload(np.isclose)
def _isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    if not ((_is_array(a) or _is_number(a)) and (_is_array(b) or _is_number(b))):
        raise TypeError("np.isclose(a, b) takes arrays or numbers in jit code")

    def impl(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        close = np.isfinite(a) & np.isfinite(b) & (np.abs(a - b) <= atol + rtol * np.abs(b))
        return close | (a == b) | (np.isnan(a) & np.isnan(b) & equal_nan)
    return impl


@overload(np.allclose)
def _allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    if not ((_is_array(a) or _is_number(a)) and (_is_array(b) or _is_number(b))):
        raise TypeError("np.allclose(a, b) takes arrays or numbers in jit code")

    def impl(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        c = np.isclose(a, b, rtol, atol, equal_nan)
        for v in np.ravel(c):
            if not v:
                return False
        return True
    return impl


@overload(np.array_equal)
def _array_equal(a1, a2, equal_nan=False):
    if not (_is_array(a1) and _is_array(a2)):
        raise TypeError("np.array_equal(a1, a2) takes two arrays in jit code")
    if a1.ndim != a2.ndim:
        return lambda a1, a2, equal_nan=False: False

    def impl(a1, a2, equal_nan=False):
        if a1.shape != a2.shape:
            return False
        x = a1.ravel()
        y = a2.ravel()
        for i in range(x.shape[0]):
            if x[i] != y[i]:
                if not (equal_nan and x[i] != x[i] and y[i] != y[i]):
                    return False
        return True
    return impl


@overload(np.count_nonzero)
def _count_nonzero(a, axis=None):
    if not _is_array(a) or not _is_none(axis):
        raise TypeError("np.count_nonzero(a) takes an array (no axis) in jit code")

    def impl(a, axis=None):
        n = 0
        for v in a.flat:
            if v != 0:
                n += 1
        return n
    return impl


@overload(np.ptp)
def _ptp(a, axis=None):
    if not _is_array(a) or not _is_none(axis):
        raise TypeError("np.ptp(a) takes an array (no axis) in jit code: use a.max(axis) - a.min(axis)")
    return lambda a, axis=None: a.max() - a.min()


def _all_any(name, want):
    def gen(a, axis=None):
        if _is_number(a) and _is_none(axis):
            return lambda a, axis=None: a != 0
        if not _is_array(a):
            raise TypeError(f"np.{name}() takes an array in jit code")
        if _is_none(axis) or a.ndim == 1:
            if not _is_none(axis) and not _is_int(axis):
                raise TypeError(f"np.{name}(a, axis): axis must be an integer or None in jit code")
            def impl(a, axis=None):
                for v in a.flat:
                    if (v != 0) == _want:
                        return _want
                return not _want
            return _make_env(impl, {"_want": want})
        if not _is_int(axis):
            raise TypeError(f"np.{name}(a, axis): axis must be an integer or None in jit code")
        if a.ndim != 2:
            raise TypeError(f"np.{name}(a, axis=...) of a {a.ndim}-d array is not supported in jit code: "
                            f"use (a != 0).sum(axis) {'> 0' if want else '== a.shape[axis]'}")

        def impl(a, axis=None):
            ax = axis + 2 if axis < 0 else axis
            if ax < 0 or ax > 1:
                raise ValueError('axis is out of bounds for an array of dimension 2')
            n = a.shape[1 - ax]
            out = np.empty(n, np.bool_)
            for i in range(n):
                r = not _want
                for j in range(a.shape[ax]):
                    v = a[j, i] if ax == 0 else a[i, j]
                    if (v != 0) == _want:
                        r = _want
                        break
                out[i] = r
            return out
        return _make_env(impl, {"_want": want})
    return gen


overload(np.all)(_all_any("all", False))
overload(np.any)(_all_any("any", True))


# ---- math ------------------------------------------------------------------------


@overload(np.interp)
def _interp(x, xp, fp, left=None, right=None):
    if not (_is_array(xp) and xp.ndim == 1 and _is_array(fp) and fp.ndim == 1):
        raise TypeError("np.interp(x, xp, fp) takes 1-d arrays xp and fp in jit code")
    if fp.dtype.kind == "complex":
        raise TypeError("np.interp() of complex fp is not supported in jit code: interpolate .real and .imag")
    if not (_is_none(left) and _is_none(right)):
        raise TypeError("np.interp(..., left=, right=) is not supported in jit code: "
                        "use np.where(x < xp[0], left, np.interp(x, xp, fp))")

    def one(v, xp, fp):
        n = xp.shape[0]
        if v != v:
            return v
        if v <= xp[0]:
            return fp[0] * 1.0
        if v >= xp[n - 1]:
            return fp[n - 1] * 1.0
        lo = 0
        hi = n - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if xp[mid] <= v:
                lo = mid
            else:
                hi = mid
        if xp[lo] == v:
            return fp[lo] * 1.0
        slope = (fp[hi] - fp[lo]) / (xp[hi] - xp[lo])
        return slope * (v - xp[lo]) + fp[lo]
    one_j = _jit_helper(one)
    if _is_number(x):
        def impl(x, xp, fp, left=None, right=None):
            if xp.shape[0] == 0:
                raise ValueError('array of sample points is empty')
            if xp.shape[0] != fp.shape[0]:
                raise ValueError('fp and xp are not of the same length.')
            return one_j(x * 1.0, xp, fp)
        return _make_env(impl, {"one_j": one_j})
    if _is_array(x):
        def impl(x, xp, fp, left=None, right=None):
            if xp.shape[0] == 0:
                raise ValueError('array of sample points is empty')
            if xp.shape[0] != fp.shape[0]:
                raise ValueError('fp and xp are not of the same length.')
            flat = x.ravel()
            out = np.empty(flat.shape[0], np.float64)
            for i in range(flat.shape[0]):
                out[i] = one_j(flat[i] * 1.0, xp, fp)
            return out.reshape(x.shape)
        return _make_env(impl, {"one_j": one_j})
    raise TypeError("np.interp(x, xp, fp): x must be a number or an array in jit code")




def _make_env(impl, env):
    """impl re-made with extra globals (its helpers)."""
    import inspect
    src = inspect.getsource(impl)
    indent = len(src) - len(src.lstrip())
    src = "\n".join(line[indent:] for line in src.splitlines()) + "\n"
    return _make(src, "impl", env)


def _conv_gen(name, flip):
    def gen(a, v, mode=None):
        if not (_is_array(a) and a.ndim == 1 and _is_array(v) and v.ndim == 1):
            raise TypeError(f"np.{name}(a, v) takes two 1-d arrays in jit code")
        if not _is_none(mode):
            raise TypeError(f"np.{name}(..., mode=) is not supported in jit code: the default mode only "
                            "('full' for convolve, 'valid' for correlate); slice the result")
        rt = np.result_type(np.dtype(str(a.dtype)), np.dtype(str(v.dtype))).type
        if flip:
            def impl(a, v, mode=None):
                n = a.shape[0]
                m = v.shape[0]
                if n == 0:
                    raise ValueError('a cannot be empty')
                if m == 0:
                    raise ValueError('v cannot be empty')
                out = np.zeros(n + m - 1, _rt)
                for i in range(n):
                    for j in range(m):
                        out[i + j] += a[i] * v[j]
                return out
        else:
            def impl(a, v, mode=None):
                n = a.shape[0]
                m = v.shape[0]
                if n == 0:
                    raise ValueError('a cannot be empty')
                if m == 0:
                    raise ValueError('v cannot be empty')
                if n >= m:
                    out = np.zeros(n - m + 1, _rt)
                    for k in range(n - m + 1):
                        s = out[k]
                        for j in range(m):
                            s += a[k + j] * v[j]
                        out[k] = s
                    return out
                out = np.zeros(m - n + 1, _rt)
                for k in range(m - n + 1):
                    s = out[k]
                    for j in range(n):
                        s += a[j] * v[m - n - k + j]
                    out[k] = s
                return out
        return _make_env(impl, {"_rt": rt})
    return gen


overload(np.convolve)(_conv_gen("convolve", True))
overload(np.correlate)(_conv_gen("correlate", False))


@overload(np.cross)
def _cross(a, b):
    if not (_is_array(a) and _is_array(b) and a.ndim == 1 and b.ndim == 1):
        raise TypeError("np.cross(a, b) takes two 1-d arrays of 2 or 3 items in jit code "
                        "(for rows of 2-d arrays loop over them)")

    def impl(a, b):
        if a.shape[0] == 3 and b.shape[0] == 3:
            out = np.empty(3, _rt)
            out[0] = a[1] * b[2] - a[2] * b[1]
            out[1] = a[2] * b[0] - a[0] * b[2]
            out[2] = a[0] * b[1] - a[1] * b[0]
            return out
        raise ValueError('incompatible dimensions for cross product (dimension must be 3 in jit code)')
    return _make_env(impl, {"_rt": np.result_type(np.dtype(str(a.dtype)), np.dtype(str(b.dtype))).type})


def _trapezoid(y, x=None, dx=1.0):
    if not (_is_array(y) and y.ndim == 1):
        raise TypeError("np.trapezoid(y, x=None, dx=1.0) takes a 1-d array y in jit code")
    if _is_none(x):
        def impl(y, x=None, dx=1.0):
            s = 0.0
            for i in range(1, y.shape[0]):
                s += (y[i] + y[i - 1]) * 0.5
            return s * dx
        return impl
    if _is_array(x) and x.ndim == 1:
        def impl(y, x=None, dx=1.0):
            if x.shape[0] != y.shape[0]:
                raise ValueError('x and y must have the same length')
            s = 0.0
            for i in range(1, y.shape[0]):
                s += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) * 0.5
            return s
        return impl
    raise TypeError("np.trapezoid(y, x): x must be a 1-d array in jit code")


for _name in ("trapezoid", "trapz"):
    if hasattr(np, _name):
        overload(getattr(np, _name))(_trapezoid)


@overload(np.polyval)
def _polyval(p, x):
    if not (_is_array(p) and p.ndim == 1):
        raise TypeError("np.polyval(p, x) takes a 1-d array of coefficients in jit code")
    if _is_number(x):
        def impl(p, x):
            r = x * 0 + p[0] * 0
            for i in range(p.shape[0]):
                r = r * x + p[i]
            return r
        return impl
    if _is_array(x):
        def impl(p, x):
            r = np.zeros_like(x * p[0])
            for i in range(p.shape[0]):
                r = r * x + p[i]
            return r
        return impl
    raise TypeError("np.polyval(p, x): x must be a number or an array in jit code")


@overload(np.ediff1d)
def _ediff1d(ary, to_end=None, to_begin=None):
    if not _is_array(ary):
        raise TypeError("np.ediff1d(ary) takes an array in jit code")
    if not (_is_none(to_end) and _is_none(to_begin)):
        raise TypeError("np.ediff1d(..., to_end=, to_begin=) is not supported in jit code: use np.concatenate")

    def impl(ary, to_end=None, to_begin=None):
        flat = ary.ravel()
        n = max(flat.shape[0] - 1, 0)
        out = np.empty(n, ary.dtype)
        for i in range(n):
            out[i] = flat[i + 1] - flat[i]
        return out
    return impl


# Array methods compiled as these functions with the array first
# (jit/infer_np_method.c): a.all(axis) is np.all(a, axis).
METHODS = {
    "all": np.all, "any": np.any, "repeat": np.repeat, "clip": np.clip, "round": np.round,
    "swapaxes": np.swapaxes, "ptp": np.ptp, "conj": np.conj, "conjugate": np.conjugate,
    "squeeze": np.squeeze, "diagonal": np.diag,
}


# ---- more of the page's functions ----------------------------------------------------


@overload(np.average)
def _average(a, axis=None, weights=None):
    if not _is_array(a):
        raise TypeError("np.average(a, axis=None, weights=None) takes an array in jit code")
    if _is_none(weights):
        if _is_none(axis):
            return lambda a, axis=None, weights=None: a.mean()
        if _is_int(axis):
            return lambda a, axis=None, weights=None: a.mean(axis)
    elif _is_array(weights) and _is_none(axis):
        def impl(a, axis=None, weights=None):
            if a.shape != weights.shape:
                raise TypeError('Axis must be specified when shapes of a and weights differ.')
            s = weights.sum()
            if s == 0:
                raise ZeroDivisionError("Weights sum to zero, can't be normalized")
            return (a * weights).sum() / s
        return impl
    raise TypeError("np.average(a, axis, weights) with both an axis and weights is not supported in jit code: "
                    "write (a * w).sum(axis) / w.sum()")


@overload(np.nan_to_num)
def _nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    if not (_is_none(posinf) and _is_none(neginf)):
        raise TypeError("np.nan_to_num(..., posinf=, neginf=) is not supported in jit code: use np.where")
    if _is_array(x) and x.dtype.kind == "float":
        def impl(x, copy=True, nan=0.0, posinf=None, neginf=None):
            out = np.empty(x.shape, x.dtype)
            o = out.ravel()
            flat = x.ravel()
            for i in range(flat.shape[0]):
                v = flat[i]
                if v != v:
                    o[i] = nan
                elif v == np.inf:
                    o[i] = _fmax
                elif v == -np.inf:
                    o[i] = -_fmax
                else:
                    o[i] = v
            return o.reshape(x.shape)
        return _make_env(impl, {"_fmax": float(np.finfo(np.dtype(str(x.dtype))).max)})
    if _is_array(x):
        return lambda x, copy=True, nan=0.0, posinf=None, neginf=None: x.copy()
    if getattr(x, "kind", None) == "float":
        def impl(x, copy=True, nan=0.0, posinf=None, neginf=None):
            if x != x:
                return nan
            if x == np.inf:
                return 1.7976931348623157e308
            if x == -np.inf:
                return -1.7976931348623157e308
            return x
        return impl
    if _is_int(x):
        return lambda x, copy=True, nan=0.0, posinf=None, neginf=None: x
    raise TypeError("np.nan_to_num() takes a number or an array of numbers in jit code (complex: not supported)")


def _inf_test(name, sign):
    op = "<" if sign < 0 else ">"

    def gen(x):
        if _is_array(x):
            if x.dtype.kind != "float":
                return lambda x: np.zeros(x.shape, np.bool_)
            return _make(f"def impl(x):\n    return np.isinf(x) & (x {op} 0)\n", "impl", {})
        if _is_number(x) and getattr(x, "kind", None) != "complex":
            return _make(f"def impl(x):\n    return np.isinf(x) and x {op} 0\n", "impl", {})
        raise TypeError(f"np.{name}() takes a real number or array in jit code")
    return gen


overload(np.isneginf)(_inf_test("isneginf", -1))
overload(np.isposinf)(_inf_test("isposinf", 1))


@overload(np.sinc)
def _sinc(x):
    if _is_array(x):
        def impl(x):
            y = np.pi * np.where(x == 0, 1.0e-20, x)
            return np.where(x == 0, 1.0, np.sin(y) / y)
        return impl
    if _is_number(x) and getattr(x, "kind", None) != "complex":
        def impl(x):
            if x == 0:
                return 1.0
            y = np.pi * x
            return np.sin(y) / y
        return impl
    raise TypeError("np.sinc() takes a real number or array in jit code")


@overload(np.isin)
def _isin(element, test_elements, assume_unique=False, invert=False):
    if not (_is_array(element) and _is_array(test_elements)):
        raise TypeError("np.isin(element, test_elements) takes two arrays in jit code")

    def impl(element, test_elements, assume_unique=False, invert=False):
        t = np.sort(test_elements.ravel())
        flat = element.ravel()
        out = np.empty(flat.shape[0], np.bool_)
        for i in range(flat.shape[0]):
            k = np.searchsorted(t, flat[i])
            out[i] = (k < t.shape[0] and t[k] == flat[i]) != invert
        return out.reshape(element.shape)
    return impl


@overload(np.atleast_3d)
def _atleast_3d(a):
    if _is_array(a):
        if a.ndim == 1:
            return lambda a: np.ascontiguousarray(a).reshape(1, a.shape[0], 1)
        if a.ndim == 2:
            return lambda a: np.ascontiguousarray(a).reshape(a.shape[0], a.shape[1], 1)
        return lambda a: a
    if _is_number(a):
        return lambda a: np.full((1, 1, 1), a)
    raise TypeError("np.atleast_3d() takes one array or number in jit code")


@overload(np.asfortranarray)
def _asfortranarray(a):
    if _is_array(a):
        if a.ndim <= 1:
            return lambda a: np.ascontiguousarray(a)
        if a.layout == "F":
            return lambda a: a
        return lambda a: a.T.copy().T
    raise TypeError("np.asfortranarray() takes an array in jit code")


@overload(np.fill_diagonal)
def _fill_diagonal(a, val, wrap=False):
    if not (_is_array(a) and a.ndim == 2 and _is_number(val)):
        raise TypeError("np.fill_diagonal(a, val) takes a 2-d array and a number in jit code")

    def impl(a, val, wrap=False):
        n = min(a.shape[0], a.shape[1])
        for i in range(n):
            a[i, i] = val
        if wrap and a.shape[0] > a.shape[1]:
            i = a.shape[1] + 1
            while i < a.shape[0]:
                for j in range(a.shape[1]):
                    if i + j < a.shape[0]:
                        a[i + j, j] = val
                i += a.shape[1] + 1
    return impl


def _tri_indices(name, lower):
    def gen(n, k=0, m=None):
        if not _is_int(n) or not _is_int(k) or not (_is_none(m) or _is_int(m)):
            raise TypeError(f"np.{name}(n, k=0, m=None) takes integers in jit code")
        cond = "j <= i + k" if lower else "j >= i + k"
        mm = "n" if _is_none(m) else "m"
        src = (f"def impl(n, k=0, m=None):\n"
               f"    cols = {mm}\n"
               f"    cnt = 0\n"
               f"    for i in range(n):\n"
               f"        for j in range(cols):\n"
               f"            if {cond}:\n"
               f"                cnt += 1\n"
               f"    r = np.empty(cnt, np.int64)\n"
               f"    c = np.empty(cnt, np.int64)\n"
               f"    p = 0\n"
               f"    for i in range(n):\n"
               f"        for j in range(cols):\n"
               f"            if {cond}:\n"
               f"                r[p] = i\n"
               f"                c[p] = j\n"
               f"                p += 1\n"
               f"    return r, c\n")
        return _make(src, "impl", {})
    return gen


overload(np.tril_indices)(_tri_indices("tril_indices", True))
overload(np.triu_indices)(_tri_indices("triu_indices", False))


def _tri_indices_from(name, fn):
    def gen(arr, k=0):
        if not (_is_array(arr) and arr.ndim == 2 and _is_int(k)):
            raise TypeError(f"np.{name}(arr, k=0) takes a 2-d array in jit code")
        return _make("def impl(arr, k=0):\n    return _f(arr.shape[0], k, arr.shape[1])\n", "impl", {"_f": fn})
    return gen


overload(np.tril_indices_from)(_tri_indices_from("tril_indices_from", np.tril_indices))
overload(np.triu_indices_from)(_tri_indices_from("triu_indices_from", np.triu_indices))


@overload(np.vander)
def _vander(x, N=None, increasing=False):
    if not (_is_array(x) and x.ndim == 1) or not (_is_none(N) or _is_int(N)):
        raise TypeError("np.vander(x, N=None, increasing=False) takes a 1-d array in jit code")
    rt = np.result_type(np.dtype(str(x.dtype)), np.int64 if x.dtype.kind in ("int", "bool") else np.float64).type \
        if x.dtype.kind != "bool" else np.int64
    ncols = "x.shape[0]" if _is_none(N) else "N"
    src = (f"def impl(x, N=None, increasing=False):\n"
           f"    n = {ncols}\n"
           f"    out = np.empty((x.shape[0], n), _rt)\n"
           f"    for i in range(x.shape[0]):\n"
           f"        v = _rt(1)\n"
           f"        for j in range(n):\n"
           f"            if increasing:\n"
           f"                out[i, j] = v\n"
           f"            else:\n"
           f"                out[i, n - 1 - j] = v\n"
           f"            v = v * x[i]\n"
           f"    return out\n")
    return _make(src, "impl", {"_rt": rt})


def _nancum(name, prod):
    def gen(a, axis=None):
        if not _is_array(a) or not _is_none(axis):
            raise TypeError(f"np.{name}(a) takes an array (no axis) in jit code")
        fill = 1 if prod else 0
        fn = "cumprod" if prod else "cumsum"
        if a.dtype.kind == "float":
            return _make(f"def impl(a, axis=None):\n    return np.{fn}(np.where(np.isnan(a), {fill}, a))\n",
                         "impl", {})
        return _make(f"def impl(a, axis=None):\n    return np.{fn}(a)\n", "impl", {})
    return gen


overload(np.nancumsum)(_nancum("nancumsum", False))
overload(np.nancumprod)(_nancum("nancumprod", True))


@overload(np.delete)
def _delete(arr, obj, axis=None):
    if not _is_array(arr) or not _is_none(axis):
        raise TypeError("np.delete(arr, obj) takes an array (no axis: the flattened array) in jit code")
    if _is_int(obj):
        def impl(arr, obj, axis=None):
            flat = arr.ravel()
            n = flat.shape[0]
            k = obj + n if obj < 0 else obj
            if k < 0 or k >= n:
                raise IndexError('index is out of bounds for the array')
            out = np.empty(n - 1, arr.dtype)
            out[:k] = flat[:k]
            out[k:] = flat[k + 1:]
            return out
        return impl
    if _is_array(obj) and obj.ndim == 1 and _is_int(obj.dtype):
        def impl(arr, obj, axis=None):
            flat = arr.ravel()
            n = flat.shape[0]
            keep = np.ones(n, np.bool_)
            for i in range(obj.shape[0]):
                k = obj[i] + n if obj[i] < 0 else obj[i]
                if k < 0 or k >= n:
                    raise IndexError('index is out of bounds for the array')
                keep[k] = False
            return flat[keep]
        return impl
    raise TypeError("np.delete(arr, obj): obj must be an int or a 1-d integer array in jit code")


@overload(np.extract)
def _extract(condition, arr):
    if not (_is_array(condition) and _is_array(arr)):
        raise TypeError("np.extract(condition, arr) takes two arrays in jit code")

    def impl(condition, arr):
        c = condition.ravel()
        a = arr.ravel()
        if c.shape[0] > a.shape[0]:
            raise ValueError('condition is longer than the array')
        n = 0
        for i in range(c.shape[0]):
            if c[i]:
                n += 1
        out = np.empty(n, arr.dtype)
        k = 0
        for i in range(c.shape[0]):
            if c[i]:
                out[k] = a[i]
                k += 1
        return out
    return impl


@overload(np.logspace)
def _logspace(start, stop, num=50, endpoint=True, base=10.0):
    if not (_is_number(start) and _is_number(stop) and _is_int(num) and _is_number(base)):
        raise TypeError("np.logspace(start, stop, num=50, endpoint=True, base=10.0) takes numbers in jit code")

    def impl(start, stop, num=50, endpoint=True, base=10.0):
        return np.power(base * 1.0, np.linspace(start, stop, num, endpoint=endpoint))
    return impl


@overload(np.cov)
def _cov(m, y=None, rowvar=True, bias=False, ddof=None):
    if not (_is_array(m) and m.ndim in (1, 2)) or not _is_none(y) or not _is_none(ddof):
        raise TypeError("np.cov(m, rowvar=True, bias=False) takes a 1-d or 2-d array in jit code "
                        "(y= and ddof= are not supported: stack the variables with np.vstack)")
    if m.ndim == 1:
        def impl(m, y=None, rowvar=True, bias=False, ddof=None):
            n = m.shape[0]
            return m.var() * n / (n if bias else n - 1)
        return impl

    def impl(m, y=None, rowvar=True, bias=False, ddof=None):
        x = np.ascontiguousarray(m) if rowvar else np.ascontiguousarray(m.T)
        nvar = x.shape[0]
        nobs = x.shape[1]
        d = nobs if bias else nobs - 1
        mean = np.empty(nvar)
        for i in range(nvar):
            mean[i] = x[i].mean()
        out = np.empty((nvar, nvar))
        for i in range(nvar):
            for j in range(i, nvar):
                s = 0.0
                for k in range(nobs):
                    s += (x[i, k] - mean[i]) * (x[j, k] - mean[j])
                out[i, j] = s / d
                out[j, i] = out[i, j]
        return out
    return impl


@overload(np.corrcoef)
def _corrcoef(x, y=None, rowvar=True):
    if not (_is_array(x) and x.ndim in (1, 2)) or not _is_none(y):
        raise TypeError("np.corrcoef(x, rowvar=True) takes a 1-d or 2-d array in jit code (y=: stack them with np.vstack)")
    if x.ndim == 1:
        return lambda x, y=None, rowvar=True: 1.0

    def impl(x, y=None, rowvar=True):
        c = np.cov(x, None, rowvar)
        n = c.shape[0]
        out = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                v = c[i, j] / np.sqrt(c[i, i] * c[j, j])
                out[i, j] = min(1.0, max(-1.0, v))
        return out
    return impl


@overload(np.rot90)
def _rot90(m, k=1):
    if not (_is_array(m) and m.ndim == 2 and _is_int(k)):
        raise TypeError("np.rot90(m, k=1) takes a 2-d array in jit code (axes= is not supported)")

    def impl(m, k=1):
        r = k % 4
        if r == 0:
            return m[:, :]
        if r == 1:
            return m.T[::-1, :]
        if r == 2:
            return m[::-1, ::-1]
        return m.T[:, ::-1]
    return impl


@overload(np.take_along_axis)
def _take_along_axis(arr, indices, axis):
    if not (_is_array(arr) and _is_array(indices) and arr.ndim == indices.ndim and arr.ndim in (1, 2)
            and _is_int(indices.dtype) and _is_int(axis)):
        raise TypeError("np.take_along_axis(arr, indices, axis) takes 1-d or 2-d arrays of the same ndim "
                        "and an integer axis in jit code")
    if arr.ndim == 1:
        def impl(arr, indices, axis):
            out = np.empty(indices.shape[0], arr.dtype)
            n = arr.shape[0]
            for i in range(indices.shape[0]):
                k = indices[i] + n if indices[i] < 0 else indices[i]
                if k < 0 or k >= n:
                    raise IndexError('index is out of bounds for the array')
                out[i] = arr[k]
            return out
        return impl

    def impl(arr, indices, axis):
        ax = axis + 2 if axis < 0 else axis
        if ax < 0 or ax > 1:
            raise ValueError('axis is out of bounds for an array of dimension 2')
        out = np.empty(indices.shape, arr.dtype)
        for i in range(indices.shape[0]):
            for j in range(indices.shape[1]):
                if ax == 0:
                    n = arr.shape[0]
                    k = indices[i, j] + n if indices[i, j] < 0 else indices[i, j]
                    if k < 0 or k >= n:
                        raise IndexError('index is out of bounds for the array')
                    out[i, j] = arr[k, 0 if arr.shape[1] == 1 else j]
                else:
                    n = arr.shape[1]
                    k = indices[i, j] + n if indices[i, j] < 0 else indices[i, j]
                    if k < 0 or k >= n:
                        raise IndexError('index is out of bounds for the array')
                    out[i, j] = arr[0 if arr.shape[0] == 1 else i, k]
        return out
    return impl


@overload(np.trim_zeros)
def _trim_zeros(filt, trim="fb"):
    if not (_is_array(filt) and filt.ndim == 1) or not isinstance(trim, str):
        raise TypeError("np.trim_zeros(filt) takes a 1-d array (the default trim='fb') in jit code")

    def impl(filt, trim=None):      # only the default trim='fb' (jit code has no strings)
        lo = 0
        hi = filt.shape[0]
        while lo < hi and filt[lo] == 0:
            lo += 1
        while hi > lo and filt[hi - 1] == 0:
            hi -= 1
        return filt[lo:hi]
    return impl


@overload(np.unwrap)
def _unwrap(p, discont=None, axis=-1, period=6.283185307179586):
    if not (_is_array(p) and p.ndim == 1) or not _is_none(discont):
        raise TypeError("np.unwrap(p) takes a 1-d array (default discont and period) in jit code")

    def impl(p, discont=None, axis=-1, period=6.283185307179586):
        n = p.shape[0]
        out = np.empty(n)
        if n == 0:
            return out
        half = period / 2
        out[0] = p[0]
        corr = 0.0
        for i in range(1, n):
            dd = p[i] - p[i - 1]
            ddmod = (dd + half) % period - half
            if ddmod == -half and dd > 0:
                ddmod = half
            if abs(dd) >= half:
                corr += ddmod - dd
            out[i] = p[i] + corr
        return out
    return impl

from . import _np_random  # noqa: E402,F401  (np.random.shuffle, permutation, choice)
