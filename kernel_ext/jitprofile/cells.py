"""kernel_ext/jitprofile/cells.py - names for code that came from notebook
cells.  IPython and ipykernel compile each cell into a temp file
(/tmp/ipykernel_<pid>/<hash>.py) and remember its execution number; users
know the cell as ``In[8]``.  Every message, traceback line, advice card and
widget row that names a location goes through :func:`where` so a cell is
named the way the notebook shows it, and a real file keeps its path."""
import os


def cell_label(filename: str | None) -> str | None:
    """``"In[8]"`` for a cell's compiled file name, None for anything else
    (a real file, or no IPython running)."""
    if not filename:
        return None
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    compiler = getattr(shell, "compile", None)
    fmt = getattr(compiler, "format_code_name", None)
    if fmt is None:
        return None
    try:
        named = fmt(filename)
    except Exception:       # a front end's own compiler: no cell names
        return None
    return named[1] if named else None


def where(filename: str | None, line: int | None = None, short: bool = False) -> str:
    """``"In[8], line 3"`` for a cell, ``"path/to/file.py:3"`` for a file
    (``short``: the file's base name only)."""
    label = cell_label(filename)
    if label is not None:
        return f"{label}, line {line}" if line else label
    name = filename or "<unknown>"
    if short:
        name = os.path.basename(name)
    return f"{name}:{line}" if line else name
