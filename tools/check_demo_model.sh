#!/usr/bin/env bash
# On the GPU machine (torch, transformers, tokenizers): archscope's perplexity of the demo model
# on its held-out test split beside transformers' on the same text, and the CUDA backend's logits
# against the float64 fixture. The held-out files are those of training-report.json, read from
# the stdlib of the Python that runs this (the one the model was trained on).
#   tools/check_demo_model.sh ARCHSCOPE_BINARY
set -euo pipefail
A="${1:?usage: tools/check_demo_model.sh path/to/archscope}"
M=assets/models/stdlib-moe-6m
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 - <<'PY'
import json, os, sysconfig
r = json.load(open("assets/models/stdlib-moe-6m/training-report.json"))
root = sysconfig.get_paths()["stdlib"]
text = "".join(open(os.path.join(root, rel), "rb").read().decode("utf-8") + "<|endoftext|>"
               for rel in r["data"]["held_out_files"])
open("/tmp/held.txt", "w", encoding="utf-8").write(text)
print("held-out text:", len(text), "characters from", root)
PY
"$A" perplexity --model $M --text-file /tmp/held.txt --context 512 --stride 256 --json > /tmp/ours.json
PYTHONUNBUFFERED=1 python3 - <<'PY'
import json, sys, torch
sys.path.insert(0, "tools")
import train_demo_moe as T
from tokenizers import Tokenizer
ids = Tokenizer.from_file("assets/models/stdlib-moe-6m/tokenizer.json").encode(
    open("/tmp/held.txt", encoding="utf-8").read()).ids
m = T.load_eager("assets/models/stdlib-moe-6m").to("cuda").eval()
with torch.no_grad():
    ppl, n = T.strided_perplexity(m, ids, 512, 256, "cuda")
ours = json.load(open("/tmp/ours.json"))
print(f"transformers perplexity {ppl:.9f} over {n} scored tokens")
print(f"archscope    perplexity {ours['perplexity']:.9f} over {ours['scored']} scored tokens")
print(f"relative difference {abs(ours['perplexity'] - ppl) / ppl:.2e}")
PY
seq0=$(python3 -c "import json;print(','.join(map(str,json.load(open('tests/fixtures/demo_moe/tokens.json'))['sequences'][0])))")
"$A" logits --backend cuda --model $M --tokens "$seq0" --out /tmp/cuda-logits.npy
python3 -c "
import numpy as np
a = np.load('/tmp/cuda-logits.npy'); r = np.load('tests/fixtures/demo_moe/logits.npy')
print('CUDA logits vs float64 reference: max |diff| / max |ref| =', np.abs(a - r[:64]).max() / np.abs(r).max())"
