"""Cell names (kernel_ext/jitprofile/cells.py): a cell's compiled file is
named In[N] as the notebook shows it; a real file keeps its path."""
import pytest

from jitprofile import cells


def test_plain_file_keeps_its_path():
    assert cells.cell_label("/some/where/mod.py") is None
    assert cells.where("/some/where/mod.py", 12) == "/some/where/mod.py:12"
    assert cells.where("/some/where/mod.py", 12, short=True) == "mod.py:12"
    assert cells.where(None) == "<unknown>"


def test_ipython_cell_is_named_like_the_notebook():
    pytest.importorskip("IPython")
    from IPython.testing.globalipapp import get_ipython
    ip = get_ipython()
    name = ip.compile.cache("x = 1\n", 8, raw_code="x = 1\n")
    assert cells.cell_label(name) == "In[8]"
    assert cells.where(name, 3) == "In[8], line 3"
    assert "ipykernel" not in cells.where(name, 3) and ".py" not in cells.where(name, 3)


def test_compiler_messages_name_the_cell():
    pytest.importorskip("IPython")
    from IPython.testing.globalipapp import get_ipython
    ip = get_ipython()
    name = ip.compile.cache("def g(x):\n    raise ValueError(x)\n", 6, raw_code="...")
    msg = (f"UnsupportedError: {name}:2:22: in function 'g': an exception argument "
           f"(see also /usr/lib/python3.11/os.py:12)")
    assert cells.name_cells_in(msg) == ("UnsupportedError: In[6], line 2: in function 'g': an "
                                        "exception argument (see also /usr/lib/python3.11/os.py:12)")
    assert cells.name_cells_in(None) is None


def test_current_number_is_the_running_cells():
    """IPython 9 has already counted the running cell: execution_count is the
    next one's; the running cell's number is on its ExecutionResult."""
    pytest.importorskip("IPython")
    from IPython.testing.globalipapp import get_ipython
    ip = get_ipython()
    ip.user_ns["_cells"] = cells
    r = ip.run_cell("_seen = (_cells.current_number(get_ipython()), get_ipython().execution_count)",
                    store_history=True)
    seen, count = ip.user_ns["_seen"]
    assert seen == r.execution_count
    assert count == r.execution_count + 1       # what magics.py used to name the cell by
