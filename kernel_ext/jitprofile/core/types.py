"""``numba.core.types`` is ``jitprofile.types`` (the same module object)."""
import sys

from .. import types as _m

sys.modules[__name__] = _m
