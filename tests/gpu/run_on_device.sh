#!/usr/bin/env bash
# tests/gpu/run_on_device.sh - the one prepared script for a machine with an
# NVIDIA GPU (issue 17).  Run it THERE from the repository root, through the
# device tool:  run(command="bash tests/gpu/run_on_device.sh",
#                   carry=[".gpu-carry"], timeout_s=540)
# after `bash tests/gpu/pack_for_device.sh` HERE (the device image can fetch
# nothing: the built package and its libraries travel in .gpu-carry/).
# Without .gpu-carry it uses .venv if one works there, else tries
# scripts/make_venv.sh (needs a package index: fails on an offline image).
#
# It writes to $OUT (at most 8 files come back):
#   env.txt            GPU, driver, Python, NumPy, numba-cuda, libdevice
#   pytest.log         the whole CUDA suite (-rs: every skip with its reason)
#   junit_cuda.xml     the same, per test
#   bench.log / bench_cuda_gpu.json   bench/bench_cuda_gpu.py vs numba-cuda
#   run.log            this script's own output
# Budget: about 6 minutes (the suite's compile tests are most of it); each
# step has its own timeout so a hang cannot eat the lease.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
OUT=${OUT:-/tmp/jp-gpu-out}
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1
export PYTHONUNBUFFERED=1
t0=$(date +%s)
step() { echo "== run_on_device: $* ($(( $(date +%s) - t0 )) s)"; }

step "environment"
PY=${PY:-python3}
if [[ -f .gpu-carry/libs.tar.xz ]]; then
  mkdir -p /tmp/jp-carry
  tar -C /tmp/jp-carry -xJf .gpu-carry/libs.tar.xz
  # the system's copy of a library wins (same soname, likely newer, and what
  # numba-cuda and NumPy there were built against): keep only the missing ones
  for f in /tmp/jp-carry/lib/*; do
    if ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$(basename "$f") "; then rm -f "$f"; fi
  done
  echo "carried libraries used: $(ls /tmp/jp-carry/lib | tr '\n' ' ')"
  export LD_LIBRARY_PATH=/tmp/jp-carry/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export PYTHONPATH=$root/.gpu-carry/site${PYTHONPATH:+:$PYTHONPATH}
  echo "using .gpu-carry (package and libraries packed by tests/gpu/pack_for_device.sh)"
elif [[ -x .venv/bin/python ]] && .venv/bin/python -c 'import jitprofile' 2>/dev/null; then
  PY=.venv/bin/python
else
  echo "no .gpu-carry and no working .venv: trying scripts/make_venv.sh (needs a package index)"
  JP_NOTEBOOK_DEPS=0 timeout 400 bash scripts/make_venv.sh "$($PY -c 'import sys; print("%d.%d" % sys.version_info[:2])')" .venv \
    && PY=.venv/bin/python || { echo "run_on_device: no way to install jitprofile here" >&2; exit 2; }
fi
# libdevice: the toolkit beside nvcc, or a pip-installed CUDA's nvvm
if [[ -z ${CUDA_HOME:-} ]] && command -v nvcc >/dev/null; then
  export CUDA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")
fi
if [[ ! -f ${CUDA_HOME:-/nonexistent}/nvvm/libdevice/libdevice.10.bc ]]; then
  ld=$(timeout 30 find /usr/local /opt /usr/lib -name libdevice.10.bc -path '*nvvm/libdevice*' 2>/dev/null | head -1)
  [[ -n $ld ]] && export CUDA_HOME=$(dirname "$(dirname "$(dirname "$ld")")")
fi
{
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv 2>&1
  echo "CUDA_HOME=${CUDA_HOME:-}"
  command -v nvcc && nvcc --version | tail -2
  command -v ptxas || echo "ptxas: not on PATH"
  $PY - <<'PYEOF'
import sys, numpy
print("python", sys.version.split()[0], sys.executable)
print("numpy", numpy.__version__)
try:
    import numba_cuda, numba
    print("numba", numba.__version__, "numba-cuda", getattr(numba_cuda, "__version__", "?"))
except Exception as e:
    print("numba-cuda: not importable:", e)
import jitprofile
from jitprofile import cuda
print("jitprofile", jitprofile.__file__)
print("libdevice", jitprofile._core.cuda_libdevice())
print("cuda.is_available()", cuda.is_available(), jitprofile._core.cuda_available())
cuda.detect()
PYEOF
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"
# ptxas beside nvcc, for the PTX tests
[[ -n ${CUDA_HOME:-} && -x $CUDA_HOME/bin/ptxas ]] && export PATH=$CUDA_HOME/bin:$PATH

step "the CUDA suite (GPU runs against NumPy; PTX checks; signatures; lineinfo)"
timeout 300 $PY -m pytest -p no:cacheprovider -q -rs -o junit_family=xunit2 --junitxml="$OUT/junit_cuda.xml" \
  tests/python/test_cuda_gpu.py tests/python/test_cuda_ptx.py tests/python/test_cuda_signatures.py \
  tests/python/test_cuda_lineinfo.py > "$OUT/pytest.log" 2>&1
suite=$?
tail -40 "$OUT/pytest.log"
echo "suite exit status: $suite"

step "benchmark against numba-cuda"
timeout 180 $PY bench/bench_cuda_gpu.py --json "$OUT/bench_cuda_gpu.json" > "$OUT/bench.log" 2>&1
bench=$?
cat "$OUT/bench.log"
echo "bench exit status: $bench"

step "done: suite $suite, bench $bench"
exit $(( suite != 0 ? suite : bench ))
