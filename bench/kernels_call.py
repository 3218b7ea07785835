"""bench/kernels_call.py - owns the call-overhead kernel: the smallest
function worth jitting, loaded under each `jit` by examples/jitload.py."""
if "jit" not in globals():
    def jit(func):
        return func


@jit
def add(a, b):
    return a + b
