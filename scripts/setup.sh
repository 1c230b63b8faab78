#!/usr/bin/env bash
# setup.sh - install every Debian package Kiln needs to build and test.
#
# Idempotent: packages already present are skipped, and `apt-get update` runs
# at most once (only when something is missing). Needs root or sudo.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build ccache g++ pkg-config
  # compiler side: LLVM 19 (shared libLLVM), clang for wasm32 guests, lld for the wasm link
  llvm-19-dev clang-19 lld-19 libclang-rt-19-dev-wasm32 wasi-libc zlib1g-dev libzstd-dev
  # spec suite and tooling
  wabt binaryen python3
  # libFuzzer and the sanitizer runtimes for clang (scripts/fuzz.sh)
  libclang-rt-19-dev libfuzzer-19-dev
  # host math, tests, benchmarks
  libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev strace
  # Ed25519 signatures of artifacts (kiln sign, the loader's --trust)
  libsodium-dev
  # the application manifest (kiln app, kiln agent): TOML, header-only
  libtomlplusplus-dev
  # cross targets and their emulation
  qemu-user g++-aarch64-linux-gnu g++-arm-linux-gnueabihf g++-riscv64-linux-gnu
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
