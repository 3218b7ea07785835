"""``numba.core.extending`` is ``jitprofile.extending`` (the same module object)."""
import sys

from .. import extending as _m

sys.modules[__name__] = _m
