#!/usr/bin/env bash
# The cost of op spans and CUPTI kernel records on the GPU machine, in one call: bench-1b (bf16,
# batch 1, numeric checks off) decoded three ways by `archscope run`, back to back:
#   off    --no-spans --cupti off   steps timed only (two CUDA events per step)
#   cupti  --cupti on               op spans from CUPTI kernel records, every kernel stored
#   events --cupti off              op spans from CUDA events around every op (in the graphs)
# then the CUPTI suite (test_prof_cuda), a report (Markdown + SVG) and a Chrome trace of the
# CUPTI run. Prints each run's decode ms/step (p50, mean) and the overhead against `off`.
#   tests/gpu/profile_overhead.sh BIN_DIR [PROMPT] [NEW] [ORDER]
# BIN_DIR holds archscope and test_prof_cuda (tests/gpu/pack_profile.sh packs them); logs,
# the database, the report and the trace go to $OUT (default ./gpu-out).
set -uo pipefail
bin="$1"
prompt="${2:-512}"
new="${3:-64}"
order="${4:-off cupti events}"
out="${OUT:-$PWD/gpu-out}"
mkdir -p "$out"
db="$out/overhead.db"
rm -f "$db"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv > "$out/nvidia-smi.txt" 2>&1
common=(--preset bench-1b --backend cuda --weights-dtype bf16 --prompt "$prompt" --new "$new"
        --warmup 1 --checks off --db "$db" --json)
declare -A flags=([off]="--no-spans --cupti off" [cupti]="--cupti on" [events]="--cupti off")
: > "$out/overhead.txt"
for mode in $order; do
  t0=$SECONDS
  # shellcheck disable=SC2086
  timeout "${RUN_TIMEOUT:-150}" "$bin/archscope" run "${common[@]}" ${flags[$mode]} --name "$mode" \
    > "$out/run-$mode.json" 2> "$out/run-$mode.err"
  rc=$?
  python3 - "$out/run-$mode.json" "$mode" "$rc" "$((SECONDS - t0))" >> "$out/overhead.txt" <<'PY'
import json, sys
path, mode, rc, secs = sys.argv[1:]
try:
    s = json.load(open(path))["summary"]
    print(f"{mode}: run {json.load(open(path))['run_id']} decode ms/step p50 {s['decode_ms_per_step_p50']:.4f} "
          f"mean {s['decode_ms_per_step_mean']:.4f} over {s['decode_steps']} steps; prefill {s['prefill_ms']:.2f} ms ({secs} s)")
except Exception as e:
    print(f"{mode}: exit {rc}, no summary ({e})")
PY
done
python3 - "$out/overhead.txt" >> "$out/overhead.txt" <<'PY'
import re, sys
p50 = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\w+): run \d+ decode ms/step p50 ([0-9.]+)", line)
    if m: p50[m.group(1)] = float(m.group(2))
if "off" in p50:
    for k, v in p50.items():
        if k != "off": print(f"overhead {k} vs off (p50): {100 * (v / p50['off'] - 1):+.2f}%")
PY
cupti_id=$(python3 -c "import json;print(json.load(open('$out/run-cupti.json'))['run_id'])" 2>/dev/null)
if [ -n "$cupti_id" ]; then
  "$bin/archscope" report "$cupti_id" --db "$db" --hardware h200 --out "$out/report-cupti.md" --force > /dev/null 2>&1
  "$bin/archscope" export "$cupti_id" --db "$db" --format chrome-trace --out "$out/cupti.trace.json" --force > /dev/null 2>&1
  gzip -f "$out/cupti.trace.json"
fi
if [ -z "${NO_TESTS:-}" ]; then
  timeout "${SUITE_TIMEOUT:-120}" "$bin/test_prof_cuda" --log_level=message --report_level=short > "$out/prof_cuda.log" 2>&1
  echo "test_prof_cuda: exit $? $(grep -E 'Test module|failure|error' "$out/prof_cuda.log" | tail -3 | tr '\n' ' ')" >> "$out/overhead.txt"
fi
cat "$out/overhead.txt"
