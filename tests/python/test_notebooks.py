"""The demo notebooks (notebooks/, issue 6) run with no errors in a real
kernel (nbclient, this interpreter's ipykernel), and each tells its story:
Mandelbrot applied and faster, NumPy's time in native code under Python
frames, pi over 1, 2 and 8 processes merged by pid."""
import pathlib
import re

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"


def execute(name, tmp_path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbclient.NotebookClient(nb, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o["output_type"] != "error", (o.get("ename"), o.get("evalue"))
            if o["output_type"] == "stream":
                text.append(o["text"])
            elif "text/plain" in o.get("data", {}):
                text.append(o["data"]["text/plain"])
    return nb, "\n".join(text)


def widget_count(nb):
    return sum("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in nb.cells for o in c.get("outputs", []))


def test_mandelbrot(tmp_path):
    nb, out = execute("01_mandelbrot.ipynb", tmp_path)
    assert widget_count(nb) == 1
    assert re.search(r"Suggestion jit mandel .*x>", out)
    assert "applied: mandel compiled" in out
    speedup = int(re.search(r"compiled [\d.]+ ms: (\d+)x", out).group(1))
    assert speedup > 1                  # the notebook prints the figure (about 100x)
    assert "undone: mandel" in out and "function function" in out
    assert re.search(r"mandelbrot_profile\.html \d+ bytes", out)


def test_numpy_native(tmp_path):
    _nb, out = execute("02_numpy_native.ipynb", tmp_path)
    cats = re.search(r"\{'native': ([\d.]+)", out)
    assert cats, out
    n_mixed = int(re.search(r"(\d+) mixed stacks under features", out).group(1))
    assert n_mixed > 0


def test_threads_and_processes(tmp_path):
    nb, out = execute("03_threads_processes.ipynb", tmp_path)
    assert out.count("3.14159") == 3                    # pi by 1, 2 and 8 processes
    assert "pi_part" in out                             # the text report of the first cell
    pids = re.findall(r"^(\d+) [\d.]+ s \d+% \d+ thread", out, re.M)
    assert len(pids) >= 3                               # the 8-process run, merged by pid
    assert len(re.findall(r"^ThreadPoolExecutor-\d+_\d ", out, re.M)) == 4
    assert widget_count(nb) == 3
