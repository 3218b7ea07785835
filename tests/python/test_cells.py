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
