"""@jit / @njit: Numba's spelling over the C Dispatcher (jit/dispatcher.c)."""
from . import _core, _sigutils, config
from .objmode import ObjModeDispatcher
from .serialize import remember

_OPTIONS = ("nogil", "fastmath", "boundscheck", "error_model")
_DEFAULTS = {"locals": None, "cache": False, "boundscheck": None, "forceobj": False, "nopython": True,
             "nogil": False, "fastmath": False, "error_model": "python", "parallel": False}


def _signature_list(sig):
    return _sigutils.signature_list(sig)     # shared with @cuda.jit


def jit(signature_or_function=None, locals=None, cache=False, pipeline_class=None,
        boundscheck=None, *, nopython=True, forceobj=False, nogil=False, fastmath=False,
        error_model="python", parallel=False, inline="never", **options):
    """Compile a Python function to native code (Numba-compatible).

    Bare (``@jit``) or with options; explicit signatures as a string
    ``"float64(float64, int64)"``, a signature object ``float64(float64)``,
    or a list of them, compile eagerly and fix the signatures.

    ``forceobj=True`` runs the function in the Python interpreter (object
    mode, one ObjectModeWarning at the first call); ``nopython=False``
    compiles and falls back to the interpreter, with the same warning, for
    argument types that do not compile.  Plain ``@jit`` is nopython mode (as
    Numba >= 0.59): code the JIT cannot compile raises a clear error.
    ``cache=True`` keeps the compiled code on disk (``__pycache__`` beside the
    source, or ``$JITPROFILE_CACHE_DIR`` / ``$NUMBA_CACHE_DIR``) for the next
    process; it is keyed on the sources and frozen globals of every function
    the code depends on, the CPU and the versions.  ``parallel=True`` runs
    ``prange`` loops on the thread pool (with +, -, *, min and max reductions).
    With ``config.DISABLE_JIT`` set (``NUMBA_DISABLE_JIT=1``) the decorator
    returns the Python function unchanged.
    """
    options.pop("looplift", None)       # object mode does not lift loops: accepted, no effect
    unknown = set(options) - {"target", "no_cpython_wrapper", "no_cfunc_wrapper", "debug"}
    if unknown:
        raise TypeError(f"jit() got unexpected option(s): {', '.join(sorted(unknown))}")
    if config.BOUNDSCHECK is not None:
        boundscheck = bool(config.BOUNDSCHECK)
    opts = {"nogil": nogil, "fastmath": bool(fastmath), "boundscheck": bool(boundscheck),
            "error_model": error_model, "parallel": bool(parallel), "cache": bool(cache)}
    objmode = forceobj or not nopython
    # how to make it again in another process (serialize.py): the options as given
    recipe = {k: v for k, v in dict(locals=locals, cache=cache, boundscheck=boundscheck,
                                    forceobj=forceobj, nopython=nopython, nogil=nogil,
                                    fastmath=fastmath, error_model=error_model, parallel=parallel,
                                    **options).items()
              if v != _DEFAULTS.get(k)}

    def wrap(func, sigs):
        if config.DISABLE_JIT:
            return func
        if forceobj:
            return ObjModeDispatcher(func)
        if not sigs and not objmode:
            from . import _literal
            names = _literal.literal_params(func)
            if names:           # literally(p): one specialisation per value of p
                return _literal.LiteralDispatcher(func, opts, names)
        disp = _core.Dispatcher(func, opts)
        if sigs:
            try:
                for sig in sigs:
                    disp.compile(sig)
            except _core.CompileError as e:
                if not objmode:
                    raise
                return ObjModeDispatcher(func, None, "nopython=False and compilation failed:\n" + str(e))
            disp.disable_compile()
        return ObjModeDispatcher(func, disp) if objmode else disp

    if callable(signature_or_function) and not isinstance(signature_or_function, _core.Type):
        return remember(wrap(signature_or_function, []), "jit", (), recipe)
    sigs = _signature_list(signature_or_function)
    return lambda func: remember(wrap(func, sigs), "jit", (sigs,) if sigs else (), recipe)


def njit(*args, **kwargs):
    """jit with nopython=True."""
    kwargs.pop("nopython", None)
    kwargs.pop("forceobj", None)
    return jit(*args, **kwargs)


def prange(*args):
    """range() that runs in parallel inside @jit(parallel=True) code."""
    return range(*args)


prange._jitprofile_prange = True
