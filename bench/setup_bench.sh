#!/usr/bin/env bash
# bench/setup_bench.sh - owns .venv-bench, the benchmark-only environment:
# CPython 3.11 with a pinned Numba + NumPy pair (Numba is never a
# dependency of jitprofile itself) and jitprofile built from this checkout
# with --no-build-isolation against that NumPy.  Idempotent.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# a pair that installs together on CPython 3.11 (wheels for both)
NUMBA_PIN=${NUMBA_PIN:-numba==0.68.1}
NUMPY_PIN=${NUMPY_PIN:-numpy==2.4.6}
# the profilers compared with in bench_overhead.py / bench_profiler.py /
# bench_memory.py (memray, Scalene --memory)
TOOLS_PINS=${TOOLS_PINS:-"py-spy==0.4.3 scalene==2.4.0 memray==1.20.0"}
# Numba's np.linalg needs SciPy's LAPACK (bench_linalg.py)
SCIPY_PIN=${SCIPY_PIN:-scipy==1.17.1}

bash scripts/system_deps.sh
JP_EXTRA_REQUIREMENTS="$NUMBA_PIN $NUMPY_PIN $TOOLS_PINS $SCIPY_PIN" bash scripts/make_venv.sh 3.11 .venv-bench
.venv-bench/bin/python -c 'import numba, numpy; print("setup_bench: numba", numba.__version__, "numpy", numpy.__version__)'
echo "setup_bench: run   .venv-bench/bin/python bench/bench_scalar.py"
