#!/usr/bin/env bash
# The GPU suite in one call (on the GPU machine): the CUDA op tests, the CUDA model tests (HF
# fixtures, every -mini preset against the CPU backend) and the CUDA benchmark, logs under $OUT
# (default ./gpu-out), a short summary printed last.
#
#   tests/gpu/run.sh [--build DIR | --carried DIR] [--bench-model HF_DIR] [--no-bench] [--quick]
#
# --build DIR (default build): a build tree of this checkout with the CUDA toolkit found (cmake
#   -S . -B DIR && cmake --build DIR --target test_backend_cuda test_model_cuda bench_cuda).
#   Where it does not exist and cmake works, it is configured and built first.
# --carried DIR: binaries built elsewhere (tests/gpu/pack.sh writes such a folder: bin/, lib/ with
#   the shared libraries the GPU machine lacks, and source_dir, the checkout path the binaries
#   were compiled against, which is linked to this checkout when it differs).
# --bench-model HF_DIR: run bench_cuda on this checkpoint (e.g. from shared/tools/make_bench1b.py)
#   instead of the bench-1b preset's random weights. LLAMA_BENCH=path and LLAMA_GGUF=file, when
#   set, run llama-bench on the same shapes in the same call for the side-by-side numbers.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/gpu-out}"
mkdir -p "$out"
build="$root/build" carried="" bench_model="" bench=1 quick=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --carried) carried="$2"; shift 2 ;;
    --bench-model) bench_model="$2"; shift 2 ;;
    --no-bench) bench=0; shift ;;
    --quick) quick="--quick"; shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -n "$carried" ]; then
  bin="$carried/bin"
  export LD_LIBRARY_PATH="$carried/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
  src="$(cat "$carried/source_dir")"
  if [ "$src" != "$root" ] && [ ! -e "$src" ]; then
    mkdir -p "$(dirname "$src")" && ln -s "$root" "$src"
  fi
else
  if [ ! -d "$build" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release || exit 1
  fi
  cmake --build "$build" --target test_backend_cuda test_model_cuda test_prof_cuda bench_cuda || exit 1
  bin="$build/bin"
fi

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv > "$out/nvidia-smi.txt" 2>&1
status=0
run_suite() {  # name binary
  local name="$1" exe="$2" rc
  local t0=$SECONDS
  timeout "${SUITE_TIMEOUT:-300}" "$exe" --log_level=message --report_level=short > "$out/$name.log" 2>&1
  rc=$?
  [ $rc -ne 0 ] && [ $rc -ne 77 ] && status=1
  echo "$name: exit $rc in $((SECONDS - t0)) s: $(grep -E 'Test module|failure|error' "$out/$name.log" | tail -3 | tr '\n' ' ')" >> "$out/summary.txt"
}
: > "$out/summary.txt"
run_suite backend_cuda "$bin/test_backend_cuda"
run_suite model_cuda "$bin/test_model_cuda"
if [ -x "$bin/test_prof_cuda" ]; then run_suite prof_cuda "$bin/test_prof_cuda"; fi  # CUPTI kernel records
if [ -n "${MEMCHECK:-}" ]; then  # compute-sanitizer over the op suites named in MEMCHECK
  timeout 200 compute-sanitizer --tool memcheck --print-limit 10 "$bin/test_backend_cuda" --run_test="$MEMCHECK" \
    > "$out/memcheck.log" 2>&1
  echo "memcheck ($MEMCHECK): exit $?: $(grep -E 'ERROR SUMMARY' "$out/memcheck.log" | tail -1)" >> "$out/summary.txt"
fi

if [ $bench -eq 1 ]; then
  args=(--json "$out/bench.json" $quick)
  [ -n "$bench_model" ] && args+=(--model "$bench_model")
  timeout "${BENCH_TIMEOUT:-300}" "$bin/bench_cuda" "${args[@]}" > "$out/bench.log" 2>&1 || status=1
  if [ -n "${LLAMA_BENCH:-}" ] && [ -n "${LLAMA_GGUF:-}" ]; then
    # The peer in the same call: prefill 512 and 2048, decode 128 tokens at depth 0 and 512.
    { timeout 200 "$LLAMA_BENCH" -m "$LLAMA_GGUF" -ngl 99 -fa 1 -p 512,2048 -n 128 -r 5 -o md
      timeout 120 "$LLAMA_BENCH" -m "$LLAMA_GGUF" -ngl 99 -fa 1 -p 0 -n 128 -d 512 -r 5 -o md; } \
      > "$out/llama.txt" 2>&1 || status=1
  fi
fi

echo "== summary"
cat "$out/summary.txt"
[ -f "$out/bench.log" ] && cat "$out/bench.log"
[ -f "$out/llama.txt" ] && grep -E "^\|" "$out/llama.txt"
exit $status
