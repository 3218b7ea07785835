"""Picks the JIT a corpus program runs under: jitprofile (the default, as a
migrating user writes it: ``import jitprofile as numba``) or the real Numba
(PROGRAM_BACKEND=numba, for bench/bench_programs.py only).

Where the real Numba is installed too (the benchmark's environment), a
program's later ``from numba import njit`` would import it (jitprofile's alias
hook always yields to a real Numba), so under the jitprofile backend the
name ``numba`` is bound to jitprofile in sys.modules first."""
import importlib.util
import os
import sys

if os.environ.get("PROGRAM_BACKEND") == "numba":
    import numba
else:
    import jitprofile as numba
    if importlib.util.find_spec("numba") is not None:
        sys.modules["numba"] = numba

__all__ = ["numba"]
