"""bench/kernels_strings.py - the string kernels of bench_strings.py, one
source loaded under CPython, Numba and jitprofile (examples/jitload.py gives
`jit`)."""


@jit  # noqa: F821
def word_count(text, word):
    n = 0
    for line in text.split("\n"):
        for w in line.split():
            if w.strip(".,;!?").lower() == word:
                n += 1
    return n


@jit  # noqa: F821
def vowels(text):
    n = 0
    for ch in text:
        if ch in "aeiou":
            n += 1
    return n


@jit  # noqa: F821
def build_join(n):
    parts = []
    for i in range(n):
        parts.append(str(i))
    return len(",".join(parts))


@jit  # noqa: F821
def find_all(text, sub):
    n = 0
    i = text.find(sub)
    while i >= 0:
        n += 1
        i = text.find(sub, i + 1)
    return n


@jit  # noqa: F821
def replace_upper(text):
    return len(text.replace("the", "THE").upper())


@jit  # noqa: F821
def format_floats(n):
    total = 0
    for i in range(n):
        s = f"{i * 0.5:.3f}|{i:5d}"
        total += len(s)
    return total
