#!/usr/bin/env bash
# The cost of op spans and CUPTI kernel records on the GPU machine, in one call: bench-1b (bf16,
# batch 1, numeric checks off) decoded three ways by `archscope run`, back to back:
#   off    --no-spans --cupti off   steps timed only (two CUDA events per step)
#   cupti  --cupti on --cupti-sample 1   op spans from CUPTI kernel records, every step traced
#          (eager launches joined through external correlation records: the runner's choice for
#          sample 1, profiler/gpu/correlation_join.hpp)
#   callbacks as cupti, with ARCHSCOPE_CUPTI_CORRELATION=callbacks (the join sampled runs use)
#   default --cupti on              the default sampling (prefill, first decode step, every 512th)
#   cupti8 --cupti on --cupti-sample 8   the same, every 8th decode step traced (also cupti16,
#          cupti32, cupti64: every 16th, 32nd, 64th)
#   api    as cupti, with ARCHSCOPE_CUPTI_CORRELATION=api (what cupti chooses by itself now; a
#          build before the automatic choice used callbacks for cupti)
#   floor  --cupti on --cupti-sample 100000: the prefill and the first decode step traced, every
#          other decode step paused (what CUPTI's presence costs a step that records nothing; on
#          passes of <= 512 steps also what the default does); floor-unsub the same with
#          ARCHSCOPE_CUPTI_PAUSE=unsubscribe (the callbacks' subscriber dropped while paused)
#   events --cupti off              op spans from CUDA events around every op (in the graphs)
#   off2                            off again (last in ORDER: how far the machine drifted)
#   before-off, before-cupti        off and cupti with the binary $BEFORE (an earlier build)
# then the CUPTI suite (test_prof_cuda), a report (Markdown + SVG) and a Chrome trace of the
# CUPTI run. Prints each run's decode ms/step (p50, mean; the step's device time, begin to end
# event) and its step period (p50 of the time from one decode step's begin to the next's, on the
# same clock: the host's work between steps included, which is what tokens/s sees), and the
# overheads of both against `off`.
#   tests/gpu/profile_overhead.sh BIN_DIR [PROMPT] [NEW] [ORDER]
# BIN_DIR holds archscope and test_prof_cuda (tests/gpu/pack_profile.sh packs them); logs,
# the database, the report and the trace go to $OUT (default ./gpu-out). MODEL_ARGS replaces
# `--preset bench-1b` (e.g. `--model DIR` for a checkpoint, which loads faster).
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
# shellcheck disable=SC2206
model=(${MODEL_ARGS:---preset bench-1b})
common=("${model[@]}" --backend cuda --weights-dtype bf16 --prompt "$prompt" --new "$new"
        --warmup 1 --checks off --db "$db" --json)
declare -A flags=([off]="--no-spans --cupti off" [off2]="--no-spans --cupti off" [cupti]="--cupti on --cupti-sample 1" [default]="--cupti on" [events]="--cupti off"
                  [cupti8]="--cupti on --cupti-sample 8" [cupti16]="--cupti on --cupti-sample 16"
                  [cupti32]="--cupti on --cupti-sample 32" [cupti64]="--cupti on --cupti-sample 64"
                  [api]="--cupti on --cupti-sample 1" [callbacks]="--cupti on --cupti-sample 1" [floor]="--cupti on --cupti-sample 100000"
                  [floor-unsub]="--cupti on --cupti-sample 100000"
                  [before-off]="--no-spans --cupti off" [before-cupti]="--cupti on")
declare -A envs=([api]="ARCHSCOPE_CUPTI_CORRELATION=api" [callbacks]="ARCHSCOPE_CUPTI_CORRELATION=callbacks" [floor-unsub]="ARCHSCOPE_CUPTI_PAUSE=unsubscribe")
: > "$out/overhead.txt"
for mode in $order; do
  t0=$SECONDS
  exe="$bin/archscope"
  case "$mode" in before-*) exe="${BEFORE:?BEFORE names the earlier archscope}" ;; esac
  # shellcheck disable=SC2086
  env ${envs[$mode]:-} timeout "${RUN_TIMEOUT:-150}" "$exe" run "${common[@]}" ${flags[$mode]} --name "$mode" \
    > "$out/run-$mode.json" 2> "$out/run-$mode.err"
  rc=$?
  python3 - "$out/run-$mode.json" "$mode" "$rc" "$((SECONDS - t0))" "$db" >> "$out/overhead.txt" <<'PY'
import json, sqlite3, statistics, sys
path, mode, rc, secs, db = sys.argv[1:]
try:
    j = json.load(open(path))
    s = j["summary"]
    starts = [r[0] for r in sqlite3.connect(db).execute(
        "SELECT start_ns FROM steps WHERE run_id = ? AND phase = 'decode' ORDER BY step", (j["run_id"],))]
    period = statistics.median(b - a for a, b in zip(starts, starts[1:])) / 1e6
    print(f"{mode}: run {j['run_id']} decode ms/step p50 {s['decode_ms_per_step_p50']:.4f} "
          f"mean {s['decode_ms_per_step_mean']:.4f} over {s['decode_steps']} steps; period p50 {period:.4f}; "
          f"prefill {s['prefill_ms']:.2f} ms ({secs} s)")
except Exception as e:
    print(f"{mode}: exit {rc}, no summary ({e})")
PY
done
python3 - "$out/overhead.txt" >> "$out/overhead.txt" <<'PY'
import re, sys
p50, mean, period = {}, {}, {}
for line in open(sys.argv[1]):
    m = re.match(r"([\w-]+): run \d+ decode ms/step p50 ([0-9.]+) mean ([0-9.]+) .* period p50 ([0-9.]+)", line)
    if m: p50[m.group(1)], mean[m.group(1)], period[m.group(1)] = float(m.group(2)), float(m.group(3)), float(m.group(4))
for base in ("off", "before-off"):
    if base not in p50: continue
    for k, v in p50.items():
        if k in ("off", "before-off"): continue
        print(f"overhead {k} vs {base}: step p50 {100 * (v / p50[base] - 1):+.2f}%, "
              f"mean {100 * (mean[k] / mean[base] - 1):+.2f}%, "
              f"period p50 {100 * (period[k] / period[base] - 1):+.2f}%")
PY
cupti_id=$(python3 -c "import json;print(json.load(open('$out/run-${REPORT_MODE:-cupti}.json'))['run_id'])" 2>/dev/null)
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
