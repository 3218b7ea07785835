"""bench/kernels_containers.py - the container kernels of
bench_containers.py, one source loaded under CPython, Numba and jitprofile
(examples/jitload.py gives `jit`).  Lists built in jit code; the sorts take
their items from an array so every implementation sorts the same data."""


@jit  # noqa: F821
def append_loop(n):
    out = []
    for i in range(n):
        out.append(i * 0.5)
    s = 0.0
    for i in range(0, n, 97):
        s += out[i]
    return s + len(out)


@jit  # noqa: F821
def sort_list(a):
    xs = [v for v in a]
    xs.sort()
    return xs[0] + xs[len(xs) // 2] * 2.0 + xs[-1] * 3.0


@jit  # noqa: F821
def sort_reflected(xs):
    xs.sort()
    return xs[0] + xs[-1]


@jit  # noqa: F821
def comprehension(n):
    sq = [i * i for i in range(n) if i % 3 != 0]
    return sum(sq) + len(sq)


@jit  # noqa: F821
def dict_count(a):
    d = {a[0]: 0}      # typed by its first item (Numba cannot type get() on an empty {})
    for x in a:
        d[x] = d.get(x, 0) + 1
    best = 0
    for k in d:
        if d[k] > best:
            best = d[k]
    return len(d) * 1000003 + best


@jit  # noqa: F821
def word_count(text):
    words = text.split()
    d = {words[0]: 0}  # typed by its first item (Numba cannot type get() on an empty {})
    for w in words:
        d[w] = d.get(w, 0) + 1
    best = 0
    for k in d:
        if d[k] > best:
            best = d[k]
    return len(d) * 1000003 + best
