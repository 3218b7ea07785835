#!/bin/sh
# tests/run_asan.sh - build jitprofile with AddressSanitizer (-Dasan=true) in
# build-asan/ and run the sampler's C tests and stress tests under it.
#   usage: tests/run_asan.sh [python]    (default: python3)
set -eu
PY=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
"$PY" -m mesonbuild.mesonmain setup build-asan -Dasan=true -Dbuildtype=debug \
    -Db_lundef=false -Dpython.install_env=auto --reconfigure >/dev/null 2>&1 \
  || "$PY" -m mesonbuild.mesonmain setup build-asan -Dasan=true -Dbuildtype=debug -Db_lundef=false
ninja -C build-asan
meson test -C build-asan --suite jitprofile sampler_ring sampler_calltree sampler_unwind 2>/dev/null \
  || (cd build-asan && ./tests/c/test_sampler_ring && ./tests/c/test_sampler_calltree && ./tests/c/test_sampler_unwind)
./build-asan/tests/c/test_stream_wire       # the stream's parser on malformed input
# Python under ASan: preload the runtime; CPython's allocator leaks are not ours.
LIBASAN=$(gcc -print-file-name=libasan.so)
STAGE=$(mktemp -d)
mkdir -p "$STAGE/jitprofile"
cp kernel_ext/jitprofile/*.py "$STAGE/jitprofile/"
cp build-asan/_core*.so "$STAGE/jitprofile/"
PYTHONPATH="$STAGE" LD_PRELOAD="$LIBASAN" ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 \
  "$PY" -m pytest -q -p no:cacheprovider tests/python/test_sampler_stress.py tests/python/test_sampler_capture.py \
  tests/python/test_stream_pubsub.py
rm -rf "$STAGE"
