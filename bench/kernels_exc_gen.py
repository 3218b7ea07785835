"""bench/kernels_exc_gen.py - the kernels of bench_exc_gen.py, one source
loaded under CPython, Numba and jitprofile (examples/jitload.py gives
`jit`).  Only forms Numba accepts: `except Exception`, plain generators."""


@jit  # noqa: F821
def squares(n):
    for i in range(n):
        yield i * i % 7


@jit  # noqa: F821
def gen_sum(n):
    total = 0
    for x in squares(n):
        total += x
    return total


@jit  # noqa: F821
def try_in_loop(a, b):
    s = 0
    for i in range(a.shape[0]):
        try:
            s += int(a[i]) // int(b[i])
        except Exception:
            s -= 1
    return s


@jit  # noqa: F821
def fails(x):
    if x < 0:
        raise ValueError("negative")
    return x


@jit  # noqa: F821
def catch_callee(a):
    bad = 0
    for i in range(a.shape[0]):
        try:
            fails(a[i])
        except Exception:
            bad += 1
    return bad
