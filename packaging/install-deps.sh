#!/usr/bin/env bash
# Installs archscope's build and test dependencies from Debian/Ubuntu packages (nothing else is
# downloaded). Uses sudo when not root. Safe to re-run: apt skips what is already installed.
set -euo pipefail

# Required: compiler, build tools, JSON, CLI parsing, tests, SIMD dispatch for the CPU engine,
# SQLite for the run store, expat for the report tests, PCRE2 and ICU for the tokenizers,
# OpenBLAS (loaded at run time, not linked) for the independent GEMM ceiling of `archscope bench`
# and `archscope hardware --measure`.
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  nlohmann-json3-dev libcli11-dev libboost-test-dev
  libhwy-dev libsqlite3-dev libexpat1-dev
  libpcre2-dev libicu-dev libopenblas0-pthread
)
# The desktop app (archscope-studio) and its tests: Qt 6 widgets, the Vulkan loader and Dear ImGui
# (libimgui-dev carries imgui_impl_vulkan), Mesa's lavapipe software Vulkan, Xvfb for the window
# test, DejaVu (the font the views are laid out for); dpkg-dev, desktop-file-utils and appstream
# for the Debian package and its test. ARCHSCOPE_WITH_GUI=0 leaves them out (CLI only).
if [[ "${ARCHSCOPE_WITH_GUI:-1}" == "1" ]]; then
  packages+=(
    qt6-base-dev libimgui-dev libstb-dev libvulkan-dev mesa-vulkan-drivers
    xvfb xauth fonts-dejavu-core dpkg-dev desktop-file-utils appstream
  )
fi
# Optional extras: clang for the libFuzzer preset.
if [[ "${ARCHSCOPE_WITH_FUZZ:-0}" == "1" ]]; then
  packages+=(clang libclang-rt-dev)
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: apt-get not found. archscope's scripts support Debian 12 and Ubuntu 24.04;" >&2
  echo "install these packages with your system's package manager: ${packages[*]}" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
