#!/usr/bin/env python3
"""Train archscope's demo model: a small qwen3_moe (Mixture of Experts) on CPython's standard library.

What it makes (under --out):
  model/config.json, model/generation_config.json, model/model.safetensors (bf16), model/tokenizer.json
      an HF checkpoint transformers loads with AutoModelForCausalLM / AutoTokenizer
  report.json
      data set (Python version, stdlib path, file counts, held-out file list, token counts), seed,
      hyper-parameters, loss curve, held-out perplexity (HF's strided method), expert load per layer
      on held-out text, the tokens each expert sees most, greedy samples
  fixture/tokens.json, fixture/logits.npy
      held-out sequences tokenized by HF tokenizers and their float64 reference logits from
      transformers (weights = the saved bf16 values), for archscope's exactness test

Needs torch, transformers 5.x, tokenizers, numpy, safetensors and a CUDA GPU (the device machine
has them). Runs in a few minutes on one H200:

    python3 tools/train_demo_moe.py --out /tmp/demo [--train-seconds 60] [--smoke]

--smoke trains a few steps on a tiny corpus slice first (checks the whole pipeline in seconds).
"""

import argparse
import hashlib
import json
import math
import os
import random
import sys
import sysconfig
import time

import numpy as np
import torch

import transformers
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoConfig, AutoModelForCausalLM, PreTrainedTokenizerFast

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures", "hf"))
from make_fixtures import promote_float32_to_float64  # noqa: E402  (float64 reference helper)

SEED = 20261201
EOS = "<|endoftext|>"
# Qwen2/Qwen3's pre-tokenizer split (tokenizer.json of Qwen/Qwen3-0.6B), then byte-level.
QWEN_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
              r"|\s*[\r\n]+|\s+(?!\S)|\s+")

HYPER = dict(
    vocab_size=4096, hidden_size=256, num_hidden_layers=4, num_attention_heads=4,
    num_key_value_heads=2, head_dim=64, moe_intermediate_size=192, intermediate_size=768,
    num_experts=8, num_experts_per_tok=2, norm_topk_prob=True, decoder_sparse_step=1,
    mlp_only_layers=[], max_position_embeddings=1024, rms_norm_eps=1e-6,
    tie_word_embeddings=True, router_aux_loss_coef=0.001, output_router_logits=True,
    rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
    use_sliding_window=False, attention_dropout=0.0,
)
TRAIN = dict(seq_len=512, batch=64, lr=3e-3, min_lr=3e-4, warmup_steps=100, weight_decay=0.1,
             betas=(0.9, 0.95), grad_clip=1.0, held_out_every=50)


def log(*a):
    print(*a, flush=True)


def corpus_files():
    root = sysconfig.get_paths()["stdlib"]
    files = []
    for d, _, names in os.walk(root):
        if "site-packages" in d or "dist-packages" in d or "__pycache__" in d:
            continue
        for n in names:
            if n.endswith(".py"):
                files.append(os.path.join(d, n))
    files.sort()
    return root, files


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def split_files(root, files):
    """Deterministic by sha1(relative path) % 50: 0 is the held-out test split (about 2%, scored
    once at the end: perplexity, expert load, the fixture), 1 the validation split (about 2%, for
    early stopping), the rest training."""
    train, val, held = [], [], []
    for p in files:
        rel = os.path.relpath(p, root)
        h = int(hashlib.sha1(rel.encode()).hexdigest(), 16) % 50
        (held if h == 0 else val if h == 1 else train).append(p)
    return train, val, held


def train_tokenizer(texts, vocab):
    tok = Tokenizer(models.BPE(unk_token=None, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, special_tokens=[EOS],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    return tok


def token_stream(tok, texts):
    eos = tok.token_to_id(EOS)
    ids = []
    for enc in tok.encode_batch(texts):
        ids.extend(enc.ids)
        ids.append(eos)
    return np.array(ids, dtype=np.int64)


def build_model(cfg):
    for extra in ({"attn_implementation": "sdpa", "experts_implementation": "grouped_mm"},
                  {"attn_implementation": "sdpa", "experts_implementation": "batched_mm"},
                  {"attn_implementation": "sdpa"}):
        try:
            return AutoModelForCausalLM.from_config(cfg, dtype=torch.float32, **extra), extra
        except (TypeError, ValueError) as e:
            log("build fallback:", extra, e)
    raise RuntimeError("cannot build the model")


def load_eager(md):
    """The saved checkpoint as an fp32 model with eager attention and eager (per-expert loop) MoE:
    grouped_mm has no float64 kernel, and the eager path is transformers' reference semantics."""
    try:
        return AutoModelForCausalLM.from_pretrained(md, dtype=torch.float32, attn_implementation="eager",
                                                    experts_implementation="eager")
    except (TypeError, ValueError) as e:
        log("eager experts unavailable:", e)
        return AutoModelForCausalLM.from_pretrained(md, dtype=torch.float32, attn_implementation="eager")


def lr_at(frac, step):
    if step < TRAIN["warmup_steps"]:
        return TRAIN["lr"] * (step + 1) / TRAIN["warmup_steps"]
    frac = min(1.0, frac)
    return TRAIN["min_lr"] + 0.5 * (TRAIN["lr"] - TRAIN["min_lr"]) * (1 + math.cos(math.pi * frac))


def batches(stream, rng, batch, seq):
    n = len(stream) - seq - 1
    while True:
        starts = rng.integers(0, n, size=batch)
        x = np.stack([stream[s:s + seq + 1] for s in starts])
        yield torch.from_numpy(x)


@torch.no_grad()
def held_out_loss(model, stream, seq, dev, windows=64):
    rng = np.random.default_rng(7)
    tot, cnt = 0.0, 0
    for _ in range(windows // 16):
        starts = rng.integers(0, len(stream) - seq - 1, size=16)
        x = torch.from_numpy(np.stack([stream[s:s + seq + 1] for s in starts])).to(dev)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            out = model(input_ids=x, labels=x)  # HF shifts the labels itself
        tot += float(out.loss) * 16
        cnt += 16
    return tot / cnt


@torch.no_grad()
def strided_perplexity(model, ids, max_length, stride, dev):
    """HF's 'Perplexity of fixed-length models' guide: windows of max_length tokens moved by stride;
    each window scores only the tokens not scored by the previous one (labels -100 elsewhere)."""
    enc = torch.tensor(ids, dtype=torch.long, device=dev)[None]
    seq_len = enc.size(1)
    nll_sum, n_tokens, prev_end = 0.0, 0, 0
    for begin in range(0, seq_len, stride):
        end = min(begin + max_length, seq_len)
        trg_len = end - prev_end
        inp = enc[:, begin:end]
        tgt = inp.clone()
        tgt[:, :-trg_len] = -100
        logits = model(input_ids=inp).logits.float()
        shift_logits, shift_labels = logits[:, :-1], tgt[:, 1:]
        lp = torch.log_softmax(shift_logits, -1)
        mask = shift_labels != -100
        picked = lp.gather(-1, shift_labels.clamp(min=0)[..., None])[..., 0]
        nll_sum += float(-(picked * mask).sum())
        n_tokens += int(mask.sum())
        prev_end = end
        if end == seq_len:
            break
    return math.exp(nll_sum / n_tokens), n_tokens


@torch.no_grad()
def expert_load(model, ids, dev, chunk=512, k=2):
    """Tokens routed to each expert per layer over held-out ids (top-k of the router's softmax, as
    Qwen3-MoE routes), and for each expert the tokens it receives most often."""
    layers = model.model.layers
    n_exp = model.config.num_experts if hasattr(model.config, "num_experts") else model.config.num_local_experts
    counts = np.zeros((len(layers), n_exp), dtype=np.int64)
    per_token = [dict() for _ in range(len(layers) * n_exp)]
    hooks = []
    current = {}

    def hook(li):
        def f(mod, inp, out):
            # Recompute the router logits from the gate's input and weight: independent of what the
            # router module returns (a Linear in transformers 4, a top-k router module in 5).
            hidden = inp[0].reshape(-1, mod.weight.shape[1]).float()
            logits = hidden @ mod.weight.float().t()
            top = torch.topk(torch.softmax(logits.float(), -1), k, dim=-1).indices.cpu().numpy()
            toks = current["ids"]
            for row, sel in enumerate(top.reshape(-1, k)):
                for e in sel:
                    counts[li, e] += 1
                    d = per_token[li * n_exp + e]
                    d[toks[row]] = d.get(toks[row], 0) + 1
        return f

    for li, layer in enumerate(layers):
        gate = layer.mlp.gate
        hooks.append(gate.register_forward_hook(hook(li)))
    try:
        for s in range(0, len(ids) - 1, chunk):
            piece = ids[s:s + chunk]
            current["ids"] = list(piece)
            model(input_ids=torch.tensor(piece, device=dev)[None])
    finally:
        for h in hooks:
            h.remove()
    return counts, per_token


def balance(c):
    c = c.astype(np.float64)
    mean = c.mean()
    p = c / c.sum()
    ent = -(p[p > 0] * np.log(p[p > 0])).sum() / math.log(len(c))
    return {"max_over_mean": float(c.max() / mean), "cv": float(c.std() / mean), "entropy_normalised": float(ent)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--train-seconds", type=float, default=60.0)
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    t_start = time.time()
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    dev = "cuda"
    torch.backends.cuda.matmul.allow_tf32 = True

    root, files = corpus_files()
    train_files, val_files, held_files = split_files(root, files)
    if a.smoke:
        train_files, val_files, held_files = train_files[:40], val_files[:4], held_files[:4]
    train_texts = [t for t in map(read, train_files) if t]
    val_texts = [t for t in map(read, val_files) if t]
    held_texts = [t for t in map(read, held_files) if t]
    log(f"stdlib {root}: {len(files)} .py files, train {len(train_texts)}, validation {len(val_texts)}, "
        f"held-out {len(held_texts)}")

    tok = train_tokenizer(train_texts, HYPER["vocab_size"])
    train_ids = token_stream(tok, train_texts)
    val_ids = token_stream(tok, val_texts)
    held_ids = token_stream(tok, held_texts)
    log(f"tokens: train {len(train_ids)}, held-out {len(held_ids)}, vocab {tok.get_vocab_size()}")

    cfg = AutoConfig.for_model("qwen3_moe", **HYPER, bos_token_id=tok.token_to_id(EOS),
                               eos_token_id=tok.token_to_id(EOS), pad_token_id=tok.token_to_id(EOS))
    model, impl = build_model(cfg)
    model.to(dev).train()
    n_params = sum(p.numel() for p in model.parameters())
    log(f"model: {n_params} parameters, implementations {impl}")

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": TRAIN["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=TRAIN["lr"], betas=TRAIN["betas"], fused=True)
    rng = np.random.default_rng(SEED)
    gen = batches(train_ids, rng, TRAIN["batch"], TRAIN["seq_len"])
    budget = 3.0 if a.smoke else a.train_seconds
    curve = []
    step, t0, tokens = 0, time.time(), 0
    # Early stopping on the validation split: the weights of the best validation loss are kept, and
    # training ends after `patience` evaluations without improvement (3M tokens of stdlib overfit a
    # 6.6M-parameter model within a few epochs).
    kept = {"loss": float("inf"), "step": -1, "state": None}
    patience, since_best = 8, 0
    while True:
        elapsed = time.time() - t0
        if elapsed >= budget or since_best >= patience:
            break
        lr = lr_at(elapsed / budget, step)
        for g in opt.param_groups:
            g["lr"] = lr
        x = next(gen).to(dev, non_blocking=True)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            out = model(input_ids=x, labels=x)  # HF shifts the labels itself
        loss = out.loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), TRAIN["grad_clip"])
        opt.step()
        tokens += x.shape[0] * (x.shape[1] - 1)
        if step % TRAIN["held_out_every"] == 0:
            model.eval()
            vl = held_out_loss(model, val_ids, TRAIN["seq_len"], dev)
            model.train()
            if vl < kept["loss"]:
                kept = {"loss": vl, "step": step,
                        "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}
                since_best = 0
            else:
                since_best += 1
            aux = float(out.aux_loss) if getattr(out, "aux_loss", None) is not None else None
            curve.append({"step": step, "seconds": round(time.time() - t0, 2), "lr": lr,
                          "train_loss": float(loss.detach()), "aux_loss": aux, "validation_loss": vl})
            log(f"step {step} t={time.time() - t0:.0f}s loss {float(loss.detach()):.4f} validation {vl:.4f} lr {lr:.2e}")
        step += 1
    train_seconds = time.time() - t0
    log(f"trained {step} steps, {tokens} tokens in {train_seconds:.1f} s ({tokens / train_seconds:.0f} tok/s)")
    model.load_state_dict(kept["state"])
    log(f"kept the weights of step {kept['step']} (validation loss {kept['loss']:.4f})")

    # Save in bf16: the checkpoint's weights are exactly these values.
    model.eval()
    model.config.output_router_logits = False
    model = model.to(torch.bfloat16)
    md = os.path.join(a.out, "model")
    os.makedirs(md, exist_ok=True)
    model.save_pretrained(md, safe_serialization=True)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, bos_token=EOS, pad_token=EOS)
    fast.save_pretrained(md)
    for extra in ("tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja"):
        p = os.path.join(md, extra)
        if os.path.exists(p):
            os.remove(p)  # tokenizer.json holds everything archscope and AutoTokenizer need
    sizes = {f: os.path.getsize(os.path.join(md, f)) for f in os.listdir(md)}
    log("saved:", sizes)

    # Evaluate the saved (bf16) weights in fp32 arithmetic, as archscope runs them.
    m32 = load_eager(md).to(dev).eval()
    held_eval = held_ids[: (4096 if a.smoke else 65536)]
    ppl, scored = strided_perplexity(m32, held_eval, 512, 256, dev)
    log(f"held-out perplexity {ppl:.4f} over {scored} tokens (context 512, stride 256)")
    counts, per_token = expert_load(m32, held_eval[: (2048 if a.smoke else 32768)], dev)
    load = []
    vocab = {v: k for k, v in tok.get_vocab().items()}
    for li in range(counts.shape[0]):
        tops = []
        for e in range(counts.shape[1]):
            d = per_token[li * counts.shape[1] + e]
            best = sorted(d.items(), key=lambda kv: -kv[1])[:6]
            tops.append([tok.decode([t]) for t, _ in best])
        load.append({"layer": li, "tokens_per_expert": counts[li].tolist(), **balance(counts[li]),
                     "top_tokens_per_expert": tops})
        log(f"layer {li} load {counts[li].tolist()} {balance(counts[li])}")

    samples = {}
    for prompt in ("def fibonacci(n):", "import os\n\n\ndef ", "class Stack:\n    def __init__(self"):
        ids = torch.tensor([tok.encode(prompt).ids], device=dev)
        out = m32.generate(ids, max_new_tokens=64, do_sample=False, eos_token_id=tok.token_to_id(EOS))
        samples[prompt] = tok.decode(out[0].tolist())
        log("sample:", repr(samples[prompt][:200]))

    # Fixture: three held-out snippets, tokenized by HF tokenizers; float64 reference logits of the
    # first (all rows) and the last row of each, from the saved bf16 weights run in float64.
    rs = random.Random(SEED)
    snippets = []
    for t in held_texts[:20]:
        if len(t) > 600:
            s = rs.randrange(0, len(t) - 400)
            snippets.append(t[s:s + 300])
        if len(snippets) == 3:
            break
    seqs = [tok.encode(s).ids[:64] for s in snippets]
    m64 = load_eager(md).eval()
    m64 = m64.to(torch.float64)
    rows = []
    with torch.no_grad(), promote_float32_to_float64():
        for i, s in enumerate(seqs):
            lg = m64(input_ids=torch.tensor([s])).logits[0].double().numpy()
            rows.append(lg if i == 0 else lg[-1:])
    fd = os.path.join(a.out, "fixture")
    os.makedirs(fd, exist_ok=True)
    logits = np.concatenate(rows).astype(np.float32)
    np.save(os.path.join(fd, "logits.npy"), logits)
    with open(os.path.join(fd, "tokens.json"), "w") as f:
        json.dump({"texts": snippets, "sequences": seqs,
                   "rows": "all rows of sequence 0, then the last row of each later sequence",
                   "max_abs_logit": float(np.abs(logits).max())}, f, indent=1)

    report = {
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "python": sys.version.split()[0], "gpu": torch.cuda.get_device_name(0)},
        "seed": SEED, "hyper": HYPER, "train": {**TRAIN, "budget_seconds": budget, "steps": step,
                                                 "tokens": tokens, "seconds": train_seconds,
                                                 "kept_step": kept["step"], "kept_validation_loss": kept["loss"],
                                                 "early_stopping_patience_evals": patience},
        "implementations": impl, "parameters": n_params,
        "data": {"stdlib": root, "files": len(files), "train_files": len(train_texts),
                 "held_out_files": [os.path.relpath(p, root) for p in held_files],
                 "validation_files": [os.path.relpath(p, root) for p in val_files],
                 "validation_tokens": int(len(val_ids)),
                 "train_tokens": int(len(train_ids)), "held_out_tokens": int(len(held_ids)),
                 "split_rule": "sha1(path relative to stdlib) % 50: 0 held-out test, 1 validation, else train"},
        "loss_curve": curve,
        "held_out_perplexity": {"value": ppl, "tokens_scored": scored, "eval_tokens": int(len(held_eval)),
                                "method": "HF strided, max_length 512, stride 256, fp32 math on bf16 weights"},
        "expert_load": load, "samples": samples, "file_sizes": sizes,
        "wall_seconds": time.time() - t_start,
    }
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    log(f"done in {time.time() - t_start:.0f} s; perplexity {ppl:.3f}")


if __name__ == "__main__":
    main()
