"""``numba.np.numpy_support``: between NumPy dtypes and jitprofile types."""
from .. import _core


def from_dtype(dtype):
    """The jitprofile type of a NumPy dtype's elements (numbers, bool and
    structured dtypes of them): ``from_dtype(np.dtype('f8'))`` is float64."""
    import numpy as np
    dt = np.dtype(dtype)
    t = _core.typeof(np.zeros(1, dt))
    if t is None:
        raise NotImplementedError(f"dtype {dt} has no jitprofile type (supported: bool, "
                                  "int8..uint64, float32/64, complex64/128 and records of them)")
    return t.dtype


def as_dtype(nbtype):
    """The NumPy dtype of a jitprofile number type: ``as_dtype(float64)``."""
    import numpy as np
    if isinstance(nbtype, _core.Type) and nbtype.kind in ("int", "float", "complex", "bool"):
        return np.dtype(str(nbtype))
    raise NotImplementedError(f"{nbtype!r} has no NumPy dtype")
