#!/usr/bin/env bash
# scripts/test.sh - owns running every test: setup (no demo), the C unit
# tests (meson test in build/ctest), the whole pytest suite on CPython 3.11
# (.venv), the sampler, stream and JIT tests under AddressSanitizer with
# leak detection for the JIT (tests/run_asan.sh), the differential fuzzer's
# fixed budget (tests/fuzz) and the JIT and profiler tests (tests/python/test_jit_*.py,
# test_sampler_*.py, test_profile_*.py; marker "not slow") on CPython 3.12
# and 3.13 in .venv-3.12 / .venv-3.13, each skipped
# with a message when that interpreter is absent.  Every runner runs even
# after another fails; the output ends with each runner's summary line and
# the exit status is non-zero when anything failed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
logs=build/test-logs
pytest_timeout=${JP_PYTEST_TIMEOUT:-2400}   # seconds per pytest run

summary=()
failed=()

# record LABEL STATUS LINE: STATUS is ok, skip or fail
record() {
  summary+=("[$1] $3")
  [[ "$2" == fail ]] && failed+=("$1")
  return 0
}

# run_logged LOG CMD...: stream CMD's output and keep a copy; returns CMD's status
run_logged() {
  local log=$1; shift
  set +e
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  return "$rc"
}

# run_pytest LABEL VENV ARGS...: pytest's exit 5 (no tests collected) is not a failure
run_pytest() {
  local label=$1 venv=$2; shift 2
  local log="$logs/pytest-${label//[^A-Za-z0-9.]/_}.log" rc=0
  echo "== test: $label: pytest $*"
  run_logged "$log" timeout -k 30 "$pytest_timeout" \
    "$venv/bin/python" -m pytest "$@" || rc=$?
  local last
  last=$(grep -v '^\s*$' "$log" | tail -n 1 || true)
  case $rc in
    0) record "$label" ok "$last" ;;
    5) record "$label" ok "$last (no tests collected: not a failure)" ;;
    124|137) record "$label" fail "TIMED OUT after ${pytest_timeout}s: $last" ;;
    *) record "$label" fail "$last (pytest exit $rc)" ;;
  esac
}

echo "== test: setup"
if ! bash scripts/setup.sh --no-demo; then
  echo
  echo "== test summary: FAILED: setup"
  echo "[setup] bash scripts/setup.sh --no-demo failed: nothing was tested"
  exit 1
fi
mkdir -p "$logs"
export PATH="$root/.venv/bin:$PATH"   # meson and ninja of .venv

# C unit tests
echo "== test: C unit tests (meson test -C build/ctest)"
ctest_ok=1
if [[ ! -f build/ctest/build.ninja ]]; then
  rm -rf build/ctest
  meson setup build/ctest >"$logs/meson-setup.log" 2>&1 \
    || { cat "$logs/meson-setup.log"; ctest_ok=0; }
fi
if [[ $ctest_ok -eq 1 ]]; then
  rc=0
  run_logged "$logs/ctest.log" meson test -C build/ctest --print-errorlogs || rc=$?
  counts=$(grep -E '^(Ok|Expected Fail|Fail|Unexpected Pass|Skipped|Timeout): ' "$logs/ctest.log" \
           | tr -s ' ' | sed 's/ *$//' | paste -sd' ' - || true)
  if [[ $rc -eq 0 ]]; then
    record "C tests, meson" ok "${counts:-no summary}"
  else
    record "C tests, meson" fail "${counts:-no test summary, build failed?} (meson test exit $rc)"
  fi
else
  record "C tests, meson" fail "meson setup build/ctest failed"
fi

# the whole Python suite on the default interpreter (3.11)
if [[ -d tests/python ]]; then
  run_pytest "pytest 3.11" .venv tests/python -q
else
  record "pytest 3.11" skip "no tests/python directory yet"
fi

# the sampler's and stream's C tests and the sampler stress tests under
# AddressSanitizer, then the JIT's memory-heavy tests under ASan with leak
# detection (build-asan/, a debug build; see tests/run_asan.sh for the time)
echo "== test: AddressSanitizer (tests/run_asan.sh)"
rc=0
run_logged "$logs/asan.log" sh tests/run_asan.sh .venv/bin/python || rc=$?
asan_counts=$(grep -E '^[0-9]+ (passed|failed)' "$logs/asan.log" | head -1 || true)
asan_jit=$(grep -E '^asan report:' "$logs/asan.log" | tail -1 || true)
asan_jit_counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed under ASan' "$logs/asan.log" | tail -1 || true)
if [[ $rc -eq 0 ]]; then
  record "ASan sampler+stream" ok "${asan_counts:-ok}"
  record "ASan+LSan JIT" ok "${asan_jit_counts:-?}; ${asan_jit:-no report}"
else
  record "ASan sampler+stream" fail "${asan_counts:-build or C test failed} (exit $rc)"
  record "ASan+LSan JIT" fail "${asan_jit_counts:-not reached}; ${asan_jit:-no report} (exit $rc)"
fi

# the differential fuzzer's fixed budget (tests/fuzz: generated programs run
# by the JIT and by CPython + NumPy, compared; about a minute)
run_pytest "difffuzz" .venv tests/fuzz -q -p no:cacheprovider

# the JIT and profiler tests on the other supported versions
shopt -s nullglob
jit_tests=(tests/python/test_jit_*.py tests/python/test_sampler_*.py
           tests/python/test_profile_*.py)
shopt -u nullglob
for ver in 3.12 3.13; do
  label="pytest $ver JIT+profiler"
  venv=".venv-$ver"
  echo "== test: $venv (CPython $ver)"
  rc=0
  JP_NOTEBOOK_DEPS=0 bash scripts/make_venv.sh "$ver" "$venv" || rc=$?
  if [[ $rc -eq 3 ]]; then
    echo "test: SKIPPED $label: no CPython $ver on this machine (pyenv or PATH)"
    record "$label" skip "SKIPPED: CPython $ver not found"
    continue
  elif [[ $rc -ne 0 ]]; then
    record "$label" fail "building $venv failed (exit $rc)"
    continue
  fi
  if [[ ${#jit_tests[@]} -eq 0 ]]; then
    record "$label" skip "build OK; no JIT or profiler tests yet"
    continue
  fi
  run_pytest "$label" "$venv" "${jit_tests[@]}" -q -m "not slow"
done

echo
if [[ ${#failed[@]} -eq 0 ]]; then
  echo "== test summary: all passed"
else
  echo "== test summary: FAILED: ${failed[*]}"
fi
printf '%s\n' "${summary[@]}"
[[ ${#failed[@]} -eq 0 ]]
