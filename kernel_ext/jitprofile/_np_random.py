"""np.random.shuffle, np.random.permutation and np.random.choice in jit code.

Written, like _np_lib.py, in the Python that jit code compiles and registered
with @overload.  They follow NumPy's legacy RandomState algorithms step by
step and draw from the jit's own MT19937 (jit/random.c) through
np.random.randint / np.random.random, whose draws are NumPy's own: so after
np.random.seed(n) in jit code they give exactly what NumPy gives after
np.random.seed(n) in Python (shuffle: Fisher-Yates from the end with
random_interval; permutation: shuffle of a copy or of arange(n); choice:
randint, the cdf and searchsorted of random_sample, permutation(n)[:size],
or the rejection loop with p for replace=False).
"""
import numpy as np

from ._np_lib import _is_array, _is_int, _is_none, _jit_helper, _make, overload

_ATOL = float(np.sqrt(np.finfo(np.float64).eps))
_ATOL32 = max(_ATOL, float(np.sqrt(np.finfo(np.float32).eps)))


@_jit_helper
def _shuffle_1d(x):
    for i in range(x.shape[0] - 1, 0, -1):
        j = np.random.randint(0, i + 1)
        t = x[i]
        x[i] = x[j]
        x[j] = t


@_jit_helper
def _shuffle_rows(x):
    n = x.shape[0]
    if n == 0:
        return
    buf = np.empty_like(x[0])
    for i in range(n - 1, 0, -1):
        j = np.random.randint(0, i + 1)
        if i == j:
            continue
        buf[...] = x[j]
        x[j] = x[i]
        x[i] = buf


@overload(np.random.shuffle)
def _shuffle(x):
    if not _is_array(x):
        raise TypeError("np.random.shuffle(x) takes an array in jit code (for a list use random.shuffle)")
    if x.ndim == 1:
        def impl(x):
            _shuffle_1d(x)
        return impl

    def impl_nd(x):
        _shuffle_rows(x)
    return impl_nd


@overload(np.random.permutation)
def _permutation(x):
    if _is_int(x):
        def impl(x):
            arr = np.arange(x)
            _shuffle_1d(arr)
            return arr
        return impl
    if not _is_array(x):
        raise TypeError("np.random.permutation(x) takes an integer or an array in jit code")
    if x.ndim == 1:
        def impl_1d(x):
            arr = x.copy()
            _shuffle_1d(arr)
            return arr
        return impl_1d

    def impl_nd(x):
        idx = np.arange(x.shape[0])
        _shuffle_1d(idx)
        return x[idx]
    return impl_nd


@_jit_helper
def _choice_uniform(pop, n, replace):
    if replace:
        out = np.empty(n, np.int64)
        for k in range(n):
            out[k] = np.random.randint(0, pop)
        return out
    if n > pop:
        raise ValueError("Cannot take a larger sample than population when 'replace=False'")
    if n < 0:
        raise ValueError("Negative dimensions are not allowed")
    perm = np.arange(pop)
    _shuffle_1d(perm)
    return perm[:n].copy()


@_jit_helper
def _choice_weighted(pop, n, replace, p, atol):
    if p.shape[0] != pop:
        raise ValueError("'a' and 'p' must have same size")
    s = 0.0
    comp = 0.0
    neg = False
    nonzero = 0
    for k in range(pop):
        v = float(p[k])
        if v < 0:
            neg = True
        if v > 0:
            nonzero += 1
        y = v - comp            # Kahan's sum, as NumPy's check
        t = s + y
        comp = (t - s) - y
        s = t
    if np.isnan(s):
        raise ValueError("probabilities contain NaN")
    if neg:
        raise ValueError("probabilities are not non-negative")
    if abs(s - 1.0) > atol:
        raise ValueError("probabilities do not sum to 1")
    pp = p.astype(np.float64)
    out = np.empty(n, np.int64)
    if replace:
        cdf = np.cumsum(pp)
        cdf /= cdf[-1]
        for k in range(n):
            out[k] = np.searchsorted(cdf, np.random.random(), side="right")
        return out
    if n > pop:
        raise ValueError("Cannot take a larger sample than population when 'replace=False'")
    if n < 0:
        raise ValueError("Negative dimensions are not allowed")
    if nonzero < n:
        raise ValueError("Fewer non-zero entries in p than size")
    seen = np.zeros(pop, np.bool_)
    n_uniq = 0
    while n_uniq < n:
        m = n - n_uniq
        x = np.empty(m)
        for k in range(m):
            x[k] = np.random.random()
        for k in range(n_uniq):
            pp[out[k]] = 0.0
        cdf = np.cumsum(pp)
        cdf /= cdf[-1]
        # the new indices of this round once each, in the order they first came
        for k in range(m):
            j = np.searchsorted(cdf, x[k], side="right")
            if not seen[j]:
                seen[j] = True
                out[n_uniq] = j
                n_uniq += 1
    return out


def _size_kind(size):
    if _is_none(size):
        return "none"
    if _is_int(size):
        return "int"
    if getattr(size, "kind", None) == "tuple" and all(_is_int(e) for e in size.elements):
        return "tuple"
    raise TypeError("np.random.choice(a, size) takes size as None, an integer or a tuple of integers in jit code")


@overload(np.random.choice)
def _choice(a, size=None, replace=True, p=None):
    a_int = _is_int(a)
    if not a_int and not (_is_array(a) and a.ndim == 1):
        raise TypeError("np.random.choice(a) takes an integer or a 1-d array in jit code (a must be 1-dimensional)")
    sk = _size_kind(size)
    weighted = not _is_none(p)
    if weighted and not (_is_array(p) and p.ndim == 1 and p.dtype.kind in ("int", "float", "bool")):
        raise TypeError("np.random.choice(..., p=) takes a 1-d array of probabilities in jit code")
    if not (isinstance(replace, bool) or getattr(replace, "kind", None) in ("bool", "int")):
        raise TypeError("np.random.choice(..., replace=) takes a bool in jit code")
    atol = _ATOL32 if weighted and p.dtype.kind == "float" and p.dtype.bitwidth == 32 else _ATOL
    pop = "a" if a_int else "a.shape[0]"
    n = {"none": "1", "int": "size", "tuple": "_prod(size)"}[sk]
    empty = ("a must be greater than 0 unless no samples are taken" if a_int
             else "'a' cannot be empty unless no samples are taken")
    draw = (f"_choice_weighted(pop, n, replace, p, {atol!r})" if weighted
            else "_choice_uniform(pop, n, replace)")
    if sk == "none":
        result = "idx[0]" if a_int else "a[idx[0]]"
    else:
        result = "idx" if a_int else "a[idx]"
        if sk == "tuple":
            result += ".reshape(size)"
    src = (f"def impl(a, size=None, replace=True, p=None):\n"
           f"    pop = {pop}\n"
           f"    n = {n}\n"
           f"    if pop <= 0 and {'True' if sk == 'none' else 'n != 0'}:\n"
           f"        raise ValueError({empty!r})\n"
           f"    idx = {draw}\n"
           f"    return {result}\n")
    return _make(src, "impl", {"_choice_weighted": _choice_weighted, "_choice_uniform": _choice_uniform,
                               "_prod": _prod})


@_jit_helper
def _prod(t):
    n = 1
    for s in t:
        n *= s
    return n
