"""The sampler on real JIT code: samples that land in @njit functions are
named from the JIT's symbol registry ("mandel [jit float64,float64,int64]",
category jit, at a line of its Python source), and native unwinding goes
through JIT frames (frame pointers) back into the C code and the Python
frames that called them."""
import inspect
import threading
import time

import jitprofile
from jitprofile import njit

MANDEL = "mandel [jit float64,float64,int64]"


@njit
def mandel(x, y, max_iters):
    i = 0
    c = complex(x, y)
    z = 0.0j
    for i in range(max_iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


def create_fractal(width, height, iters):
    """Python loop over the grid; each pixel is one call of jitted mandel."""
    total = 0
    for x in range(width):
        real = -2.0 + x * 3.0 / width
        for y in range(height):
            imag = -1.0 + y * 2.0 / height
            total += mandel(real, imag, iters)
    return total


@njit
def create_fractal_sum(width, height, iters):
    total = 0
    for x in range(width):
        real = -2.0 + x * 3.0 / width
        for y in range(height):
            imag = -1.0 + y * 2.0 / height
            total += mandel(real, imag, iters)
    return total


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def run_for(cpu_seconds, fn, *args):
    end = time.thread_time() + cpu_seconds
    while time.thread_time() < end:
        fn(*args)


def source_span(fn):
    lines, first = inspect.getsourcelines(fn.py_func if hasattr(fn, "py_func") else fn)
    return first, first + len(lines) - 1, lines


def leaf_samples(prof, thread):
    """[(function name, category, line of the leaf frame, weight)] of one
    thread's samples."""
    data = prof.data
    funcs, frames, nodes, threads = (data.functions(), data.frames(), data.nodes(),
                                     data.threads())
    out = []
    for t, node, _ts, weight in data.samples():
        if threads[t][1] != thread:
            continue
        func, line = frames[nodes[node][1]]
        out.append((funcs[func][0], funcs[func][4], line, weight))
    return out


def path_has(stack, *names):
    it = iter(stack)
    return all(any(f == n for f in it) for n in names)


def test_jit_leaf_named_with_its_python_line_under_the_python_caller():
    create_fractal(4, 4, 10)            # compile outside the profile
    with jitprofile.Profile(hz=1000) as prof:
        run_for(0.6, create_fractal, 60, 40, 3000)
    me = threading.get_native_id()
    funcs = {f[0]: f for f in prof.data.functions()}
    assert MANDEL in funcs, prof.to_collapsed()
    assert funcs[MANDEL][4] == "jit"
    assert funcs[MANDEL][1] == __file__
    # most of the time is in mandel's machine code (the grid has many points
    # inside the set that run all 3000 iterations)
    leaves = leaf_samples(prof, me)
    total = sum(w for *_, w in leaves)
    in_jit = [(line, w) for name, cat, line, w in leaves if name == MANDEL]
    assert sum(w for _, w in in_jit) > 0.6 * total, prof.text()
    # at lines of mandel's own source, mostly its loop
    first, last, src = source_span(mandel)
    assert all(first <= line <= last for line, _ in in_jit), (first, last, in_jit[:10])
    loop = {first + i for i, text in enumerate(src)
            if "z = z * z + c" in text or "z.real * z.real" in text
            or "for i in range" in text}
    in_loop = sum(w for line, w in in_jit if line in loop)
    assert in_loop > 0.5 * sum(w for _, w in in_jit), (loop, in_jit[:20])
    # the stack: this test > create_fractal > (the dispatcher's C) > mandel
    hits = [(s, w) for s, w in prof.stacks()
            if s[-1] == MANDEL and path_has(
                s, "test_jit_leaf_named_with_its_python_line_under_the_python_caller",
                "create_fractal", "dispatcher_vectorcall", MANDEL)]
    assert sum(w for _, w in hits) > 0.9 * sum(w for _, w in in_jit), prof.to_collapsed()


def test_jit_caller_of_jit_code_unwinds_back_into_python():
    create_fractal_sum(4, 4, 10)
    with jitprofile.Profile(hz=1000) as prof:
        run_for(0.4, create_fractal_sum, 60, 40, 3000)
    name = "create_fractal_sum [jit int64,int64,int64]"
    me = threading.get_native_id()
    leaves = leaf_samples(prof, me)
    total = sum(w for *_, w in leaves)
    jit_leaves = [(n, line, w) for n, cat, line, w in leaves if cat == "jit"]
    assert sum(w for *_, w in jit_leaves) > 0.6 * total, prof.text()
    # mandel is inlined into its jitted caller by O3 (its lines then read as
    # the call's); whichever symbol the leaf is in, its line is in its source
    spans = {name: source_span(create_fractal_sum)[:2], MANDEL: source_span(mandel)[:2]}
    assert {n for n, *_ in jit_leaves} <= set(spans), jit_leaves[:5]
    assert all(spans[n][0] <= line <= spans[n][1] for n, line, _ in jit_leaves)
    # frame-pointer walking leaves the JIT code and reaches the dispatcher,
    # then the interpreter, whose Python frames replace it
    jit_w = sum(w for *_, w in jit_leaves)
    through = sum(w for s, w in prof.stacks() if path_has(
        s, "test_jit_caller_of_jit_code_unwinds_back_into_python", "run_for",
        "dispatcher_vectorcall", name))
    assert through > 0.9 * jit_w, prof.to_collapsed()


def test_recursive_jit_frames_are_walked_one_by_one():
    fib(10)
    with jitprofile.Profile(hz=1000) as prof:
        run_for(0.4, fib, 25)
    name = "fib [jit int64]"
    deep = [(s, w) for s, w in prof.stacks() if s[-1] == name]
    assert deep, prof.to_collapsed()
    jit_w = sum(w for _, w in deep)
    # each recursion level is its own frame (O3 inlines a few levels into
    # one), all of them under the Python caller and the dispatcher
    assert max(s.count(name) for s, _ in deep) >= 5
    rooted = sum(w for s, w in deep if path_has(
        s, "test_recursive_jit_frames_are_walked_one_by_one", "run_for",
        "dispatcher_vectorcall", name))
    assert rooted > 0.9 * jit_w, prof.to_collapsed()
    # between the dispatcher and the leaf there is nothing but fib
    for s, _ in deep:
        if "dispatcher_vectorcall" in s:
            i = len(s) - 1 - s[::-1].index("dispatcher_vectorcall")
            assert all(f == name for f in s[i + 1:]), s
