// BF16 activations on the CPU backend (Backend::linear_input_elem): the CPU never asks for them
// (its GEMMs read fp32 x), but accepts them, so the forward pass and the conformance suite run
// the same ops on every backend. A BF16 x is widened to fp32 (exact); a BF16 out is the fp32
// result rounded to nearest even (half.hpp's f32_to_bf16, as torch's .to(torch.bfloat16)).
#pragma once

#include "backend/backend.hpp"

namespace archscope::cpu {

// An F32 tensor of x's shape holding x's values (exactly: every bf16 is an fp32).
Tensor widened_to_f32(Backend& be, const Tensor& x);
// out (BF16) = f32 (F32, same element count) rounded to nearest even.
void round_to_bf16(const Tensor& f32, Tensor& out);

}  // namespace archscope::cpu
