"""``literally`` and ``literal_unroll``: identities in Python, and in jit
code (registered as @overload implementations compiled from `identity`)."""


def identity(x):
    return x


def literally(obj):
    """Numba's literally(): jitprofile compiles on argument types and treats
    the value as an ordinary argument, so it is the identity."""
    return obj


def literal_unroll(container):
    """Numba's literal_unroll(): the identity (iterating the tuple itself)."""
    return container
