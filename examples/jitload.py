"""examples/jitload.py - owns loading one kernel file under a chosen `jit`
decorator: each call executes the file as a fresh module (registered in
sys.modules, with real source for inspect.getsource), so the same source
can be run by CPython, Numba and jitprofile side by side, and a jitted
function's calls to its neighbours reach their jitted versions.
"""
import importlib.util
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def load_kernels(jit=None, tag="python", path=HERE / "mandelbrot.py"):
    """Execute `path` with `jit` as its decorator (None: plain Python)."""
    path = pathlib.Path(path)
    name = f"_{path.stem}_{tag}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.jit = jit if jit is not None else (lambda func: func)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
