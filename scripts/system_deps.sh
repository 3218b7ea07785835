#!/usr/bin/env bash
# scripts/system_deps.sh - owns the Debian packages the build needs.
# Installs only what is missing; runs `apt-get update` only then.
# Extra package names may be passed as arguments.  Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential   # gcc, make, libc headers
  pkg-config        # meson finds libzmq/libunwind through it
  llvm-19-dev       # LLVM 19 C API (libLLVM-19.so, llvm-config-19)
  libunwind-dev     # native stack capture in the sampler
  libzmq3-dev       # the notebook stream
  libhsa-runtime64-1  # the HSA runtime for AMD GPUs (dlopen; jitprofile.roc runs kernels with it)
  chromium          # headless browser for the notebook widget tests (Playwright drives it)
  lld-19            # jitprofile.roc: ld.lld-19 links AMD GPU code objects
  rocm-device-libs  # jitprofile.roc: ocml/ockl/oclc bitcode (AMD GPU math)
  "$@"
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system_deps: all packages present (${packages[*]})"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "system_deps: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "system_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
