#!/usr/bin/env bash
# scripts/find_python.sh X.Y - owns the choice of interpreter: prints the
# path of a working CPython X.Y (pyenv's ~/.pyenv/versions/X.Y.*, newest
# first, preferring the pinned 3.11.7; then pythonX.Y on PATH).
# Exits 3 when none is found.
set -euo pipefail

want=${1:?usage: find_python.sh X.Y}
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}

candidates=()
[[ "$want" == 3.11 ]] && candidates+=("$pyenv_root/versions/3.11.7/bin/python3.11")
# newest patch release first
while IFS= read -r dir; do
  candidates+=("$dir/bin/python$want")
done < <(ls -d "$pyenv_root/versions/$want".* 2>/dev/null | sort -t. -k3,3nr)
if path_py=$(command -v "python$want" 2>/dev/null); then
  candidates+=("$path_py")
fi
candidates+=("/usr/bin/python$want" "/usr/local/bin/python$want")

for py in "${candidates[@]}"; do
  [[ -x "$py" ]] || continue
  # a pyenv shim exists for versions it cannot run: ask the interpreter
  got=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
  if [[ "$got" == "$want" ]]; then
    echo "$py"
    exit 0
  fi
done
exit 3
