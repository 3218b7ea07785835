#!/usr/bin/env bash
# scripts/setup.sh [--no-demo] - owns getting a machine from a clean clone
# to a working jitprofile: Debian packages, .venv (CPython 3.11) with the
# build and test dependencies, a fresh build and install of the project,
# then the Mandelbrot demo (examples/mandelbrot_demo.py).  Idempotent.
set -euo pipefail

demo=1
for arg in "$@"; do
  case "$arg" in
    --no-demo) demo=0 ;;
    -h|--help) echo "usage: bash scripts/setup.sh [--no-demo]"; exit 0 ;;
    *) echo "setup: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

echo "== setup: system packages"
extra=()
if ! bash scripts/find_python.sh 3.11 >/dev/null; then
  # no pyenv 3.11: use Debian 12's own CPython 3.11
  extra=(python3.11 python3.11-venv python3.11-dev)
fi
bash scripts/system_deps.sh "${extra[@]}"

echo "== setup: .venv (CPython 3.11) and jitprofile"
bash scripts/make_venv.sh 3.11 .venv

if [[ $demo -eq 0 ]]; then
  echo "== setup: done (demo skipped)"
  exit 0
fi

echo "== setup: demo (examples/mandelbrot_demo.py)"
if ! .venv/bin/python examples/mandelbrot_demo.py; then
  echo "setup: installation succeeded, but the demo failed (see above)" >&2
  exit 1
fi
echo "== setup: done"
