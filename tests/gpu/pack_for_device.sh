#!/usr/bin/env bash
# tests/gpu/pack_for_device.sh - run HERE (no GPU needed), before a device
# run: packs what tests/gpu/run_on_device.sh needs on a GPU machine that can
# fetch nothing (no apt, no pip) into .gpu-carry/ (in .gitignore), to name
# in the device tool's `carry` (xz takes ~10 minutes on 2 busy cores):
#   .gpu-carry/site/jitprofile/   the built package, for the device's Python
#   .gpu-carry/libs.tar.xz        the shared libraries _core needs that a CUDA
#                                 image lacks (LLVM 19, libzmq, libunwind, ...)
# The device image's python3 is CPython 3.12 (.library/device/KINDS.md), so
# the package is built for 3.12 (.venv-3.12, scripts/make_venv.sh).
# PY_VERSION=3.11 packs .venv instead.  Fails when the pack exceeds 60 MiB
# (the device tool carries 64 MiB with the working tree).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
ver=${PY_VERSION:-3.12}
venv=.venv-$ver
[[ $ver == 3.11 ]] && venv=.venv
# always: make_venv rebuilds incrementally, so the pack is this checkout's code
JP_NOTEBOOK_DEPS=0 bash scripts/make_venv.sh "$ver" "$venv"
site=$("$venv/bin/python" -c 'import jitprofile, os; print(os.path.dirname(os.path.dirname(jitprofile.__file__)))')
so=$(ls "$site"/jitprofile/_core*.so)
carry=.gpu-carry
rm -rf "$carry"
mkdir -p "$carry/site" "$carry/lib"
cp -r "$site/jitprofile" "$carry/site/"
find "$carry/site" -name __pycache__ -prune -exec rm -rf {} +
# every library _core loads but glibc's own and the C++ runtime (the device's
# are newer, and Numba/PyTorch there load them too)
ldd "$so" | awk '/=> \// {print $1, $3}' | while read -r name path; do
  case "$name" in
    libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|libresolv.so*|ld-linux*|libstdc++.so*|libgcc_s.so*) ;;
    *) cp -L "$path" "$carry/lib/$name" ;;
  esac
done
echo "pack: $(ls "$carry/lib" | wc -l) libraries: $(ls "$carry/lib" | tr '\n' ' ')"
tar -C "$carry" -cf - lib | xz -T0 -9 > "$carry/libs.tar.xz"
rm -rf "$carry/lib"
size=$(du -sm "$carry" | cut -f1)
echo "pack: $carry is ${size} MiB (Python $ver, $(basename "$so"))"
if (( size > 60 )); then
  echo "pack: too big for the device tool's 64 MiB carry" >&2
  exit 1
fi
echo "pack: on the device: run(command='bash tests/gpu/run_on_device.sh', carry=['$carry'], timeout_s=540)"
