"""lineinfo=True: PTX .file/.loc directives map a CUDA kernel back to the
Python lines it came from, also for a kernel defined in a notebook cell
(source exec'd under the cell's file name, registered in linecache as
IPython does), and ptxas accepts the result.  Needs no GPU."""
import linecache
import re
import shutil
import subprocess

import pytest

import jitprofile
from jitprofile import cuda

pytestmark = pytest.mark.skipif(jitprofile._core.cuda_libdevice() is None, reason="CUDA libdevice not installed")
PTXAS = shutil.which("ptxas")

CELL = '''\
import math
from jitprofile import cuda

@cuda.jit(device=True)
def helper(v):
    return math.sin(v) * 2.0

def axpy(a, x, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = a * x[i] + helper(x[i])
'''
LINE = {text.strip(): n for n, text in enumerate(CELL.splitlines(), 1)}
SIG = "void(float64, float64[::1], float64[::1])"


def run_cell(source, filename, namespace=None):
    """What IPython does with a cell: the source goes into linecache under
    the cell's file name, and the code is compiled with that name."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {} if namespace is None else namespace
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def files_and_lines(ptx):
    files = dict(re.findall(r'^\s*\.file\s+(\d+)\s+"([^"]*)"', ptx, re.M))
    locs = [(files[f], int(line)) for f, line in re.findall(r"^\s*\.loc\s+(\d+)\s+(\d+)\s+\d+", ptx, re.M)]
    return files, locs


# ipykernel's cell files, and classic IPython's
CELL_NAMES = ["/tmp/ipykernel_4242/2716474155.py", "<ipython-input-3-5b1c1e0ab7bd>"]


@pytest.mark.parametrize("filename", CELL_NAMES)
def test_loc_directives_name_the_cell_and_its_lines(filename):
    ns = run_cell(CELL, filename)
    ptx, _ = cuda.compile_ptx(ns["axpy"], SIG, lineinfo=True)
    files, locs = files_and_lines(ptx)
    assert list(files.values()) == [filename]
    lines = {line for _f, line in locs if line}
    # the kernel's statements, and the device function inlined into it
    for stmt in ("i = cuda.grid(1)", "if i < out.shape[0]:", "out[i] = a * x[i] + helper(x[i])",
                 "return math.sin(v) * 2.0"):
        assert LINE[stmt] in lines, (stmt, sorted(lines))
    # nothing outside the cell's lines
    assert lines <= set(range(1, len(CELL.splitlines()) + 1))


def test_kernel_lines_follow_their_own_cell():
    # a device function from one cell, a kernel from a later one
    ns = run_cell(CELL, "/tmp/ipykernel_4242/111.py")
    second = "\n\n\ndef twice(out, x):\n    i = cuda.grid(1)\n    out[i] = helper(x[i]) + helper(x[i])\n"
    ns_second = run_cell(second, "/tmp/ipykernel_4242/222.py", {"cuda": cuda, "helper": ns["helper"]})
    ptx, _ = cuda.compile_ptx(ns_second["twice"], "void(float64[::1], float64[::1])", lineinfo=True)
    files, locs = files_and_lines(ptx)
    assert set(files.values()) == {"/tmp/ipykernel_4242/111.py", "/tmp/ipykernel_4242/222.py"}
    assert ("/tmp/ipykernel_4242/222.py", 5) in locs and ("/tmp/ipykernel_4242/222.py", 6) in locs
    assert ("/tmp/ipykernel_4242/111.py", LINE["return math.sin(v) * 2.0"]) in locs


def test_without_lineinfo_there_are_no_directives():
    ns = run_cell(CELL, "/tmp/ipykernel_4242/333.py")
    ptx, _ = cuda.compile_ptx(ns["axpy"], SIG)
    assert files_and_lines(ptx) == ({}, [])
    assert not re.search(r"^\s*\.(loc|file)\s", ptx, re.M)


def test_kernel_object_with_lineinfo():
    ns = run_cell(CELL, "/tmp/ipykernel_4242/444.py")
    k = cuda.jit(SIG, lineinfo=True)(ns["axpy"])
    files, locs = files_and_lines(k.inspect_asm(("float64", "float64[::1]", "float64[::1]")))
    assert list(files.values()) == ["/tmp/ipykernel_4242/444.py"]
    assert ("/tmp/ipykernel_4242/444.py", LINE["out[i] = a * x[i] + helper(x[i])"]) in locs


def test_c_abi_device_function_with_lineinfo():
    ns = run_cell(CELL, "/tmp/ipykernel_4242/555.py")
    ptx, _ = cuda.compile(ns["helper"].py_func, "float64(float64)", lineinfo=True)
    files, locs = files_and_lines(ptx)
    assert ("/tmp/ipykernel_4242/555.py", LINE["return math.sin(v) * 2.0"]) in locs


@pytest.mark.skipif(PTXAS is None, reason="ptxas (CUDA toolkit) not installed")
@pytest.mark.parametrize("filename", CELL_NAMES)
@pytest.mark.parametrize("arch", ["sm_75", "sm_90"])
def test_ptxas_accepts_line_info(filename, arch, tmp_path):
    ns = run_cell(CELL, filename)
    ptx, _ = cuda.compile_ptx(ns["axpy"], SIG, lineinfo=True, cc=(int(arch[3]), int(arch[4])))
    src = tmp_path / "k.ptx"
    src.write_text(ptx)
    r = subprocess.run([PTXAS, f"-arch={arch}", "-lineinfo", str(src), "-o", str(tmp_path / "k.cubin")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_kernel_in_a_real_notebook_cell(tmp_path):
    """The same through a real kernel (nbclient, this interpreter's
    ipykernel): the .file is the name IPython gave the cell, the .loc lines
    are the cell's."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    report = (
        "import re\n"
        "ptx, _ = cuda.compile_ptx(axpy, 'void(float64, float64[::1], float64[::1])', lineinfo=True)\n"
        "files = dict(re.findall(r'^\\s*\\.file\\s+(\\d+)\\s+\"([^\"]*)\"', ptx, re.M))\n"
        "lines = sorted({int(l) for l in re.findall(r'^\\s*\\.loc\\s+\\d+\\s+(\\d+)', ptx, re.M)} - {0})\n"
        "print(repr((axpy.__code__.co_filename, list(files.values()), lines)))\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL), nbformat.v4.new_code_cell(report)])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = nb.cells[1]["outputs"]
    assert out and out[0]["output_type"] == "stream", out
    cell_file, files, lines = eval(out[0]["text"])
    assert files == [cell_file]
    assert "ipykernel" in cell_file or cell_file.startswith("<ipython-input")
    for stmt in ("i = cuda.grid(1)", "out[i] = a * x[i] + helper(x[i])", "return math.sin(v) * 2.0"):
        assert LINE[stmt] in lines, (stmt, lines)
    assert set(lines) <= set(range(1, len(CELL.splitlines()) + 1))
