#!/bin/sh
# Checks the layer-slice extrapolation (docs/profiling.md, "Layer slices") on models that fit
# whole: for each preset, one `archscope bench --layers SLICE --compare-full` call runs the slice,
# then the whole model, and prints the extrapolated and measured figures with the error in %.
#
#   tools/slice_check.sh [--backend cuda] [--layers 0:1] [--prompt 512] [--new 128] [PRESET...]
#
# Defaults: cpu, layers 0:1, prompt 512, 128 decode steps, presets llama3-8b qwen3-30b-a3b.
# ARCHSCOPE names the binary (default build/bin/archscope); other bench options go in BENCH_ARGS.
# JSON_OUT=DIR keeps each preset's `bench --json` as DIR/PRESET.json (then the lines below are
# printed from it: the slice's decode and its plan bytes, the estimate, the whole model, the errors).
set -eu
archscope=${ARCHSCOPE:-build/bin/archscope}
backend=cpu layers=0:1 prompt=512 new=128
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend=$2; shift 2 ;;
    --layers) layers=$2; shift 2 ;;
    --prompt) prompt=$2; shift 2 ;;
    --new) new=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*) echo "slice_check.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- llama3-8b qwen3-30b-a3b
status=0
for preset in "$@"; do
  echo "== $preset, --backend $backend --layers $layers --prompt $prompt --new $new"
  if [ -n "${JSON_OUT:-}" ]; then
    mkdir -p "$JSON_OUT"
    # shellcheck disable=SC2086
    if ! "$archscope" bench --preset "$preset" --backend "$backend" --layers "$layers" --compare-full \
        --prompt "$prompt" --new "$new" --json ${BENCH_ARGS:-} > "$JSON_OUT/$preset.json"; then
      status=1
      continue
    fi
    python3 - "$JSON_OUT/$preset.json" <<'PY' || status=1
import json, sys
j = json.load(open(sys.argv[1]))
sl, d = j["slice"], j["decode"]
print("slice    decode %.4f ms/step, plan %.1f MB read per step (%.0f GB/s achieved)" %
      (d["ms_per_step"], d["plan_bytes_read_per_step"] / 1e6, d["achieved_read_gbs"]))
for k in ("extrapolated_medians", "full", "error_pct"):
    v = sl.get(k, {})
    print("%-21s %s" % (k, {a: b for a, b in v.items() if not isinstance(b, list)}))
PY
    continue
  fi
  # shellcheck disable=SC2086
  if ! "$archscope" bench --preset "$preset" --backend "$backend" --layers "$layers" --compare-full \
      --prompt "$prompt" --new "$new" ${BENCH_ARGS:-} | grep -E '^(slice|EXTRAPOLATED|full|decode|prefill) |^ +(class|slice per layer|whole model per layer|with class means)'; then
    status=1
  fi
done
exit $status
