"""jitprofile: a performance workbench for numerical Python."""
from . import _core  # noqa: F401

__version__ = "0.1.0"


def __getattr__(name):
    # the profiler's glue loads on first use: `import jitprofile` stays cheap
    if name == "Profile":
        from .profile import Profile
        return Profile
    raise AttributeError(f"module 'jitprofile' has no attribute {name!r}")
