#!/usr/bin/env python3
"""Writes a Hugging Face Llama checkpoint (config.json + one bf16 model.safetensors) with random
weights in the shape of an archscope preset (a dense Llama-style one: RMSNorm, pre-norm, full
attention with RoPE, SwiGLU), with numpy only. For timing runs on the GPU machine: `run --model
DIR` loads it in seconds where `--preset` draws every weight from the engine's seeded generator
on one thread (bench-1b: ~25 s a run). The values are N(0, 0.02) (norm weights 1), not the
preset's seeded ones: for timing, not for comparing outputs.

    tests/gpu/make_random_checkpoint.py presets/bench-1b.json /tmp/bench1b-hf
"""
import json
import os
import struct
import sys

import numpy as np


def main():
    preset_path, out = sys.argv[1], sys.argv[2]
    p = json.load(open(preset_path))
    a, f = p["attention"], p["ffn"]
    if f.get("kind") != "swiglu" or p["norm"]["kind"] != "rmsnorm":
        sys.exit("make_random_checkpoint.py: only dense Llama-style presets (swiglu, rmsnorm)")
    d, layers, vocab = p["d_model"], p["n_layers"], p["vocab_size"]
    heads, kv, hd, ff = a["heads"], a["kv_heads"], a["head_dim"], f["d_ff"]
    os.makedirs(out, exist_ok=True)
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": d,
        "intermediate_size": ff, "num_attention_heads": heads, "num_key_value_heads": kv,
        "head_dim": hd, "num_hidden_layers": layers, "vocab_size": vocab,
        "rms_norm_eps": p["norm"]["eps"],
        "rope_theta": p.get("position", {}).get("rope", {}).get("theta", 10000.0),
        "max_position_embeddings": p.get("max_context", 4096),
        "tie_word_embeddings": bool(p.get("tied_embeddings", False)), "torch_dtype": "bfloat16",
        "hidden_act": "silu", "attention_bias": False, "mlp_bias": False,
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=1)
    tensors = [("model.embed_tokens.weight", (vocab, d), "w")]
    for i in range(layers):
        q = f"model.layers.{i}."
        tensors += [(q + "input_layernorm.weight", (d,), "norm"),
                    (q + "self_attn.q_proj.weight", (heads * hd, d), "w"),
                    (q + "self_attn.k_proj.weight", (kv * hd, d), "w"),
                    (q + "self_attn.v_proj.weight", (kv * hd, d), "w"),
                    (q + "self_attn.o_proj.weight", (d, heads * hd), "w"),
                    (q + "post_attention_layernorm.weight", (d,), "norm"),
                    (q + "mlp.gate_proj.weight", (ff, d), "w"),
                    (q + "mlp.up_proj.weight", (ff, d), "w"),
                    (q + "mlp.down_proj.weight", (d, ff), "w")]
    tensors.append(("model.norm.weight", (d,), "norm"))
    if not config["tie_word_embeddings"]:
        tensors.append(("lm_head.weight", (vocab, d), "w"))
    header, offset = {}, 0
    for name, shape, _ in tensors:
        n = int(np.prod(shape)) * 2
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    rng = np.random.default_rng(1234)
    with open(os.path.join(out, "model.safetensors"), "wb") as fh:
        fh.write(struct.pack("<Q", len(blob)))
        fh.write(blob)
        for name, shape, kind in tensors:
            if kind == "norm":
                v = np.ones(shape, dtype=np.float32)
            else:
                v = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
            fh.write((v.view(np.uint32) >> 16).astype(np.uint16).tobytes())  # bf16, truncated
    print(f"{out}: {len(tensors)} tensors, {offset / 1e9:.2f} GB")


if __name__ == "__main__":
    main()
