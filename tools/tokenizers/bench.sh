#!/usr/bin/env bash
# Tokenizer throughput, archscope against HF tokenizers on the same text, one pinned core
# (docs/tokenizers.md reports a run). Three rounds, each running archscope then HF, per tokenizer
# and mode (whole text as one string; every line as its own input). Prints one line per run.
#   tools/tokenizers/bench.sh TEXT_FILE [BUILD_DIR] [HF_MODULE] [CPU]
set -euo pipefail
text="$1"
build="${2:-build}"
hf="${3:-/tmp/hftok/node_modules/tokenizers}"
cpu="${4:-1}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fixtures="$root/tests/fixtures/tokenizers"
export RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
for name in gpt2 phi3_mini clip falcon whisper_tiny llama3 qwen3 deepseek_v3 gpt_oss gemma3; do
  for mode in "" --lines; do
    for round in 1 2 3; do
      taskset -c "$cpu" "$build/bin/bench_tokenizer" "$fixtures/$name/tokenizer.json" "$text" --repeat 3 $mode |
        sed "s/^/$name round $round /"
      taskset -c "$cpu" node "$root/tools/tokenizers/bench_hf.js" "$fixtures/$name/tokenizer.json" "$text" --repeat 3 $mode --hf "$hf" |
        sed "s/^/$name round $round /"
    done
  done
done
