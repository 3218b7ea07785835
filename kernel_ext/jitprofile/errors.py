"""The errors and warnings, under Numba's names (``numba.core.errors``).

The compiler raises three classes of its own (jit/errors.c): CompileError,
and its subclasses TypingError and UnsupportedError.  Numba's other names
map onto them or onto the Python exception a Numba user would catch, so
``except numba.core.errors.TypingError`` keeps working after the alias.
"""
from ._core import CompileError, TypingError, UnsupportedError

NumbaError = CompileError
CompilerError = CompileError
LoweringError = CompileError
UnsupportedRewriteError = UnsupportedError
UnsupportedBytecodeError = UnsupportedError
ConstantInferenceError = TypingError


class NumbaWarning(Warning):
    """Base of the warnings jitprofile gives (Numba's NumbaWarning)."""


class NumbaDeprecationWarning(NumbaWarning, DeprecationWarning):
    pass


class NumbaPendingDeprecationWarning(NumbaWarning, PendingDeprecationWarning):
    pass


class NumbaPerformanceWarning(NumbaWarning):
    pass


class NumbaExperimentalFeatureWarning(NumbaWarning):
    pass


class NumbaParallelSafetyWarning(NumbaWarning):
    pass


class NumbaTypeSafetyWarning(NumbaWarning):
    pass


class ObjectModeWarning(NumbaWarning):
    """A function runs in the Python interpreter (forceobj=True, or
    nopython=False after compilation failed), not as compiled code."""


class NumbaNotImplementedError(NotImplementedError):
    pass


class NumbaTypeError(TypeError):
    pass


class NumbaValueError(ValueError):
    pass


class NumbaIndexError(IndexError):
    pass


class NumbaAttributeError(AttributeError):
    pass


class NumbaKeyError(KeyError):
    pass


class RequireLiteralValue(TypingError):
    pass


__all__ = ["CompileError", "TypingError", "UnsupportedError", "NumbaError", "CompilerError",
           "LoweringError", "UnsupportedRewriteError", "UnsupportedBytecodeError",
           "ConstantInferenceError", "NumbaWarning", "NumbaDeprecationWarning",
           "NumbaPendingDeprecationWarning", "NumbaPerformanceWarning",
           "NumbaExperimentalFeatureWarning", "NumbaParallelSafetyWarning",
           "NumbaTypeSafetyWarning", "ObjectModeWarning", "NumbaNotImplementedError",
           "NumbaTypeError", "NumbaValueError", "NumbaIndexError", "NumbaAttributeError",
           "NumbaKeyError", "RequireLiteralValue"]
