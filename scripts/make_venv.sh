#!/usr/bin/env bash
# scripts/make_venv.sh X.Y DIR - owns one virtual environment: creates DIR
# with CPython X.Y (recreates it when broken or of another version),
# installs the build and test dependencies, then builds and (re)installs
# jitprofile from this checkout, every time, so the install is current.
# The meson build directory (build/<DIR without its dot>) is kept between
# runs: rebuilds are incremental.  Extra pip requirements (pins) may be
# given in $JP_EXTRA_REQUIREMENTS, installed with the dependencies before
# the build.  The notebook and browser-test dependencies (pinned below) are
# installed too unless JP_NOTEBOOK_DEPS=0.  Exits 3 when no CPython X.Y is found.
set -euo pipefail

want=${1:?usage: make_venv.sh X.Y DIR}
venv=${2:?usage: make_venv.sh X.Y DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

deps=("numpy>=2" "meson-python>=0.15" "meson>=1.2" ninja pytest hypothesis cffi
      setuptools)   # cffi's API mode (out-of-line modules) needs it on Python >= 3.12
# the notebook front (issue 6): anywidget + ipywidgets are the widget's runtime
# deps; jupyterlab, nbclient and playwright (driving Debian's chromium, never
# `playwright install`) run tests/python/test_notebook*.py.  ipykernel >= 7.0.2:
# output from a background thread carries the cell's parent header.
notebook_deps=("jupyterlab==4.6.6" "ipykernel==7.4.0" "ipython==9.18.1" "ipywidgets==8.1.9"
               "anywidget==0.11.0" "nbclient==0.11.0" "nbformat==5.11.1" "playwright==1.65.2"
               # jitprofile.dask (issue 14): tests/python/test_dask_*.py
               "dask==2026.8.0" "distributed==2026.8.0" "cloudpickle==3.1.3")
[[ "${JP_NOTEBOOK_DEPS:-1}" == 0 ]] && notebook_deps=()
read -r -a extra <<<"${JP_EXTRA_REQUIREMENTS:-}"
name=$(basename "$venv")
builddir="build/${name#.}"

have=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
if [[ "$have" != "$want" ]]; then
  py=$(bash scripts/find_python.sh "$want") || exit 3
  echo "make_venv: creating $venv with $py"
  rm -rf "$venv"
  "$py" -m venv "$venv"
else
  echo "make_venv: reusing $venv (Python $have)"
fi

vbin=$(cd "$venv/bin" && pwd)
vpy="$vbin/python"
"$vpy" -m pip install -q "${deps[@]}" "${notebook_deps[@]}" "${extra[@]}"
export PATH="$vbin:$PATH"   # meson-python runs ninja from PATH
echo "make_venv: building and installing jitprofile into $venv"
"$vpy" -m pip install -q --no-build-isolation --no-deps --force-reinstall \
  -Cbuild-dir="$builddir" .
"$vpy" -c 'import jitprofile, sys; print("make_venv: jitprofile", jitprofile.__version__, "on Python", sys.version.split()[0])'
