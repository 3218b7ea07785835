#!/bin/sh
# tests/run_asan.sh - build jitprofile with AddressSanitizer (-Dasan=true) in
# build-asan/ and run under it: the sampler's C tests and stress tests, the
# stream's tests, then the JIT's memory-heavy tests with leak detection on
# (LeakSanitizer; tests/asan_report.py fails the step on any memory error and
# on any leak allocated through our code; tests/lsan.supp names the few
# leaks suppressed, each with its reason).
#   usage: tests/run_asan.sh [python]    (default: python3)
#   JP_ASAN_JIT_TESTS="tests/python/test_jit_x.py ..." overrides the JIT files.
# Time on the 2-core CI machine: see bench/RESULTS.md "Issue 13 - CI".
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
LOGS=$(mktemp -d)
trap 'rm -rf "$STAGE" "$LOGS"' EXIT
mkdir -p "$STAGE/jitprofile"
cp -r kernel_ext/jitprofile/. "$STAGE/jitprofile/"
rm -f "$STAGE"/jitprofile/_core*.so
cp build-asan/_core*.so "$STAGE/jitprofile/"
# Not the fork tests: GCC 12's libasan does not lock its allocator around
# fork(), so a child forked while another thread (the sampler's collector)
# is inside malloc waits forever on that lock (seen here: the child's
# collector stuck in __sanitizer::Mutex::Lock under opendir).  They run
# without ASan in the main suite.
PYTHONPATH="$STAGE" LD_PRELOAD="$LIBASAN" ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 \
  timeout -k 10 900 "$PY" -m pytest -q -p no:cacheprovider -k "not fork and not pool_children" \
  tests/python/test_sampler_stress.py tests/python/test_sampler_capture.py \
  tests/python/test_stream_pubsub.py

# The JIT under ASan + LSan.  PYTHONMALLOC=malloc: every allocation goes
# through ASan (pymalloc would hide overflows inside its arenas).  The
# files: arrays (allocation, references, expressions, reductions,
# indexing), tuples, jitclass, calls, vectorize, prange, the containers and
# language of issue 11 (strings, dicts, sets, try, generators, Optional,
# typed lists, closures), stencils, and the fuzzer's
# programs run once more (a small budget).
JIT_TESTS=${JP_ASAN_JIT_TESTS:-"tests/python/test_jit_array_alloc.py tests/python/test_jit_array_refs.py
  tests/python/test_jit_array_exprs.py tests/python/test_jit_array_reduce.py
  tests/python/test_jit_array_indexing.py tests/python/test_jit_tuples.py
  tests/python/test_jit_jitclass.py tests/python/test_jit_calls.py
  tests/python/test_jit_vectorize.py tests/python/test_jit_prange.py
  tests/python/test_jit_strings.py tests/python/test_jit_dicts.py tests/python/test_jit_sets.py
  tests/python/test_jit_dict_strkeys.py tests/python/test_jit_try.py tests/python/test_jit_generators.py
  tests/python/test_jit_optional.py tests/python/test_jit_typed_list.py tests/python/test_jit_jitclass_optional.py
  tests/python/test_jit_closures.py tests/python/test_jit_regressions_stop11.py tests/python/test_jit_stencil.py
  tests/fuzz/test_difffuzz.py"}
# Deselected under ASan: checks of RSS growth and address reuse (ASan's
# quarantine keeps freed memory; LSan checks leaks instead) and one test
# that needs two pool threads to both get work (ASan's slowness can let one
# thread take it all).
ASAN_DESELECT="not does_not_leak and not no_leak_across and not are_freed_when_python_drops and not memory_flat and not uses_several_threads"
rc=0
# shellcheck disable=SC2086
PYTHONPATH="$STAGE" LD_PRELOAD="$LIBASAN" PYTHONMALLOC=malloc JP_FUZZ_SCALE=0.15 \
  ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$LOGS/asan:malloc_context_size=40" \
  LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0:exitcode=0" \
  timeout -k 10 1500 "$PY" -m pytest -q -p no:cacheprovider -m "not slow" -k "$ASAN_DESELECT" \
  --junitxml="$LOGS/junit.xml" $JIT_TESTS \
  || rc=$?
# exitcode=0: processes (and the test's own children) end normally even with
# CPython's leaks; every report is in $LOGS and judged here.
echo "run_asan: JIT tests under ASan+LSan: pytest exit $rc (judged below)"
"$PY" tests/asan_report.py "$LOGS" --junit "$LOGS/junit.xml"
