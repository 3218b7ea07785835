"""Settings, read from the environment (Numba's ``numba.config``).

Each setting is read from ``JITPROFILE_<NAME>`` first, then Numba's own
``NUMBA_<NAME>``, so a program tuned for Numba keeps its settings under
``import jitprofile as numba``.  Assigning an attribute here (as Numba
allows) changes what later decorations see; ``reload_config()`` reads the
environment again.

=====================  ===============================================  ========
attribute              effect                                           default
=====================  ===============================================  ========
NUMBA_NUM_THREADS      threads of parallel ufuncs and prange loops      CPU count
DISABLE_JIT            ``@jit``/``@njit``/``@jitclass`` return the       0
                       Python function/class unchanged (as Numba does)
BOUNDSCHECK            1/0 forces ``boundscheck`` on/off everywhere;    None
                       unset leaves it to each decorator
CACHE_DIR              where ``cache=True`` keeps compiled code         ""
OPT                    LLVM optimisation level 0-3 of new compiles      3
DEBUGINFO_DEFAULT      accepted (line tables are always emitted)        0
THREADING_LAYER        accepted; jitprofile has one pool ("default")   "default"
=====================  ===============================================  ========
"""
import os

NUMBA_DEFAULT_NUM_THREADS = max(1, os.cpu_count() or 1)


def _env(name, default=None):
    for prefix in ("JITPROFILE_", "NUMBA_"):
        v = os.environ.get(prefix + name)
        if v is not None and v != "":
            return v
    return default


def _int(name, default):
    v = _env(name)
    if v is None:
        return default
    try:
        return int(v)
    except ValueError:
        raise ValueError(f"environment variable {name} (JITPROFILE_/NUMBA_) must be an "
                         f"integer, not {v!r}") from None


def _opt(v):
    if v is None:
        return 3
    if str(v).lower() == "max":
        return 3
    n = int(v)
    if not 0 <= n <= 3:
        raise ValueError(f"OPT must be 0, 1, 2, 3 or 'max', not {v!r}")
    return n


def reload_config():
    """Read the environment again (Numba's numba.config.reload_config)."""
    g = globals()
    g["NUMBA_NUM_THREADS"] = _int("NUM_THREADS", NUMBA_DEFAULT_NUM_THREADS)
    if g["NUMBA_NUM_THREADS"] < 1:
        raise ValueError("NUM_THREADS must be at least 1")
    g["DISABLE_JIT"] = _int("DISABLE_JIT", 0)
    bc = _env("BOUNDSCHECK")
    g["BOUNDSCHECK"] = None if bc is None else int(bc)
    g["CACHE_DIR"] = _env("CACHE_DIR", "")
    g["OPT"] = _opt(_env("OPT"))
    g["DEBUGINFO_DEFAULT"] = _int("DEBUGINFO", 0)
    g["THREADING_LAYER"] = _env("THREADING_LAYER", "default")
    g["DEBUG"] = _int("DEBUG", 0)
    g["DISABLE_PERFORMANCE_WARNINGS"] = _int("DISABLE_PERFORMANCE_WARNINGS", 0)
    g["FULL_TRACEBACKS"] = _int("FULL_TRACEBACKS", 0)
    g["DEVELOPER_MODE"] = _int("DEVELOPER_MODE", 0)
    g["ENABLE_CUDASIM"] = _int("ENABLE_CUDASIM", 0)
    g["DISABLE_CUDA"] = _int("DISABLE_CUDA", 0)


reload_config()
