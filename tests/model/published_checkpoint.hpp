// Checkpoints built to the published quantized layouts, from an HF reference fixture, for the
// loader tests: the fixture's weights quantized by encoders written here from the specs (not the
// engine's), and a plain F32 checkpoint of the values the quantized one decodes to, computed in
// float64. Layouts: gpt-oss MXFP4 (OCP Microscaling Formats v1.0; transformers
// integrations/mxfp4.py: X_blocks [E, out, in/32, 16], low nibble = even element, X_scales
// [E, out, in/32] = E8M0 exponent + 127) and DeepSeek-V3 FP8 (OCP OFP8 v1.0 E4M3;
// X.weight_scale_inv [ceil(N/128), ceil(K/128)] fp32, w = e4m3 · scale_inv).
#pragma once

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "weights/safetensors.hpp"

namespace archscope::test {

struct StTensor {
  std::string dtype;  // safetensors dtype name: "F32", "U8", "F8_E4M3", ...
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};
using StTensors = std::map<std::string, StTensor>;

inline StTensors read_checkpoint(const std::filesystem::path& file) {
  SafetensorsFile f(file);
  StTensors out;
  for (const auto& [name, v] : f.tensors()) {
    StTensor t{to_string(v.dtype), v.shape, {}};
    const auto* p = reinterpret_cast<const uint8_t*>(v.data);
    t.bytes.assign(p, p + v.bytes);
    out.emplace(name, std::move(t));
  }
  return out;
}

inline void write_checkpoint(const std::filesystem::path& file, const StTensors& tensors) {
  nlohmann::json header = nlohmann::json::object();
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    header[name] = {{"dtype", t.dtype},
                    {"shape", t.shape},
                    {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string h = header.dump();
  while (h.size() % 8) h += ' ';
  const uint64_t n = h.size();
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << h;
  for (const auto& [name, t] : tensors)
    out.write(reinterpret_cast<const char*>(t.bytes.data()),
              static_cast<std::streamsize>(t.bytes.size()));
}

inline std::vector<float> f32_values(const StTensor& t) {
  std::vector<float> v(t.bytes.size() / 4);
  std::memcpy(v.data(), t.bytes.data(), t.bytes.size());
  return v;
}

inline StTensor f32_tensor(const std::vector<float>& v, std::vector<int64_t> shape) {
  StTensor t{"F32", std::move(shape), std::vector<uint8_t>(v.size() * 4)};
  std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
  return t;
}

// ---- E2M1 (OCP MX v1.0 table 5: S.EE.M, bias 1; magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6).
inline double e2m1_value(uint8_t code) {
  const int e = (code >> 1) & 3, m = code & 1;
  const double mag = e == 0 ? 0.5 * m : std::ldexp(1.0 + 0.5 * m, e - 1);
  return (code & 8) ? -mag : mag;
}

// Nearest E2M1 code, ties to the even code (round half to even), saturating at ±6.
inline uint8_t e2m1_nearest(double v) {
  const uint8_t sign = std::signbit(v) ? 8 : 0;
  const double a = std::fabs(v);
  uint8_t best = 0;
  for (uint8_t c = 1; c < 8; ++c) {
    const double d = std::fabs(a - e2m1_value(c)), db = std::fabs(a - e2m1_value(best));
    if (d < db || (d == db && (c & 1) == 0)) best = c;
  }
  return sign | best;
}

// One MXFP4 block of 32 (OCP MX v1.0 §6.3): X = 2^(floor(log2(max|x|)) - 2) (2 = emax of E2M1),
// elements nearest(x / X); scale byte = exponent + 127 (transformers subtracts 127 back). An
// all-zero block takes exponent 0 (any scale decodes its zeros).
struct MxBlock {
  uint8_t scale = 127;
  uint8_t codes[32] = {};
};
inline MxBlock mx_encode(const float* x) {
  MxBlock b;
  double amax = 0;
  for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(static_cast<double>(x[i])));
  if (amax == 0) return b;
  int e = 0;
  std::frexp(amax, &e);  // amax in [2^(e-1), 2^e)
  const int shared = (e - 1) - 2;
  b.scale = static_cast<uint8_t>(shared + 127);
  for (int i = 0; i < 32; ++i)
    b.codes[i] = e2m1_nearest(std::ldexp(static_cast<double>(x[i]), -shared));
  return b;
}
inline double mx_value(const MxBlock& b, int i) {
  return e2m1_value(b.codes[i]) * std::ldexp(1.0, b.scale - 127);
}

// ---- E4M3 (OCP OFP8 v1.0: S.EEEE.MMM, bias 7, S.1111.111 NaN, max 448, subnormals m · 2^-9).
inline double e4m3_value(uint8_t code) {
  const int e = (code >> 3) & 15, m = code & 7;
  const double mag = e == 0 ? std::ldexp(m, -9) : std::ldexp(1.0 + m / 8.0, e - 7);
  return (code & 0x80) ? -mag : mag;
}
// Nearest finite E4M3 code, ties to even, saturating at ±448.
inline uint8_t e4m3_nearest(double v) {
  const uint8_t sign = std::signbit(v) ? 0x80 : 0;
  const double a = std::fabs(v);
  uint8_t best = 0;
  for (uint8_t c = 1; c <= 0x7E; ++c) {
    const double d = std::fabs(a - e4m3_value(c)), db = std::fabs(a - e4m3_value(best));
    if (d < db || (d == db && (c & 1) == 0)) best = c;
  }
  return sign | best;
}

// The quantized checkpoint and the plain one of its decoded values, side by side.
struct PublishedPair {
  StTensors quantized, plain;
};

// gpt-oss fused experts X [E, in, out] -> X_blocks / X_scales (blocks along `in` of W^T [out,
// in]); the plain value at [e][i][o] is the decoded element (e, o, i), exact in float64 and fp32.
inline void mxfp4_experts(PublishedPair& p, const std::string& name, const StTensor& src) {
  const int64_t E = src.shape[0], in = src.shape[1], out = src.shape[2], kb = in / 32;
  const std::vector<float> w = f32_values(src);
  StTensor blocks{
      "U8", {E, out, kb, 16}, std::vector<uint8_t>(static_cast<size_t>(E * out * kb * 16))};
  StTensor scales{"U8", {E, out, kb}, std::vector<uint8_t>(static_cast<size_t>(E * out * kb))};
  std::vector<float> plain(w.size());
  for (int64_t e = 0; e < E; ++e)
    for (int64_t o = 0; o < out; ++o)
      for (int64_t g = 0; g < kb; ++g) {
        float x[32];
        for (int i = 0; i < 32; ++i) x[i] = w[static_cast<size_t>((e * in + g * 32 + i) * out + o)];
        const MxBlock b = mx_encode(x);
        const size_t at = static_cast<size_t>((e * out + o) * kb + g);
        scales.bytes[at] = b.scale;
        for (int j = 0; j < 16; ++j)  // low nibble: element 2j, high nibble: element 2j + 1
          blocks.bytes[at * 16 + j] =
              static_cast<uint8_t>(b.codes[2 * j] | (b.codes[2 * j + 1] << 4));
        for (int i = 0; i < 32; ++i)
          plain[static_cast<size_t>((e * in + g * 32 + i) * out + o)] =
              static_cast<float>(mx_value(b, i));
      }
  p.quantized[name + "_blocks"] = std::move(blocks);
  p.quantized[name + "_scales"] = std::move(scales);
  p.plain[name] = f32_tensor(plain, src.shape);
}

// DeepSeek-V3 linear weight [N, K] -> F8_E4M3 + weight_scale_inv: per 128 x 128 block (partial at
// the edges) s = fp32(amax / 448), q = nearest(w / s); the plain value fp32(e4m3(q) · s), one
// rounding of the exact float64 product (4 + 24 significant bits), as an fp32 multiply gives.
inline void fp8_block(PublishedPair& p, const std::string& name, const StTensor& src) {
  const int64_t N = src.shape[0], K = src.shape[1], bn = (N + 127) / 128, bk = (K + 127) / 128;
  const std::vector<float> w = f32_values(src);
  StTensor q{"F8_E4M3", src.shape, std::vector<uint8_t>(static_cast<size_t>(N * K))};
  std::vector<float> scale(static_cast<size_t>(bn * bk)), plain(w.size());
  for (int64_t bi = 0; bi < bn; ++bi)
    for (int64_t bj = 0; bj < bk; ++bj) {
      double amax = 0;
      for (int64_t i = bi * 128; i < std::min(N, bi * 128 + 128); ++i)
        for (int64_t j = bj * 128; j < std::min(K, bj * 128 + 128); ++j)
          amax = std::max(amax, std::fabs(static_cast<double>(w[static_cast<size_t>(i * K + j)])));
      const float s = amax > 0 ? static_cast<float>(amax / 448.0) : 1.0f;
      scale[static_cast<size_t>(bi * bk + bj)] = s;
      for (int64_t i = bi * 128; i < std::min(N, bi * 128 + 128); ++i)
        for (int64_t j = bj * 128; j < std::min(K, bj * 128 + 128); ++j) {
          const size_t at = static_cast<size_t>(i * K + j);
          q.bytes[at] = e4m3_nearest(static_cast<double>(w[at]) / s);
          plain[at] = static_cast<float>(e4m3_value(q.bytes[at]) * static_cast<double>(s));
        }
    }
  p.quantized[name] = std::move(q);
  p.quantized[name + "_scale_inv"] = f32_tensor(scale, {bn, bk});
  p.plain[name] = f32_tensor(plain, src.shape);
}

// The fixture's tensors, those `pick` selects replaced by `encode`'s packed form (and the plain
// copy by the decoded values).
inline PublishedPair published_pair(
    const std::filesystem::path& fixture_file,
    const std::function<bool(const std::string&, const StTensor&)>& pick,
    void (*encode)(PublishedPair&, const std::string&, const StTensor&)) {
  PublishedPair p;
  for (const auto& [name, t] : read_checkpoint(fixture_file)) {
    if (pick(name, t)) {
      encode(p, name, t);
    } else {
      p.quantized[name] = t;
      p.plain[name] = t;
    }
  }
  return p;
}

// A temporary checkpoint directory: config.json (the fixture's, with `quantization_config` when
// not null) and model.safetensors; removed with the object.
struct TempCheckpoint {
  std::filesystem::path dir;
  TempCheckpoint(const std::string& tag, const std::filesystem::path& fixture_config,
                 const nlohmann::json& quant, const StTensors& tensors) {
    static int serial = 0;
    dir = std::filesystem::temp_directory_path() /
          ("archscope_published_" + tag + "_" + std::to_string(::getpid()) + "_" +
           std::to_string(serial++));
    std::filesystem::create_directories(dir);
    std::ifstream in(fixture_config);
    nlohmann::json config = nlohmann::json::parse(in);
    if (!quant.is_null()) config["quantization_config"] = quant;
    std::ofstream(dir / "config.json") << config.dump(2);
    write_checkpoint(dir / "model.safetensors", tensors);
  }
  ~TempCheckpoint() { std::filesystem::remove_all(dir); }
  TempCheckpoint(const TempCheckpoint&) = delete;
  TempCheckpoint& operator=(const TempCheckpoint&) = delete;
};

// The tensors each published checkpoint stores quantized. gpt-oss: the routed experts' fused
// gate_up_proj / down_proj (its quantization_config leaves self_attn, router, embed_tokens and
// lm_head out). DeepSeek-V3: every linear weight of the decoder layers — q_a_proj, q_b_proj,
// kv_a_proj_with_mqa, kv_b_proj, o_proj, the dense MLP and the routed and shared experts'
// gate/up/down_proj — and not embed_tokens, lm_head, the norms or the router mlp.gate
// (deepseek-ai/DeepSeek-V3 model.safetensors.index.json: a weight_scale_inv for each of those).
inline bool gpt_oss_mxfp4_tensor(const std::string& name, const StTensor&) {
  return name.ends_with("mlp.experts.gate_up_proj") || name.ends_with("mlp.experts.down_proj");
}
inline bool deepseek_v3_fp8_tensor(const std::string& name, const StTensor& t) {
  return t.shape.size() == 2 && name.find("layers.") != std::string::npos &&
         (name.ends_with("_proj.weight") || name.ends_with("_proj_with_mqa.weight"));
}

// gpt-oss's published quantization_config (openai/gpt-oss-20b config.json).
inline nlohmann::json gpt_oss_quant_config() {
  return {
      {"modules_to_not_convert",
       {"model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"}},
      {"quant_method", "mxfp4"}};
}
// DeepSeek-V3's published quantization_config (deepseek-ai/DeepSeek-V3 config.json).
inline nlohmann::json deepseek_v3_quant_config() {
  return {{"activation_scheme", "dynamic"},
          {"fmt", "e4m3"},
          {"quant_method", "fp8"},
          {"weight_block_size", {128, 128}}};
}

}  // namespace archscope::test
