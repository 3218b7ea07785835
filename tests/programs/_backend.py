"""Picks the JIT a corpus program runs under: jitprofile (the default, as a
migrating user writes it: ``import jitprofile as numba``) or the real Numba
(PROGRAM_BACKEND=numba, for bench/bench_programs.py only)."""
import os

if os.environ.get("PROGRAM_BACKEND") == "numba":
    import numba
else:
    import jitprofile as numba

__all__ = ["numba"]
