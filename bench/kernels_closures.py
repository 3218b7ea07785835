"""bench/kernels_closures.py - the function kernels of bench_closures.py,
one source loaded under CPython, Numba and jitprofile (examples/jitload.py
gives `jit`): an inner function closing over locals in a hot loop, a list
sorted with a lambda key, map/filter over a list, and a jitted function
passed as an argument.  The lambdas read no locals: Numba refuses a key or
map function that captures a non-constant ("Cannot capture the non-constant
value ... in a function that may escape"); jitprofile accepts both."""


@jit  # noqa: F821
def inner_loop(a, k):
    shift = 1.0

    def f(x):
        return x * k + shift
    s = 0.0
    for i in range(a.shape[0]):
        s += f(a[i])
    return s


@jit  # noqa: F821
def sort_lambda_key(a):
    xs = [v for v in a]
    xs.sort(key=lambda v: abs(v - 0.5))     # Numba: a key may not capture locals
    return xs[0] + xs[len(xs) // 2] * 2.0 + xs[-1] * 3.0


@jit  # noqa: F821
def map_filter(a):
    xs = [v for v in a]
    ys = list(map(lambda v: v * 2.0, filter(lambda v: v > 0.5, xs)))
    return len(ys) + sum(ys)


@jit  # noqa: F821
def square(x):
    return x * x


@jit  # noqa: F821
def apply_sum(f, a):
    s = 0.0
    for i in range(a.shape[0]):
        s += f(a[i])
    return s


def function_argument(a):
    return apply_sum(square, a)
