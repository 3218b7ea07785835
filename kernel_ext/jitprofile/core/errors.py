"""``numba.core.errors`` is ``jitprofile.errors`` (the same module object)."""
import sys

from .. import errors as _m

sys.modules[__name__] = _m
