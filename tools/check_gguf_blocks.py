#!/usr/bin/env python3
"""Check that a llama.cpp GGUF holds, byte for byte, the weights archscope computes from a
Hugging Face checkpoint: every BF16 tensor the checkpoint's bf16 bits, every F32 tensor those
bits widened, and every Q8_0 / Q4_0 tensor the blocks that issue 12's rules (llama.cpp's
quantize_row_q8_0_ref / quantize_row_q4_0_ref, which engine/quant/formats.cpp implements) give
for the checkpoint's bf16 values. For a Llama checkpoint only (the GGUF's q/k rows are permuted
the way convert_hf_to_gguf.py's LlamaModel.permute does; the check applies the same permutation).

    PYTHONPATH=/path/to/llama.cpp/gguf-py python3 tools/check_gguf_blocks.py \
        --gguf bench-1b-q4_0.gguf --hf-dir bench1b-hf [--expect-linear Q4_0 --expect-other BF16]

Needs numpy and llama.cpp's gguf-py (only its GGUF reader; neither is part of archscope).
Prints one line per tensor type found and exits 1 when any tensor differs, or when
--expect-linear / --expect-other name a type some tensor does not have.

Q4_0's `x * id + 8.5f` may be compiled as one fused multiply-add (GCC contracts it by default
when the target has FMA); both roundings are computed and a block counts as identical if it
matches either, and the line says which rounding the file used.
"""
import argparse
import json
import os
import re
import struct
import sys

import numpy as np

try:
    import gguf  # llama.cpp's gguf-py, via PYTHONPATH
except ImportError:
    sys.exit("check_gguf_blocks: error: cannot import gguf: set PYTHONPATH to llama.cpp's gguf-py")

LINEAR = re.compile(r"^blk\.(\d+)\.(attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down)\.weight$")
HF_OF = {
    "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
}


def hf_name(gguf_name):
    if gguf_name == "token_embd.weight":
        return "model.embed_tokens.weight"
    if gguf_name == "output.weight":
        return "lm_head.weight"
    if gguf_name == "output_norm.weight":
        return "model.norm.weight"
    m = re.match(r"^blk\.(\d+)\.(\w+)\.weight$", gguf_name)
    if m and m.group(2) in HF_OF:
        return f"model.layers.{m.group(1)}.{HF_OF[m.group(2)]}.weight"
    raise KeyError(gguf_name)


class SafeTensors:
    """bf16 tensors of one or more .safetensors files, as uint16 bit arrays (memory-mapped)."""

    def __init__(self, hf_dir):
        self.where = {}
        files = sorted(f for f in os.listdir(hf_dir) if f.endswith(".safetensors"))
        if not files:
            sys.exit(f"check_gguf_blocks: error: no .safetensors file in {hf_dir}")
        for f in files:
            path = os.path.join(hf_dir, f)
            with open(path, "rb") as fh:
                (n,) = struct.unpack("<Q", fh.read(8))
                header = json.loads(fh.read(n))
            mm = np.memmap(path, dtype=np.uint8, mode="r")
            for name, info in header.items():
                if name == "__metadata__":
                    continue
                self.where[name] = (mm, 8 + n, info)

    def bits(self, name):
        mm, base, info = self.where[name]
        if info["dtype"] != "BF16":
            sys.exit(f"check_gguf_blocks: error: {name}: dtype {info['dtype']}, this check handles BF16 checkpoints")
        a, b = info["data_offsets"]
        return mm[base + a:base + b].view(np.uint16).reshape(info["shape"])


def permute_rows(w, n_head, n_head_kv):
    # == convert_hf_to_gguf.py LlamaModel.permute (HF rotate_half -> GGUF adjacent-pair rope)
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def bf16_to_f32(bits):
    return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)


def q8_0_blocks(x):
    """x [rows, K] float32, K % 32 == 0 -> [rows, K/32 * 34] bytes (fp16 d, 32 x int8)."""
    rows, k = x.shape
    b = x.reshape(rows, k // 32, 32)
    d = np.abs(b).max(axis=2) / np.float32(127.0)
    with np.errstate(divide="ignore"):
        idv = np.where(d != 0, np.float32(1.0) / d, np.float32(0.0)).astype(np.float32)
    v = (b * idv[:, :, None]).astype(np.float32).astype(np.float64)
    q = (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int8)  # roundf: half away from zero
    out = np.empty((rows, k // 32, 34), dtype=np.uint8)
    out[:, :, 0:2] = d.astype(np.float16).view(np.uint8).reshape(rows, k // 32, 2)
    out[:, :, 2:] = q.view(np.uint8)
    return out.reshape(rows, -1)


def q4_0_blocks(x, fused):
    """x [rows, K] float32 -> [rows, K/32 * 18] bytes (fp16 d, 16 bytes: q[j] | q[j+16] << 4)."""
    rows, k = x.shape
    b = x.reshape(rows, k // 32, 32)
    first_max = np.abs(b).argmax(axis=2)  # the first element of largest |x|
    mx = np.take_along_axis(b, first_max[:, :, None], axis=2)[:, :, 0]
    d = (mx / np.float32(-8.0)).astype(np.float32)
    with np.errstate(divide="ignore"):
        idv = np.where(d != 0, np.float32(1.0) / d, np.float32(0.0)).astype(np.float32)
    if fused:  # fmaf(x, id, 8.5f): the product is exact in float64, one rounding to float32
        t = (b.astype(np.float64) * idv[:, :, None].astype(np.float64) + 8.5).astype(np.float32)
    else:
        t = ((b * idv[:, :, None]).astype(np.float32) + np.float32(8.5)).astype(np.float32)
    q = np.minimum(15, np.trunc(t).astype(np.int8)).astype(np.uint8)
    out = np.empty((rows, k // 32, 18), dtype=np.uint8)
    out[:, :, 0:2] = d.astype(np.float16).view(np.uint8).reshape(rows, k // 32, 2)
    out[:, :, 2:] = q[:, :, :16] | (q[:, :, 16:] << 4)
    return out.reshape(rows, -1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--hf-dir", required=True)
    ap.add_argument("--expect-linear", help="type every block linear weight must have (BF16, Q8_0, Q4_0)")
    ap.add_argument("--expect-other", help="type token_embd.weight and output.weight must have")
    a = ap.parse_args()

    st = SafeTensors(a.hf_dir)
    reader = gguf.GGUFReader(a.gguf)

    def field_int(key):
        f = reader.get_field(key)
        return int(f.parts[f.data[0]][0])

    n_head = field_int("llama.attention.head_count")
    n_head_kv = field_int("llama.attention.head_count_kv")
    T = gguf.GGMLQuantizationType
    summary = {}  # (role, type) -> [tensors, bytes, identical tensors, note]
    failures = []
    for t in reader.tensors:
        role = "linear" if LINEAR.match(t.name) else ("1-D" if len(t.shape) == 1 else "embd/head")
        bits = st.bits(hf_name(t.name))
        m = LINEAR.match(t.name)
        if m and m.group(2) == "attn_q":
            bits = permute_rows(bits, n_head, n_head)
        elif m and m.group(2) == "attn_k":
            bits = permute_rows(bits, n_head, n_head_kv)
        bits = np.ascontiguousarray(bits)
        note = ""
        if t.tensor_type == T.BF16:
            same = np.array_equal(t.data.view(np.uint16).reshape(bits.shape), bits)
        elif t.tensor_type == T.F32:
            same = np.array_equal(t.data.reshape(bits.shape).view(np.uint32),
                                  bf16_to_f32(bits).view(np.uint32))
        elif t.tensor_type == T.Q8_0:
            same = np.array_equal(t.data.reshape(bits.shape[0], -1), q8_0_blocks(bf16_to_f32(bits)))
        elif t.tensor_type == T.Q4_0:
            have = t.data.reshape(bits.shape[0], -1)
            x = bf16_to_f32(bits)
            sep, fus = q4_0_blocks(x, False), q4_0_blocks(x, True)
            same = bool(np.all((have == sep) | (have == fus)))
            blocks_sep = np.all((have == sep).reshape(have.shape[0], -1, 18), axis=2)
            blocks_fus = np.all((have == fus).reshape(have.shape[0], -1, 18), axis=2)
            note = ("rounding: " + ("both agree" if np.array_equal(sep, fus) else
                                    "separate" if blocks_sep.all() else
                                    "fused" if blocks_fus.all() else "mixed"))
        else:
            same, note = False, "type not checked"
        key = (role, t.tensor_type.name)
        s = summary.setdefault(key, [0, 0, 0, set()])
        s[0] += 1
        s[1] += int(t.n_bytes)
        s[2] += int(bool(same))
        if note:
            s[3].add(note)
        if not same:
            failures.append(f"{t.name} ({t.tensor_type.name}): differs from the checkpoint's values under this type's rule")
        if a.expect_linear and role == "linear" and t.tensor_type.name != a.expect_linear:
            failures.append(f"{t.name}: type {t.tensor_type.name}, expected {a.expect_linear}")
        if a.expect_other and role == "embd/head" and t.tensor_type.name != a.expect_other:
            failures.append(f"{t.name}: type {t.tensor_type.name}, expected {a.expect_other}")

    print(f"{os.path.basename(a.gguf)} vs {a.hf_dir}:")
    for (role, ty), (n, nbytes, ok, notes) in sorted(summary.items()):
        extra = f" ({'; '.join(sorted(notes))})" if notes else ""
        print(f"  {role:9s} {ty:5s} {n:4d} tensors, {nbytes / 1e6:9.1f} MB, identical: {ok}/{n}{extra}")
    for f in failures[:20]:
        print("  FAIL " + f)
    if failures:
        print(f"check_gguf_blocks: {len(failures)} problem(s)")
        return 1
    print("  all tensors identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
