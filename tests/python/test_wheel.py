"""The self-contained wheel (issue 18): scripts/build_wheel.sh's wheel, installed
into a fresh virtualenv with its extras from PyPI, works with no system LLVM,
ZeroMQ or libunwind: `ldd` resolves every library of every extension module
inside the wheel's own jitprofile.libs/ or to the manylinux allowlist, and the
Mandelbrot demo, `python -m jitprofile record` and a `%%jitprofile` notebook
(nbclient) run from the installed wheel, with LD_LIBRARY_PATH unset and - where
`unshare -m` is allowed (root or user namespaces) - the system's libLLVM,
libzmq and libunwind files replaced by /dev/null in a private mount namespace.

The wheel is built once per tree: when dist/wheel.stamp holds this tree's hash
(scripts/build_wheel.sh wrote it in this CI run), dist/'s wheel is reused."""
import glob
import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"

# the manylinux policy's libraries (auditwheel's allowlist) and the loader
ALLOWED = {"libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0",
           "libstdc++.so.6", "libgcc_s.so.1", "libutil.so.1", "libresolv.so.2",
           "libnsl.so.1", "libz.so.1", "libcrypt.so.1", "linux-vdso.so.1",
           "ld-linux-x86-64.so.2", "libexpat.so.1"}

# the system's copies of what the wheel must carry
SYSTEM_LIBS = ["libLLVM*.so*", "libzmq.so*", "libunwind*.so*"]
SYSTEM_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/llvm-19/lib"]


def run(cmd, timeout=600, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    assert r.returncode == 0, f"{cmd}\nstdout:\n{r.stdout[-4000:]}\nstderr:\n{r.stderr[-4000:]}"
    return r


@pytest.fixture(scope="module")
def wheel():
    """dist/'s repaired wheel for this tree (built here when absent or stale)."""
    ver = "%d.%d" % sys.version_info[:2]
    tree = run(["bash", "scripts/build_wheel.sh", "--tree-hash"], cwd=ROOT).stdout.strip()
    stamp = DIST / "wheel.stamp"
    pattern = "jitprofile-*-cp%d%d-*manylinux*.whl" % sys.version_info[:2]
    wheels = sorted(DIST.glob(pattern))
    if not (wheels and stamp.exists() and stamp.read_text().split() == [tree, ver]):
        run(["bash", "scripts/build_wheel.sh"], cwd=ROOT, timeout=3000,
            env={**os.environ, "JP_WHEEL_PYTHON": ver})
        wheels = sorted(DIST.glob(pattern))
    assert len(wheels) == 1, wheels
    if (ROOT / ".git").exists():          # meson dist needs git
        assert list(DIST.glob("jitprofile-*.tar.gz")), "no sdist"
    return wheels[0]


def base_python():
    """The CPython this suite runs on, outside any virtualenv."""
    return getattr(sys, "_base_executable", sys.executable)


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh virtualenv holding the wheel with its notebook extra, and the
    notebook runner (ipykernel, nbclient) from PyPI; returns its python."""
    d = tmp_path_factory.mktemp("wheelvenv") / "venv"
    run([base_python(), "-m", "venv", str(d)])
    py = str(d / "bin" / "python")
    run([py, "-m", "pip", "install", "-q",
         f"{wheel}[notebook]", "ipykernel", "nbclient", "nbformat"], timeout=900)
    return py


def site_package(py):
    out = run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"],
              env=clean_env()).stdout.strip()
    return pathlib.Path(out)


def clean_env():
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = "/usr/bin:/bin"
    return env


def hidden_files():
    """The real files of the system's libLLVM, libzmq and libunwind."""
    found = set()
    for d in SYSTEM_DIRS:
        for pat in SYSTEM_LIBS:
            for p in glob.glob(os.path.join(d, pat)):
                if os.path.isfile(p) and not os.path.islink(p):
                    found.add(os.path.realpath(p))
    return sorted(found)


def can_hide():
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                          capture_output=True).returncode == 0


HIDE = textwrap.dedent("""
    for f in "$@"; do
      [ "$f" = -- ] && break
      mount --bind /dev/null "$f" || exit 97
    done
    while [ "$1" != -- ]; do shift; done; shift
    exec "$@"
""")


def in_wheel_world(cmd):
    """cmd run with the system's libLLVM/libzmq/libunwind hidden, when possible."""
    if not can_hide():
        return cmd
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", HIDE, "sh",
            *hidden_files(), "--", *cmd]


def run_hidden(cmd, cwd, timeout=600):
    return run(in_wheel_world(cmd), cwd=cwd, env=clean_env(), timeout=timeout)


def test_wheel_is_tagged_and_carries_its_libraries(wheel, venv):
    assert "manylinux_2_" in wheel.name and wheel.name.endswith("_x86_64.whl"), wheel.name
    site = site_package(venv)
    libs = site / "jitprofile.libs"
    assert libs.is_dir(), sorted(p.name for p in site.iterdir())
    carried = sorted(p.name for p in libs.iterdir())
    assert any(n.startswith("libzmq") for n in carried), carried
    assert any(n.startswith("libunwind") for n in carried), carried
    modules = sorted((site / "jitprofile").rglob("*.so")) + sorted(libs.glob("*.so*"))
    assert any(m.name.startswith("_core") for m in modules), modules
    for so in modules:
        out = run(["ldd", str(so)], env=clean_env()).stdout
        for line in out.splitlines():
            line = line.strip()
            assert "not found" not in line, (so, line)
            name = line.split()[0]
            target = line.split("=>")[1].split("(")[0].strip() if "=>" in line else name
            inside = os.path.realpath(target).startswith(str(libs.resolve()) + "/")
            assert inside or os.path.basename(name) in ALLOWED, (so.name, line)
            assert "LLVM" not in name or inside, (so.name, line)


def test_system_libraries_are_hidden(venv, tmp_path):
    if not can_hide():
        pytest.skip("unshare -m is not allowed here: only the ldd check applies")
    assert hidden_files(), "no system libLLVM/libzmq/libunwind to hide"
    probe = ("import ctypes\n"
             "for n in ('libzmq.so.5', 'libunwind.so.8', 'libLLVM.so.19.1'):\n"
             "    try:\n"
             "        ctypes.CDLL(n)\n"
             "    except OSError:\n"
             "        print('hidden', n)\n")
    out = run_hidden([venv, "-c", probe], cwd=tmp_path).stdout
    assert out.count("hidden") == 3, out


def test_mandelbrot_demo(venv, tmp_path):
    for f in ("mandelbrot_demo.py", "mandelbrot.py", "jitload.py"):
        shutil.copy(ROOT / "examples" / f, tmp_path / f)
    r = run_hidden([venv, "mandelbrot_demo.py"], cwd=tmp_path)
    assert "jitprofile" in r.stdout and "Mandelbrot" in r.stdout, r.stdout
    where = run_hidden([venv, "-c", "import jitprofile; print(jitprofile.__file__)"],
                       cwd=tmp_path).stdout
    assert where.startswith(str(pathlib.Path(venv).parent.parent)), where


PTX = textwrap.dedent("""
    from jitprofile import cuda
    ptx, restype = cuda.compile_ptx(lambda a, b: a * b + 1, "int64(int64, int64)", device=True)
    print("RESTYPE", restype)
    print(ptx)
""")


def test_cuda_ptx_from_the_wheel(venv, tmp_path):
    """The NVPTX back end is in the wheel's static LLVM (no GPU needed)."""
    (tmp_path / "ptx.py").write_text(PTX)
    out = run_hidden([venv, "ptx.py"], cwd=tmp_path).stdout
    assert "RESTYPE int64" in out, out
    assert ".target sm_" in out and "mul.lo.s64" in out, out


RECORDED = textwrap.dedent("""
    import numpy as np
    from jitprofile import njit

    @njit
    def smooth(a):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i] * 0.5
        return s

    def hot():
        a = np.random.default_rng(1).random(200_000)
        t = 0.0
        for _ in range(30):
            t += smooth(a) + float(np.sort(a)[0])
        return t

    print("total", round(hot(), 3) > 0)
""")


def test_record(venv, tmp_path):
    (tmp_path / "work.py").write_text(RECORDED)
    out = tmp_path / "prof.json"
    r = run_hidden([venv, "-m", "jitprofile", "record", "-r", "2000", "--format", "json",
                    "-o", str(out), "work.py"], cwd=tmp_path)
    assert "total True" in r.stdout, r.stdout + r.stderr
    doc = json.loads(out.read_text())
    names = {f[0] for f in doc["functions"]}
    assert "hot" in names, sorted(names)


NOTEBOOK_CELLS = [
    "import sys, jitprofile\nprint('WHERE', sys.executable, jitprofile.__file__)",
    "%load_ext jitprofile\nimport numpy as np",
    textwrap.dedent("""\
        def mandel(x, y, max_iters):
            c = complex(x, y)
            z = 0.0j
            for i in range(max_iters):
                z = z * z + c
                if (z.real * z.real + z.imag * z.imag) >= 4:
                    return i
            return 255

        def create_fractal(image, iters):
            h, w = image.shape
            for x in range(w):
                for y in range(h):
                    image[y, x] = mandel(-2.0 + 3.0 * x / w, -1.0 + 2.0 * y / h, iters)

        image = np.zeros((120, 180), dtype=np.uint8)"""),
    # long enough (about a second of Python) for a reliable profile on a loaded machine
    "%%jitprofile\ncreate_fractal(image, 40)",
    "for s in _jitprofile.suggestions:\n    print(s)",
    "%jitprofile_apply",
    textwrap.dedent("""\
        image2 = np.zeros_like(image)
        create_fractal(image2, 40)
        print('SAME', bool((image2 == image).all()), type(mandel).__name__)
        import os, tempfile
        path = os.path.join(tempfile.mkdtemp(), 'p.html')
        _jitprofile.to_html(path)
        print('HTML', os.path.getsize(path))"""),
]

DRIVER = textwrap.dedent("""
    import json, sys
    import nbformat, nbclient
    from nbformat.v4 import new_notebook, new_code_cell
    nb = new_notebook(cells=[new_code_cell(s) for s in json.load(open(sys.argv[1]))])
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    nbformat.write(nb, sys.argv[2])
""")


def joined(text):
    """A notebook's multi-line string (a list of lines on disk) as one str."""
    return "".join(text) if isinstance(text, list) else text


def test_notebook(venv, tmp_path):
    (tmp_path / "cells.json").write_text(json.dumps(NOTEBOOK_CELLS))
    (tmp_path / "driver.py").write_text(DRIVER)
    env_dirs = {"JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
                "JUPYTER_CONFIG_DIR": str(tmp_path / "jconfig"),
                "IPYTHONDIR": str(tmp_path / "ipython")}
    cmd = ["env", *(f"{k}={v}" for k, v in env_dirs.items()),
           venv, "driver.py", "cells.json", "out.ipynb"]
    run_hidden(cmd, cwd=tmp_path, timeout=600)
    nb = json.loads((tmp_path / "out.ipynb").read_text())
    text, widgets = [], 0
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            assert o["output_type"] != "error", (o.get("ename"), o.get("evalue"))
            if o["output_type"] == "stream":
                text.append(joined(o["text"]))
            data = o.get("data", {})
            widgets += "application/vnd.jupyter.widget-view+json" in data
            if "text/plain" in data:
                text.append(joined(data["text/plain"]))
    out = "\n".join(text)
    venv_root = str(pathlib.Path(venv).parent.parent)
    where = [line for line in out.splitlines() if line.startswith("WHERE")]
    assert where and all(p.startswith(venv_root) for p in where[0].split()[1:]), where
    assert "Suggestion jit mandel" in out, out
    same = [line for line in out.splitlines() if line.startswith("SAME")]
    assert same and same[0].split()[1] == "True" and same[0].split()[2] != "function", (same, out)
    assert widgets >= 1
    assert int(out.split("HTML ")[1].split()[0]) > 1000
