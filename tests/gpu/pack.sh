#!/usr/bin/env bash
# Packs what tests/gpu/run.sh --carried needs from a build tree of this machine into one folder
# (default .devcarry/gpu, ignored by git): the GPU test and benchmark binaries (stripped), the
# shared libraries the GPU machine lacks (Highway, Boost.Test), and the source path the binaries
# were compiled against (fixtures and presets are found through it).
#   tests/gpu/pack.sh [BUILD_DIR] [DEST]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
dest="${2:-$root/.devcarry/gpu}"
rm -rf "$dest"
mkdir -p "$dest/bin" "$dest/lib"
for b in test_backend_cuda test_model_cuda test_backend_ops bench_cuda test_prof_cuda; do
  [ -f "$build/bin/$b" ] || continue  # test_prof_cuda: built where CUDA is (it skips without CUPTI)
  cp "$build/bin/$b" "$dest/bin/"
  strip "$dest/bin/$b"
done
# CUPTI of this toolkit: the collector was compiled against its record layouts.
if [ -f /usr/local/cuda/lib64/libcupti.so.13 ]; then cp -L /usr/local/cuda/lib64/libcupti.so.13 "$dest/lib/"; fi
for l in libhwy.so.1 libboost_unit_test_framework.so.1.74.0; do
  cp -L "/lib/x86_64-linux-gnu/$l" "$dest/lib/"
done
echo "$root" > "$dest/source_dir"
du -sh "$dest"
