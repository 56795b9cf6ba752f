// The weight quantization formats of archscope, exactly as defined in issue 12 (each one's source
// is named at its definition in formats.cpp). A weight matrix w[N, K] has rows = output channels
// and K = the input dimension as the layer applies it; blocks and groups run along K, and a
// partial last block is a block of its own. fake_quantize returns the dequantized weights ŵ: what
// a weight-only quantized layer computes with (products still accumulate in fp32).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace archscope::quant {

enum class Format {
  Q8_0,             // llama.cpp Q8_0: blocks of 32, int8 values, fp16 scale
  Q4_0,             // llama.cpp Q4_0: blocks of 32, 4-bit values offset 8, fp16 scale
  Int4G128,         // AWQ/GPTQ-style asymmetric: groups of 128, fp16 scale, 4-bit zero point
  Int8Channel,      // symmetric int8, one fp32 scale per output row
  Fp8E4M3Channel,   // OCP E4M3 values, one fp32 scale per output row
  Fp8E4M3Block128,  // OCP E4M3 values, one fp32 scale per 128 x 128 block (DeepSeek-V3)
  Nf4,              // QLoRA NF4: blocks of 64, fp32 absmax
  Mxfp4,            // OCP MX v1.0 MXFP4: blocks of 32 E2M1 values, one E8M0 scale
};

const char* to_string(Format f);  // "q8_0", "q4_0", "int4-g128", "int8-channel", ...
// Throws Error(Validation, option) naming the value and the accepted names.
Format parse_format(const std::string& name, const std::string& option = "--weights-quant");
std::string format_names();  // "q8_0|q4_0|..." for help texts
std::vector<Format> all_formats();

// Storage of one [N, K] matrix in bits, values plus every scale and zero point (partial blocks
// counted as whole blocks of scales).
uint64_t storage_bits(Format f, int64_t N, int64_t K);
double bits_per_weight(Format f, int64_t N, int64_t K);

// ŵ for w [N, K] row-major. Throws Error(Validation) when w.size() != N * K.
std::vector<float> fake_quantize(Format f, std::span<const float> w, int64_t N, int64_t K);

// The 16 NF4 code values (QLoRA, Dettmers et al. 2023, appendix E; bitsandbytes' NF4 table).
extern const float kNf4Codes[16];

}  // namespace archscope::quant
