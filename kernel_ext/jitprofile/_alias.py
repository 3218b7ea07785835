"""``import numba`` / ``from numba.typed import List`` resolving to jitprofile.

Python's ``import jitprofile as numba`` binds one local name: a later
``from numba import njit`` or ``from numba.typed import List`` still looks
for a top-level package ``numba``.  This import hook (installed by
``import jitprofile``) answers those imports with jitprofile's own modules
(``numba.typed`` is ``jitprofile.typed``, the same module object) -- but only
for a module that asked for it, one whose global ``numba`` is jitprofile
(``import jitprofile as numba`` above the import), and only when no real
Numba is installed: where Numba is importable it is always the one imported.
Any other ``import numba`` (a library probing for an optional Numba, a script
run under ``python -m jitprofile record``) fails as it would without
jitprofile.  ``JITPROFILE_NUMBA_ALIAS=0`` turns the hook off.
"""
import os
import sys

# importlib.abc / importlib.util cost ~15 ms to import: the hook is a plain
# finder (the import system only calls find_spec), imports them never, and
# takes importlib.machinery only when a `numba` import happens.


class _Loader:
    def __init__(self, module):
        self._module = module

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        pass


def _importer_aliased():
    """Whether the code running the import statement has `numba` bound to
    jitprofile: the first frame outside the import system."""
    frame = sys._getframe(2)
    while frame is not None and (frame.f_code.co_filename.startswith("<frozen importlib")
                                 or frame.f_globals.get("__name__", "").startswith("importlib")):
        frame = frame.f_back
    return frame is not None and frame.f_globals.get("numba") is sys.modules.get("jitprofile")


class _NumbaAlias:
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "numba" and not fullname.startswith("numba."):
            return None
        import importlib
        import importlib.machinery
        if fullname == "numba":
            if not _importer_aliased():
                return None         # not asked for: `import numba` fails as without jitprofile
            if importlib.machinery.PathFinder.find_spec("numba") is not None:
                return None         # a real Numba is installed: it wins
            target_name = "jitprofile"
        else:
            parent = sys.modules.get("numba")
            if parent is None or getattr(parent, "__name__", None) != "jitprofile":
                return None
            target_name = "jitprofile" + fullname[len("numba"):]
        try:
            module = importlib.import_module(target_name)
        except ImportError:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Loader(module))


def install():
    if os.environ.get("JITPROFILE_NUMBA_ALIAS", "1") == "0":
        return
    if not any(isinstance(f, _NumbaAlias) for f in sys.meta_path):
        sys.meta_path.insert(0, _NumbaAlias())
