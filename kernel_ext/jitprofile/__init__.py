"""jitprofile: a performance workbench for numerical Python.

``import jitprofile as nb`` works for ordinary Numba code: ``jit``, ``njit``,
the type objects (``float64``, ``int64``, ...) and the errors.
"""
from . import _core
from ._core import CompileError, TypingError, UnsupportedError, InternalError, Dispatcher, typeof
from .decorators import jit, njit, prange
from .ufunc import vectorize, guvectorize, set_num_threads, get_num_threads
from .extending import generated_jit, overload
from .jitclass import jitclass
from .types import *  # noqa: F401,F403
from . import types
from . import config, errors
from .objmode import objmode, ObjModeDispatcher
from ._literal import literally, literal_unroll
from .np.numpy_support import from_dtype
from . import _alias
from . import serialize     # jitted objects pickle (Dask, multiprocessing)

_alias.install()


def get_thread_id():
    """The calling thread's number in the thread pool (Numba's
    get_thread_id): 0 outside the pool's workers, which is where Python code
    runs; inside a prange body in jit code, 0 for the thread that started the
    loop and 1... for the workers."""
    return 0


__version__ = "0.1.0"
__all__ = ["jit", "njit", "objmode", "literally", "literal_unroll", "from_dtype",
           "get_thread_id", "stencil", "config", "errors", "prange", "generated_jit", "overload", "jitclass", "vectorize", "guvectorize", "set_num_threads", "get_num_threads",
           "typeof", "types", "Dispatcher", "CompileError", "TypingError",
           "UnsupportedError", "InternalError"] + types.__all__


def load_ipython_extension(ip):
    """`%load_ext jitprofile`: the %%jitprofile magics (jitprofile.magics)."""
    from .magics import load
    load(ip)


def __getattr__(name):
    # the profiler's and the CUDA target's glue load on first use:
    # `import jitprofile` stays cheap (cuda imports numpy)
    if name == "Profile":
        from .profile import Profile
        return Profile
    if name in ("advise", "Suggestion"):
        from . import advisor
        return getattr(advisor, name)
    if name in ("stencil", "StencilFunc"):
        from . import stencils as _stencil    # ast/inspect load on first use
        return getattr(_stencil, name)
    if name in ("apply", "undo", "applied"):
        from . import applier
        return getattr(applier, name)
    if name in ("typed", "extending", "experimental", "core", "np"):
        import importlib
        return importlib.import_module("." + name, __name__)
    if name == "cuda":
        import importlib
        return importlib.import_module(".cuda", __name__)
    raise AttributeError(f"module 'jitprofile' has no attribute {name!r}")
