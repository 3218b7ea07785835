"""Numba's ``numba.core`` package: ``types``, ``errors`` and ``config``
under the names a migrating program imports them by."""
from .. import config, errors, types  # noqa: F401
