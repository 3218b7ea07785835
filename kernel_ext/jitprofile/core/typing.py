"""``numba.core.typing``'s ``signature(return_type, *args)`` and ``Signature``:
what code written for Numba builds explicit signatures with."""
from .. import _core

Signature = _core.Signature


def signature(return_type, *args):
    """The signature ``return_type(*args)`` (``types.void`` for none), as
    ``numba.core.typing.signature`` builds it."""
    if not isinstance(return_type, _core.Type):
        raise TypeError(f"signature(): the return type must be a type, not {return_type!r}")
    return return_type(*args)
