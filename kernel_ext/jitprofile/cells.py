"""kernel_ext/jitprofile/cells.py - names for code that came from notebook
cells.  IPython and ipykernel compile each cell into a temp file
(/tmp/ipykernel_<pid>/<hash>.py) and remember its execution number; users
know the cell as ``In[8]``.  Every message, traceback line, advice card and
widget row that names a location goes through :func:`where` so a cell is
named the way the notebook shows it, and a real file keeps its path."""
import os
import re


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


def current_number(shell) -> int:
    """The execution number the notebook shows for the cell now running
    (``[8]``).  IPython 9 increments ``shell.execution_count`` *before* it
    runs a cell, so during the cell it already holds the next cell's number;
    the running cell's own number is on the ExecutionResult the displayhook
    holds.  Outside a cell (a magic called directly) the shell's count."""
    result = getattr(getattr(shell, "displayhook", None), "exec_result", None)
    number = getattr(result, "execution_count", None)
    if isinstance(number, int):
        return number
    return int(getattr(shell, "execution_count", 0) or 0)


def cell_number(filename: str | None) -> int | None:
    """8 for the compiled file of ``In[8]``, None for anything else."""
    label = cell_label(filename)
    if label is None or not label.startswith("In[") or not label.endswith("]"):
        return None
    try:
        return int(label[3:-1])
    except ValueError:
        return None


def shown_file(filename: str) -> str:
    """What a view shows for a function's file: ``In[8]`` for a cell's
    compiled file, the path for anything else."""
    return cell_label(filename) or filename


_PATH_LINE = re.compile(r"(?P<file>/[^\s:'\"()]+\.py|<ipython-input-\d+-[0-9a-f]+>)"
                        r":(?P<line>\d+)(?::(?P<col>\d+))?")


def name_cells_in(text: str | None) -> str | None:
    """`text` (a compiler error, an advice's reason) with each
    ``/tmp/ipykernel_…/2813617928.py:6:14`` of a notebook cell written as
    ``In[2], line 6``; other paths kept."""
    if not text:
        return text

    def one(m):
        label = cell_label(m.group("file"))
        return f"{label}, line {m.group('line')}" if label else m.group(0)
    return _PATH_LINE.sub(one, text)
