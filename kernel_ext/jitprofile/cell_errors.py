"""kernel_ext/jitprofile/cell_errors.py - a %%jitprofile cell that raises.

The cell's code runs inside the magic (IPython's run_cell_magic, the magic
decorator, the magic's exec), so a plain re-raise shows those frames above
the user's.  :func:`show_as_cell_error` re-raises the exception with its
traceback trimmed to the user's code and installs, for that one exception
and until the cell ends, an IPython custom exception handler
(``shell.set_custom_exc``) that shows the trimmed traceback; the cell still
fails like any cell (``result.error_in_exec``, an ``error`` execute reply in
a kernel).  :func:`header` is the widget's one-line summary
("raised ValueError at In[8], line 3").
"""
from __future__ import annotations

import os
import sysconfig
import types

from .cells import cell_label, where

_PKG = os.path.dirname(os.path.abspath(__file__))
_LIBS = tuple({os.path.abspath(p) for p in (sysconfig.get_paths().get("stdlib"),
                                            sysconfig.get_paths().get("purelib"),
                                            sysconfig.get_paths().get("platlib")) if p})


def user_traceback(tb: types.TracebackType | None, code) -> types.TracebackType | None:
    """The part of tb from the cell's own code object (`code`, the magic's
    exec) on: the magic's frames above it dropped."""
    t = tb
    while t is not None:
        if t.tb_frame.f_code is code:
            return t
        t = t.tb_next
    return tb.tb_next if tb is not None and tb.tb_next is not None else tb


def _is_user_file(filename: str) -> bool:
    if cell_label(filename) is not None:
        return True
    path = os.path.abspath(filename)
    return not (path.startswith(_PKG) or path.startswith(_LIBS) or filename.startswith("<"))


def raise_site(tb: types.TracebackType | None) -> tuple[str, int] | None:
    """(file, line) of the innermost frame of the user's own code (a cell or
    a file of theirs) in tb, else of the innermost frame."""
    last = None
    user = None
    while tb is not None:
        f = tb.tb_frame.f_code.co_filename
        last = (f, tb.tb_lineno)
        if _is_user_file(f):
            user = last
        tb = tb.tb_next
    return user or last


def header(exc: BaseException, tb: types.TracebackType | None) -> str:
    """"raised ValueError at In[8], line 3" (a file: "at path.py:3")."""
    site = raise_site(tb)
    name = type(exc).__name__
    if site is None:
        return f"raised {name}"
    return f"raised {name} at {where(site[0], site[1], short=True)}"


def show_as_cell_error(shell, exc: BaseException, tb: types.TracebackType | None):
    """Arrange for IPython to show `exc` with traceback `tb` (the user's
    frames) when it reaches the cell's top level, and return exc with that
    traceback to raise.  The handler is scoped: it is removed when the cell
    ends (post_run_cell), and passes any other exception on to the handler
    that was there before (or IPython's own traceback)."""
    exc = exc.with_traceback(tb)
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return exc
    restore_pending(shell)
    prev = (shell.custom_exceptions, getattr(shell, "CustomTB", None))

    def restore(*_a):
        if getattr(shell, "_jitprofile_exc_restore", None) is not restore:
            return
        shell.custom_exceptions, shell.CustomTB = prev
        shell._jitprofile_exc_restore = None
        try:
            shell.events.unregister("post_run_cell", restore)
        except ValueError:
            pass

    def handler(sh, etype, value, etb, tb_offset=None):
        restore()
        if value is exc:
            sh.showtraceback((etype, value, tb), tb_offset=0)
        elif prev[0] and isinstance(value, prev[0]) and prev[1] is not None:
            prev[1](etype, value, etb)
        else:
            sh.showtraceback((etype, value, etb), running_compiled_code=True)
        return None

    shell.set_custom_exc((type(exc),), handler)
    shell._jitprofile_exc_restore = restore
    try:
        shell.events.register("post_run_cell", restore)
    except Exception:
        pass
    return exc


def restore_pending(shell) -> None:
    """Remove a handler left installed (the magic called outside a cell)."""
    restore = getattr(shell, "_jitprofile_exc_restore", None)
    if restore is not None:
        restore()


def parse_cell(shell, source: str, filename: str):
    """ast.parse of the cell; a SyntaxError shown as IPython shows one in a
    plain cell (where, the line, a caret), without the magic's frames."""
    import ast
    try:
        return ast.parse(source, filename)
    except SyntaxError as exc:
        raise show_as_cell_error(shell, exc, None) from None
