// --weights-quant at load (model/weight_quant.hpp): exactly the block linear weights are
// quantized, along K as the layer applies them, MLA's derived matrices are cut from the quantized
// kv_b_proj, everything else stays bit-identical to the source; the recorded SQNR and storage
// match a float64 computation and the formats' definitions worked out here. References: a q8_0
// written in this file from llama.cpp's quantize_row_q8_0_ref (fp16 through the compiler's
// _Float16, round to nearest even) and the storage arithmetic of issue 12's definitions.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <functional>
#include <map>

#include "common/error.hpp"
#include "counting_backend.hpp"
#include "model/load.hpp"
#include "model/random_source.hpp"
#include "parity_support.hpp"
#include "presets/preset_catalog.hpp"
#include "quant/pack.hpp"
#include "quant/pack_channel.hpp"
#include "quant/q8_0_reference.hpp"
#include "weights/safetensors.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// The values a tensor holds; a packed one (the CPU holds every scheme packed; these tests use
// q8_0) is downloaded as its bytes (and row scales) and unpacked (quant/pack.hpp,
// quant/pack_channel.hpp: equal to fake_quantize up to the sign of zeros, which == on floats does
// not see).
std::vector<float> host(Backend& be, const Tensor& t) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  if (elem_is_packed(t.elem())) {
    std::vector<uint8_t> bytes(t.bytes());
    be.download(be.default_stream(), t, bytes.data());
    be.synchronize(be.default_stream());
    const int64_t K = t.dim(-1), N = t.numel() / K;
    const quant::Format f = *packed_format(t.elem());
    if (quant::has_row_scales(f)) {
      std::vector<float> scales(static_cast<size_t>(N));
      Tensor s(t.quant.scales, Elem::F32, {N}, static_cast<size_t>(t.quant.offset) * 4);
      be.download(be.default_stream(), s, scales.data());
      be.synchronize(be.default_stream());
      quant::unpack_channel_rows(f, bytes, scales, N, K, v);
    } else {
      quant::unpack_rows(f, bytes, N, K, v);
    }
    return v;
  }
  be.download(be.default_stream(), t, v.data());
  be.synchronize(be.default_stream());
  return v;
}

// The source values of a matrix exactly as the builder asks for them.
std::vector<float> source(RandomWeightSource& s, const std::string& name, int64_t rows,
                          int64_t cols) {
  TensorRequest r;
  r.name = name;
  r.shape = {rows, cols};
  r.role = TensorRole::Matrix;
  r.fan_in = cols;
  return s.read(r);
}

std::vector<float> rows_of(const std::vector<float>& m, int64_t cols, int64_t begin,
                           int64_t count) {
  return {m.begin() + begin * cols, m.begin() + (begin + count) * cols};
}

const QuantizedTensor& record(const WeightQuantization& q, const std::string& name) {
  for (const QuantizedTensor& t : q.tensors)
    if (t.name == name) return t;
  BOOST_FAIL("no record for " + name);
  throw 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_weight_quant)

BOOST_AUTO_TEST_CASE(block_linear_weights_quantized_along_k_the_rest_exact) {
  const ModelConfig c =
      load_preset("deepseek-v3-mini");  // MLA, a dense layer, routed + shared experts
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  o.seed = 11;
  const ModelWeights src = random_weights(be, c, o, Elem::F32);
  const ModelWeights q = random_weights(be, c, o, Elem::F32, quant::Format::Q8_0);
  BOOST_TEST(!src.quantization.scheme.has_value());
  BOOST_TEST(src.quantization.tensors.empty());
  BOOST_REQUIRE(q.quantization.scheme == quant::Format::Q8_0);
  RandomWeightSource gen(o);

  // Source precision, bit for bit: embeddings (tied or not, the head), norms, router, its bias.
  BOOST_TEST(host(be, q.embedding) == host(be, src.embedding));
  BOOST_TEST(host(be, q.lm_head) == host(be, src.lm_head));
  BOOST_TEST(host(be, q.final_norm) == host(be, src.final_norm));
  const MlaConfig& m = c.attention.mla;
  const int64_t h = c.attention.heads, d = c.d_model, L = m.kv_lora_rank, nope = m.qk_nope_head_dim,
                v = m.v_head_dim, rope = m.qk_rope_head_dim;
  const int64_t moe_layer = 1, dense_layer = 0;
  const LayerWeights& lq = q.layers[moe_layer];
  const LayerWeights& ls = src.layers[moe_layer];
  BOOST_TEST(host(be, lq.moe.router) == host(be, ls.moe.router));
  BOOST_TEST(host(be, lq.moe.selection_bias) == host(be, ls.moe.selection_bias));
  BOOST_TEST(host(be, lq.input_norm) == host(be, ls.input_norm));
  BOOST_TEST(host(be, lq.attn.kv_a_norm) == host(be, ls.attn.kv_a_norm));
  for (const QuantizedTensor& t : q.quantization.tensors) {
    BOOST_TEST(t.name.find("router") == std::string::npos);
    BOOST_TEST(t.name.find(".gate.weight") == std::string::npos);  // DeepSeek's router is mlp.gate
    BOOST_TEST(t.name.find("embed") == std::string::npos);
    BOOST_TEST(t.name.find("norm") == std::string::npos);
  }

  const std::string p = "layers.1.self_attn.";
  // Plain projections: ŵ of the checkpoint tensor [N, K] with blocks along K (d_model).
  const auto o_src = source(gen, p + "o_proj.weight", d, h * v);
  BOOST_TEST(host(be, lq.attn.o) == ref_q8_0(o_src, d, h * v));
  BOOST_TEST(host(be, lq.attn.q_a) ==
             ref_q8_0(source(gen, p + "q_a_proj.weight", m.q_lora_rank, d), m.q_lora_rank, d));
  // kv_a_proj_with_mqa quantized whole, then split into its latent and rotary rows.
  const auto kv_a =
      ref_q8_0(source(gen, p + "kv_a_proj_with_mqa.weight", L + rope, d), L + rope, d);
  BOOST_TEST(host(be, lq.attn.kv_a_latent) == rows_of(kv_a, d, 0, L));
  BOOST_TEST(host(be, lq.attn.kv_a_rope) == rows_of(kv_a, d, L, rope));
  // kv_b_proj quantized as the checkpoint tensor [h * (nope + v), L]; the split matrices and the
  // absorbed per-head W_uk^T carry exactly its dequantized values.
  const auto kv_b =
      ref_q8_0(source(gen, p + "kv_b_proj.weight", h * (nope + v), L), h * (nope + v), L);
  std::vector<float> k_rows, v_rows, uk_t;
  for (int64_t i = 0; i < h; ++i) {
    const auto kr = rows_of(kv_b, L, i * (nope + v), nope),
               vr = rows_of(kv_b, L, i * (nope + v) + nope, v);
    k_rows.insert(k_rows.end(), kr.begin(), kr.end());
    v_rows.insert(v_rows.end(), vr.begin(), vr.end());
    for (int64_t l = 0; l < L; ++l)
      for (int64_t j = 0; j < nope; ++j) uk_t.push_back(kr[static_cast<size_t>(j * L + l)]);
  }
  BOOST_TEST(host(be, lq.attn.kv_b_k) == k_rows);
  BOOST_TEST(host(be, lq.attn.kv_b_v) == v_rows);
  BOOST_TEST(host(be, lq.attn.absorb_q) == uk_t);

  // Routed expert 3's slices of the stacked tensors, and the shared experts' [gate; up].
  const int64_t E = c.moe.experts, f = c.moe.expert_d_ff,
                sf = c.moe.shared_d_ff * c.moe.shared_experts;
  const std::string ex = "layers.1.mlp.experts.3.";
  const auto gu = host(be, lq.moe.experts.gate_up);
  std::vector<float> want = ref_q8_0(source(gen, ex + "gate_proj.weight", f, d), f, d);
  const auto up = ref_q8_0(source(gen, ex + "up_proj.weight", f, d), f, d);
  want.insert(want.end(), up.begin(), up.end());
  BOOST_TEST(std::vector<float>(gu.begin() + 3 * 2 * f * d, gu.begin() + 4 * 2 * f * d) == want);
  const auto down = host(be, lq.moe.experts.down);
  BOOST_TEST(std::vector<float>(down.begin() + 3 * d * f, down.begin() + 4 * d * f) ==
             ref_q8_0(source(gen, ex + "down_proj.weight", d, f), d, f));
  BOOST_TEST(host(be, lq.moe.shared.down) ==
             ref_q8_0(source(gen, "layers.1.mlp.shared_experts.down_proj.weight", d, sf), d, sf));
  // The dense layer's FFN.
  BOOST_TEST(host(be, q.layers[dense_layer].ffn.down) ==
             ref_q8_0(source(gen, "layers.0.mlp.down_proj.weight", d, c.ffn.d_ff), d, c.ffn.d_ff));

  // The SQNR record of o_proj against float64 sums over the source and the loaded ŵ.
  const auto o_hat = host(be, lq.attn.o);
  double signal = 0, noise = 0;
  for (size_t i = 0; i < o_src.size(); ++i) {
    const double w = o_src[i], e = w - static_cast<double>(o_hat[i]);
    signal += w * w;
    noise += e * e;
  }
  const QuantizedTensor& r = record(q.quantization, p + "o_proj.weight");
  BOOST_TEST(r.layer == 1);
  BOOST_TEST(r.elements == d * h * v);
  BOOST_TEST(r.sqnr_db() == 10.0 * std::log10(signal / noise), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.sqnr_db() > 30.0);  // q8_0 on Gaussian weights: about 8 bits of signal

  // Every block linear weight is recorded once: per MLA layer q_a, q_b, kv_a, kv_b, o; the dense
  // layer's gate, up, down; per MoE layer every expert's three and the shared experts' three.
  int64_t expected = 0;
  for (const LayerSpec& s : expand_layers(c)) expected += 5 + (s.moe ? 3 * E + 3 : 3);
  BOOST_TEST(static_cast<int64_t>(q.quantization.tensors.size()) == expected);
  (void)ls;
}

BOOST_AUTO_TEST_CASE(storage_bits_from_the_definitions_with_partial_blocks) {
  // deepseek-v3-mini's K are 32, 48, 64, 128 and 256: int4-g128 pays a whole group for every
  // partial one (K = 32 .. 64 one partial group; 256 two full ones), nf4 blocks of 64 and q4_0
  // blocks of 32 divide them all but K = 48 (nf4: one partial block).
  const ModelConfig c = load_preset("deepseek-v3-mini");
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  o.seed = 2;
  const MlaConfig& m = c.attention.mla;
  const int64_t h = c.attention.heads, d = c.d_model;
  // [N, K] of every block linear weight, worked out from the config by hand.
  std::vector<std::pair<int64_t, int64_t>> shapes;
  for (const LayerSpec& s : expand_layers(c)) {
    shapes.push_back({m.q_lora_rank, d});
    shapes.push_back({h * (m.qk_nope_head_dim + m.qk_rope_head_dim), m.q_lora_rank});
    shapes.push_back({m.kv_lora_rank + m.qk_rope_head_dim, d});
    shapes.push_back({h * (m.qk_nope_head_dim + m.v_head_dim), m.kv_lora_rank});
    shapes.push_back({d, h * m.v_head_dim});
    const int64_t n_ffn = s.moe ? c.moe.experts + 1 : 1;
    for (int64_t e = 0; e < n_ffn; ++e) {
      const int64_t f = !s.moe              ? c.ffn.d_ff
                        : e < c.moe.experts ? c.moe.expert_d_ff
                                            : c.moe.shared_d_ff;
      shapes.push_back({f, d});
      shapes.push_back({f, d});
      shapes.push_back({d, f});
    }
  }
  auto ceil_div = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  struct Case {
    quant::Format f;
    std::function<int64_t(int64_t, int64_t)> bits;  // of one [N, K] matrix
  };
  const std::vector<Case> cases = {
      {quant::Format::Q8_0,
       [&](int64_t N, int64_t K) { return N * (8 * K + 16 * ceil_div(K, 32)); }},
      {quant::Format::Q4_0,
       [&](int64_t N, int64_t K) { return N * (4 * K + 16 * ceil_div(K, 32)); }},
      {quant::Format::Int4G128,
       [&](int64_t N, int64_t K) { return N * (4 * K + (16 + 4) * ceil_div(K, 128)); }},
      {quant::Format::Nf4,
       [&](int64_t N, int64_t K) { return N * (4 * K + 32 * ceil_div(K, 64)); }},
      {quant::Format::Mxfp4,
       [&](int64_t N, int64_t K) { return N * (4 * K + 8 * ceil_div(K, 32)); }},
      {quant::Format::Int8Channel, [&](int64_t N, int64_t K) { return N * (8 * K + 32); }},
      {quant::Format::Fp8E4M3Channel, [&](int64_t N, int64_t K) { return N * (8 * K + 32); }},
      {quant::Format::Fp8E4M3Block128,
       [&](int64_t N, int64_t K) { return 8 * N * K + 32 * ceil_div(N, 128) * ceil_div(K, 128); }},
  };
  for (const Case& k : cases) {
    const ModelWeights w = random_weights(be, c, o, Elem::F32, k.f);
    int64_t bits = 0, n = 0;
    for (auto [N, K] : shapes) bits += k.bits(N, K), n += N * K;
    BOOST_TEST_CONTEXT(quant::to_string(k.f)) {
      BOOST_TEST(w.quantization.quantized_elements() == n);
      BOOST_TEST(static_cast<int64_t>(w.quantization.quantized_bits()) == bits);
      BOOST_TEST(w.quantization.bits_per_weight() ==
                 static_cast<double>(bits) / static_cast<double>(n));
    }
  }
}

// gpt-oss's fused experts gate_up_proj [E, d, 2F] / down_proj [E, F, d] are x @ W: each expert's
// W^T [2F, d] / [d, F] is the matrix the layer applies, quantized with blocks along its K (d / F),
// and the whole fused tensor is one record; the router and the biases stay exact.
BOOST_AUTO_TEST_CASE(fused_experts_quantized_per_expert_along_k) {
  const Fixture f = load_fixture("gpt_oss");
  cpu::CpuBackend be(1);
  const ModelWeights src = load_hf_weights(be, f.config, fixture_dir("gpt_oss"), Elem::F32);
  const ModelWeights q =
      load_hf_weights(be, f.config, fixture_dir("gpt_oss"), Elem::F32, quant::Format::Q8_0);
  const SafetensorsModel st(fixture_dir("gpt_oss"));
  int64_t layer = 0;
  for (const LayerSpec& s : expand_layers(f.config))
    if (s.moe) {
      layer = s.index;
      break;
    }
  const int64_t E = f.config.moe.experts, F = f.config.moe.expert_d_ff, d = f.config.d_model;
  const std::string p = "model.layers." + std::to_string(layer) + ".mlp.experts.";
  const TensorView& gu_view = st.get(p + "gate_up_proj");
  std::vector<float> gu(static_cast<size_t>(gu_view.numel()));
  convert_to_f32(gu_view, gu.data(), gu.size());
  const auto stacked = host(be, q.layers[static_cast<size_t>(layer)].moe.experts.gate_up);
  for (int64_t e = 0; e < E; ++e) {
    std::vector<float> wt(static_cast<size_t>(2 * F * d));  // expert e's [d, 2F] transposed
    for (int64_t r = 0; r < d; ++r)
      for (int64_t c = 0; c < 2 * F; ++c)
        wt[static_cast<size_t>(c * d + r)] = gu[static_cast<size_t>((e * d + r) * 2 * F + c)];
    BOOST_TEST(std::vector<float>(stacked.begin() + e * 2 * F * d,
                                  stacked.begin() + (e + 1) * 2 * F * d) == ref_q8_0(wt, 2 * F, d),
               "expert " << e);
  }
  const QuantizedTensor& r =
      record(q.quantization, "layers." + std::to_string(layer) + ".mlp.experts.gate_up_proj");
  BOOST_TEST(r.elements == E * 2 * F * d);
  const LayerWeights& lq = q.layers[static_cast<size_t>(layer)];
  const LayerWeights& ls = src.layers[static_cast<size_t>(layer)];
  BOOST_TEST(host(be, lq.moe.router) == host(be, ls.moe.router));
  BOOST_TEST(host(be, lq.moe.experts.gate_up_bias) == host(be, ls.moe.experts.gate_up_bias));
  BOOST_TEST(host(be, lq.attn.sinks) == host(be, ls.attn.sinks));
  BOOST_TEST(host(be, lq.moe.experts.gate_up) != host(be, ls.moe.experts.gate_up));
}

// A scheme held dequantized (on a backend without its packed kernel, as CUDA for
// fp8-e4m3-block128) needs fp32 storage; packed schemes take bf16 for the rest
// (tests/model/test_packed_weights.cpp).
BOOST_AUTO_TEST_CASE(scheme_needs_fp32_storage) {
  const ModelConfig c = load_preset("llama3-mini");
  cpu::CpuBackend cpu(1);
  test::CountingBackend be(cpu);
  be.allow_packed(false);
  try {
    random_weights(be, c, {}, Elem::BF16, quant::Format::Fp8E4M3Block128);
    BOOST_FAIL("a scheme with bf16 storage must be refused");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST(e.where() == "--weights-dtype");
  }
}

BOOST_AUTO_TEST_SUITE_END()
