#!/usr/bin/env bash
# Installs dependencies and builds archscope (Release) into ./build (or $1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
"$root/packaging/install-deps.sh"
# ccache keys on paths; relative to the checkout, a fresh clone elsewhere reuses earlier objects.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [[ -f "$build/CMakeCache.txt" ]]; then generator=(); fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$(nproc)"
