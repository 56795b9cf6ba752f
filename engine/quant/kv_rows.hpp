// Quantized KV-cache rows (issue 12, §1 "KV-cache quantization"): every stored K or V vector of
// one token and one KV head (for MLA: the latent, and apart from it the rope key, of one token)
// is quantized symmetrically with one fp32 scale of its own:
//  - int8: s = absmax / 127 (fp32 division), q = clamp(round(x / s), -127, 127) with round half to
//          even (std::nearbyint, as the int8-channel weight scheme), x̂ = q * s;
//  - fp8:  s = absmax / 448, q = e4m3(x / s) (OCP E4M3, round to nearest even, saturating at
//          ±448, minifloat.hpp), x̂ = e4m3_decode(q) * s.
// An all-zero vector gets s = 0 and q = 0 (x̂ = 0). x̂ is the fp32 product q * s, so a reader that
// dequantizes (the attention op) reproduces it exactly. A NaN becomes int8 code 0 and E4M3 NaN.
// Host code: the CPU backend's kv_store and attention and the quantization measurement use the
// same functions.
#pragma once

#include <cstdint>

namespace archscope::quant {

enum class KvCode : uint8_t { Int8, Fp8 };

// Quantizes x[0, n) into codes q[0, n) (int8_t for Int8, E4M3 codes for Fp8, one byte each) and
// returns the scale.
float quantize_kv_row(KvCode code, const float* x, int64_t n, uint8_t* q);
// x̂[i] = value(q[i]) * scale.
void dequantize_kv_row(KvCode code, const uint8_t* q, int64_t n, float scale, float* x);

// The fp32 value of one code (before the scale): int8 as a signed byte, fp8 as E4M3.
float kv_code_value(KvCode code, uint8_t q);

}  // namespace archscope::quant
