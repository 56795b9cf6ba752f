#!/usr/bin/env bash
# CPU decode and prefill of archscope against llama.cpp on the same bench-1b weights, per weight
# format (bf16, q8_0, q4_0), measured side by side in one call (docs/performance.md, "CPU:
# quantized decode vs llama.cpp", says how to make the weights and build llama.cpp).
#
#   tools/bench_cpu_vs_llamacpp.sh --llama-bench PATH --gguf-dir DIR --model HF_DIR [options]
#
#   --llama-bench PATH  llama.cpp's llama-bench, built for the CPU (env LLAMA_BENCH)
#   --gguf-dir DIR      holds bench-1b-bf16.gguf, bench-1b-q8_0.gguf, bench-1b-q4_0.gguf (env BENCH1B_GGUF_DIR)
#   --model HF_DIR      the same weights as a Hugging Face checkpoint (bf16) (env BENCH1B_HF)
#   --archscope PATH    default build/bin/archscope of this checkout (env ARCHSCOPE)
#   --formats LIST      default bf16,q8_0,q4_0
#   --threads N         both engines, default 2
#   --prompt N          prefill length and decode context, default 512
#   --new N             decode tokens, default 128
#   --repeat N          timed repetitions per engine call (llama-bench -r, archscope --repeat), default 3
#   --rounds N          times the whole set runs; the engines swap order each round, default 1
#   --out DIR           where the raw JSON and logs stay (default: a new directory under /tmp)
#   --summarize DIR     only print the table of an earlier call's --out DIR (runs nothing)
#
# Per format and round: llama-bench -p PROMPT -n 0 (pp), llama-bench -p 0 -n NEW -d PROMPT (decode
# at the same context archscope decodes at, PROMPT..PROMPT+NEW), and archscope bench --model
# HF_DIR [--weights-quant FORMAT] --prompt PROMPT --new NEW --warmup 1 --repeat R --json. The
# table gives medians over every repetition of every round. Builds nothing.
set -euo pipefail

die() { echo "bench_cpu_vs_llamacpp: error: $*" >&2; exit 2; }

llama_bench=${LLAMA_BENCH:-}
gguf_dir=${BENCH1B_GGUF_DIR:-}
model=${BENCH1B_HF:-}
archscope=${ARCHSCOPE:-$(dirname "$0")/../build/bin/archscope}
formats=bf16,q8_0,q4_0 threads=2 prompt=512 new=128 repeat=3 rounds=1 out= summarize=
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || case "$1" in -h|--help) ;; *) die "$1 needs a value" ;; esac
  case "$1" in
    --llama-bench) llama_bench=$2 ;;
    --gguf-dir) gguf_dir=$2 ;;
    --model) model=$2 ;;
    --archscope) archscope=$2 ;;
    --formats) formats=$2 ;;
    --threads) threads=$2 ;;
    --prompt) prompt=$2 ;;
    --new) new=$2 ;;
    --repeat) repeat=$2 ;;
    --rounds) rounds=$2 ;;
    --out) out=$2 ;;
    --summarize) summarize=$2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (--help lists the options)" ;;
  esac
  shift 2
done

summary() {  # out dir, formats, rounds, threads
  BENCH_THREADS=$4 python3 - "$1" "$2" "$3" << 'PY'
import json, os, statistics, sys

out, formats, rounds = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])

def load(tag):
    p = os.path.join(out, tag)
    try:
        rc = int(open(p + ".rc").read())
        la = open(p + ".load").read().split()[0]
    except OSError:
        return None, None, "not run"
    if rc != 0:
        lines = open(p + ".log").read().strip().splitlines()
        return None, la, f"exit {rc}: {lines[-1] if lines else ''}"
    try:
        return json.load(open(p + ".json")), la, None
    except (OSError, ValueError) as e:
        return None, la, f"unreadable JSON ({e})"

def med(v):
    return statistics.median(v) if v else float("nan")

def span(v):
    return f"{min(v):.2f}-{max(v):.2f}" if len(v) > 1 else ""

rows, notes = [], []
for f in formats:
    lpp, ltg, apf, adc, floor, bytes_tok, gbs, other, loads, held, mtype = [], [], [], [], [], [], [], [], [], "", ""
    errs = []
    for r in range(1, rounds + 1):
        for kind, dst in (("pp", lpp), ("tg", ltg)):
            j, la, err = load(f"r{r}-{f}-llama-{kind}")
            if err: errs.append(f"llama.cpp {kind} round {r}: {err}"); continue
            loads.append(la)
            for t in j:
                dst.extend(t["samples_ts"])
                mtype = f'{t["model_type"]}, {t["model_size"] / 1e9:.3f} GB'
        j, la, err = load(f"r{r}-{f}-archscope")
        if err: errs.append(f"archscope round {r}: {err}"); continue
        loads.append(la)
        d, p, rf = j["decode"], j["prefill"], j["roofline"]
        adc.extend(1e3 / ms for ms in d["ms_per_step_per_repeat"])
        apf.extend(p["tokens"] / s for s in p["seconds_per_repeat"])
        floor.append(d["fraction_of_roofline"]); bytes_tok.append(d["plan_bytes_read_per_step"])
        gbs.append(rf["read_gbs"]); other.append(d["other_processes_cores"])
        wq = j.get("weights_quant")
        held = (f'{wq["scheme"]} ({wq["bits_per_weight"]:.3f} bits/weight) held {wq.get("held", "?")}, '
                f'other weights {j["weights_dtype"]}' if wq else j["weights_dtype"])
    rows.append(dict(f=f, ltg=med(ltg), atg=med(adc), lpp=med(lpp), app=med(apf), floor=med(floor),
                     mb=med(bytes_tok) / 1e6, gbs=med(gbs), other=max(other) if other else float("nan"),
                     loads="/".join(loads), held=held, mtype=mtype, ltg_s=span(ltg), atg_s=span(adc)))
    notes += [f"{f}: {e}" for e in errs]

hdr = ("| format | llama.cpp decode tok/s | archscope decode tok/s | ratio | archscope % of read floor "
       "(MB/token, GB/s) | llama.cpp pp tok/s | archscope prefill tok/s | ratio | load avg at each call | "
       "other procs, cores |")
print("(load avg: the 1-minute load average before each call: llama.cpp pp, llama.cpp decode, archscope, per round)")
print()
print(hdr)
print("|" + " --- |" * (hdr.count("|") - 1))
def num(v, spec, suffix=""):
    return "n/a" if v != v else format(v, spec) + suffix  # NaN: nothing measured

for x in rows:
    print(f'| {x["f"]} | {num(x["ltg"], ".2f")} | {num(x["atg"], ".2f")} | {num(x["atg"] / x["ltg"], ".2f", "x")} | '
          f'{num(100 * x["floor"], ".1f", "%")} ({num(x["mb"], ".0f")}, {num(x["gbs"], ".1f")}) | '
          f'{num(x["lpp"], ".2f")} | {num(x["app"], ".2f")} | {num(x["app"] / x["lpp"], ".2f", "x")} | '
          f'{x["loads"] or "n/a"} | {num(x["other"], ".2f")} |')
print()
print("decode: llama.cpp tg at depth = --prompt (same context as archscope's decode); medians over every")
print("repetition of every round; spread (min-max tok/s), llama.cpp / archscope:")
for x in rows:
    print(f'  {x["f"]}: {x["ltg_s"] or "-"} / {x["atg_s"] or "-"};  llama.cpp model: {x["mtype"]};  archscope weights: {x["held"]}')
print("read floor: archscope's plan bytes per decode step / the read bandwidth archscope measured in the same call")
print("other procs: the most CPU the rest of the machine used during an archscope decode (bench's other_processes_cores); near 0 on a quiet machine")
threads = int(os.environ.get("BENCH_THREADS", "2"))
busy = [x["f"] for x in rows if x["other"] > 0.2 or any(float(l) > threads + 1 for l in x["loads"].split("/") if l)]
if busy:
    print(f"WARNING: the machine was busy during {', '.join(busy)} (load average above {threads + 1} before a call, "
          "or other processes above 0.2 cores during archscope's decode): those figures measure the contention too")
for n in notes:
    print("FAILED " + n)
print(f"raw JSON and logs: {out}")
sys.exit(1 if notes else 0)
PY
}
if [ -n "$summarize" ]; then
  [ -f "$summarize/host.txt" ] || die "--summarize '$summarize' holds no host.txt of an earlier call"
  cat "$summarize/host.txt"
  for kv in $(grep -E '^threads=' "$summarize/host.txt"); do
    [[ "$kv" =~ ^(threads|rounds)=([0-9]+)$ ]] && declare "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
  done
  fl=$(cat "$summarize/formats.txt" 2> /dev/null || echo "$formats")
  summary "$summarize" "$fl" "$rounds" "$threads"
  exit $?
fi

[ -n "$llama_bench" ] || die "--llama-bench (or LLAMA_BENCH) is required"
[ -n "$gguf_dir" ] || die "--gguf-dir (or BENCH1B_GGUF_DIR) is required"
[ -n "$model" ] || die "--model (or BENCH1B_HF) is required"
[ -x "$llama_bench" ] || die "llama-bench '$llama_bench' is not an executable file"
[ -x "$archscope" ] || die "archscope '$archscope' is not an executable file (build it, or pass --archscope)"
[ -f "$model/config.json" ] || die "--model '$model' has no config.json"
for kv in "threads=$threads" "prompt=$prompt" "new=$new" "repeat=$repeat" "rounds=$rounds"; do
  [[ "${kv#*=}" =~ ^[1-9][0-9]*$ ]] || die "--${kv%%=*} '${kv#*=}' is not a positive integer"
done
IFS=, read -r -a fmts <<< "$formats"
for f in "${fmts[@]}"; do
  case "$f" in bf16|q8_0|q4_0) ;; *) die "format '$f': bf16, q8_0 or q4_0" ;; esac
  [ -f "$gguf_dir/bench-1b-$f.gguf" ] || die "missing $gguf_dir/bench-1b-$f.gguf"
done
# A llama-bench that cannot start (a missing libcuda.so.1, an instruction this CPU lacks) fails here.
if ! "$llama_bench" --help > /dev/null 2>&1; then
  "$llama_bench" --help 2>&1 | tail -n 2 >&2 || true
  die "'$llama_bench' does not run on this machine (a CPU-only build made on this CPU kind is needed)"
fi
command -v python3 > /dev/null || die "python3 is needed to read the JSON results"

[ -n "$out" ] || out=$(mktemp -d /tmp/bench_cpu_vs_llamacpp.XXXXXX)
mkdir -p "$out"
{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  f_list=""
  for fl in avx2 fma f16c avx512f avx512bw avx512vl avx512_vnni avx512_bf16 avx_vnni; do
    [[ " $flags " == *" $fl "* ]] && f_list="$f_list $fl"
  done
  echo "cpu_flags=${f_list# }"
  echo "logical_cpus=$(nproc)"
  echo "archscope=$("$archscope" --version 2>/dev/null | head -n 1)"
  echo "archscope_path=$archscope"
  echo "llama_bench=$llama_bench"
  echo "threads=$threads prompt=$prompt new=$new repeat=$repeat rounds=$rounds"
} > "$out/host.txt"
cat "$out/host.txt"

# One engine call: load average before, the command's JSON on stdout, its stderr in a log.
run_one() {  # tag, then the command
  local tag=$1; shift
  cut -d' ' -f1-3 /proc/loadavg > "$out/$tag.load"
  echo "[$(date -u +%H:%M:%S)] $tag: $*" | tee -a "$out/commands.txt"
  local rc=0
  "$@" > "$out/$tag.json" 2> "$out/$tag.log" || rc=$?
  echo "$rc" > "$out/$tag.rc"
  if [ "$rc" -ne 0 ]; then echo "  failed (exit $rc): $(tail -n 1 "$out/$tag.log")"; fi
}

run_llama() {  # round, format
  local g="$gguf_dir/bench-1b-$2.gguf"
  run_one "r$1-$2-llama-pp" "$llama_bench" -m "$g" -t "$threads" -p "$prompt" -n 0 -r "$repeat" -o json
  run_one "r$1-$2-llama-tg" "$llama_bench" -m "$g" -t "$threads" -p 0 -n "$new" -d "$prompt" -r "$repeat" -o json
}

run_archscope() {  # round, format
  local tag="r$1-$2-archscope" q=(--weights-dtype bf16)
  # Quantized: the block linears in the format, embeddings and LM head in bf16 as in the GGUF.
  [ "$2" = bf16 ] || q+=(--weights-quant "$2")
  run_one "$tag" "$archscope" bench --model "$model" "${q[@]}" --threads "$threads" \
    --prompt "$prompt" --new "$new" --batch 1 --warmup 1 --repeat "$repeat" --json
  # An archscope without packed kernels holds quantized weights dequantized in fp32 and refuses
  # bf16 for the rest: run it that way (the table says "held dequantized fp32").
  if [ "$2" != bf16 ] && [ "$(cat "$out/$tag.rc")" = 2 ] && grep -q 'held in fp32' "$out/$tag.log"; then
    echo "  (this archscope holds $2 dequantized in fp32: running without --weights-dtype bf16)"
    run_one "$tag" "$archscope" bench --model "$model" --weights-quant "$2" --threads "$threads" \
      --prompt "$prompt" --new "$new" --batch 1 --warmup 1 --repeat "$repeat" --json
  fi
}

for ((r = 1; r <= rounds; ++r)); do
  for f in "${fmts[@]}"; do
    if ((r % 2)); then run_llama "$r" "$f"; run_archscope "$r" "$f"
    else run_archscope "$r" "$f"; run_llama "$r" "$f"; fi
  done
done

echo "$formats" > "$out/formats.txt"
summary "$out" "$formats" "$rounds" "$threads"
