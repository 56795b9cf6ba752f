#!/usr/bin/env bash
# Installs dependencies, builds archscope with its tests and runs the whole suite with CTest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ARCHSCOPE_TEST_BUILD:-$root/build}"
"$root/packaging/build.sh" "$build"
cd "$build"
ctest --output-on-failure -j "$(nproc)"
