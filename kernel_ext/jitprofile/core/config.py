"""``numba.core.config`` is ``jitprofile.config`` (the same module object)."""
import sys

from .. import config as _m

sys.modules[__name__] = _m
