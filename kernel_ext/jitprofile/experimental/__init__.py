"""Numba-compatible location of jitclass."""
from ..jitclass import jitclass  # noqa: F401
