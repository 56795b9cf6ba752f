// --weights-quant q8_0 / q4_0 on the CPU backend holds the block linear weights packed
// (quant/packed_layout.hpp): each such tensor is a Q8_0 / Q4_0 tensor whose buffer holds exactly
// N * ceil(K / 32) blocks of 34 / 18 bytes (the layout's count, worked out here from the config's
// shapes, not from the loader), nothing else (no fp32 copy beside it), and the untouched matrices
// keep the weights dtype. Schemes without a packed CPU kernel keep the dequantized fp32 path.
// The packed values themselves are checked against llama.cpp's q8_0 in test_weight_quant.cpp,
// the packed kernels in tests/backend_ops/test_linear_packed.cpp, the logits of a packed run in
// tests/cli/test_quant_cli.cpp.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <vector>

#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "model/load.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;

namespace {

struct Linear {
  const char* what;
  const Tensor* t;
  int64_t matrices, N, K;  // matrices: experts stacked in one tensor
};

// The block linear weights of a llama-style or MoE layer with their [N, K] from the config.
std::vector<Linear> linears(const ModelConfig& c, const LayerWeights& L, bool moe) {
  const int64_t d = c.d_model, h = c.attention.heads, hk = c.attention.kv_heads,
                hd = c.attention.head_dim;
  // q, k and v are row views of the stacked q|k|v matrix (one buffer, checked below).
  std::vector<Linear> v = {{"qkv", &L.attn.qkv, 1, (h + 2 * hk) * hd, d},
                           {"o", &L.attn.o, 1, d, h * hd}};
  if (moe) {
    const int64_t E = c.moe.experts, f = c.moe.expert_d_ff;
    v.push_back({"experts.gate_up", &L.moe.experts.gate_up, E, 2 * f, d});
    v.push_back({"experts.down", &L.moe.experts.down, E, d, f});
  } else {
    v.push_back({"gate_up", &L.ffn.gate_up, 1, 2 * c.ffn.d_ff, d});
    v.push_back({"down", &L.ffn.down, 1, d, c.ffn.d_ff});
  }
  return v;
}

uint64_t layout_bytes(Elem e, int64_t N, int64_t K) {
  const uint64_t block = e == Elem::Q8_0 ? 34 : 18;
  return static_cast<uint64_t>(N) * static_cast<uint64_t>((K + 31) / 32) * block;
}

void check_packed(const std::string& preset, quant::Format scheme, Elem packed) {
  const ModelConfig c = load_preset(preset);
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  o.seed = 3;
  const ModelWeights w = random_weights(be, c, o, Elem::BF16, scheme);
  BOOST_TEST(w.quantization.packed);
  uint64_t packed_total = 0, fp32_total = 0;
  for (const LayerSpec& s : expand_layers(c)) {
    for (const Linear& l : linears(c, w.layers[static_cast<size_t>(s.index)], s.moe)) {
      BOOST_TEST_CONTEXT(preset << " layer " << s.index << " " << l.what) {
        BOOST_REQUIRE(l.t->defined());
        BOOST_TEST((l.t->elem() == packed));
        const uint64_t want = static_cast<uint64_t>(l.matrices) * layout_bytes(packed, l.N, l.K);
        BOOST_TEST(l.t->bytes() == want);
        BOOST_TEST(l.t->buffer()->bytes() == want);  // the buffer holds the packed bytes only
        packed_total += want;
        fp32_total += static_cast<uint64_t>(l.matrices * l.N * l.K) * 4;
      }
    }
    const AttentionWeights& a = w.layers[static_cast<size_t>(s.index)].attn;
    const int64_t d = c.d_model, nq = c.attention.heads * c.attention.head_dim,
                  nkv = c.attention.kv_heads * c.attention.head_dim;
    for (const auto& [t, n] : {std::pair{&a.q, nq}, {&a.k, nkv}, {&a.v, nkv}}) {
      BOOST_TEST(t->buffer() == a.qkv.buffer());
      BOOST_TEST(t->bytes() == layout_bytes(packed, n, d));
    }
    BOOST_TEST(a.k.byte_offset() == a.q.byte_offset() + layout_bytes(packed, nq, d));
    BOOST_TEST(a.v.byte_offset() == a.k.byte_offset() + layout_bytes(packed, nkv, d));
  }
  // The whole packed weight set against the same tensors dequantized in fp32: 34 / 128 (q8_0) or
  // 18 / 128 (q4_0) when every K is a multiple of 32, as in these presets.
  const double ratio = static_cast<double>(packed_total) / static_cast<double>(fp32_total);
  BOOST_TEST(ratio == (packed == Elem::Q8_0 ? 34.0 : 18.0) / 128.0, preset);
  BOOST_TEST(static_cast<uint64_t>(w.quantization.quantized_bits() / 8) == packed_total);
  // Matrices outside the scheme keep the weights dtype (here bf16).
  BOOST_TEST((w.embedding.elem() == Elem::BF16));
  BOOST_TEST((w.lm_head.elem() == Elem::BF16));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_packed_weights)

BOOST_AUTO_TEST_CASE(q8_0_and_q4_0_hold_only_the_packed_bytes) {
  check_packed("llama3-mini", quant::Format::Q8_0, Elem::Q8_0);
  check_packed("llama3-mini", quant::Format::Q4_0, Elem::Q4_0);
  check_packed("qwen3-moe-mini", quant::Format::Q8_0, Elem::Q8_0);  // routed experts stacked
}

BOOST_AUTO_TEST_CASE(schemes_without_a_packed_kernel_stay_dequantized_fp32) {
  const ModelConfig c = load_preset("llama3-mini");
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  const ModelWeights w = random_weights(be, c, o, Elem::F32, quant::Format::Nf4);
  BOOST_TEST(!w.quantization.packed);
  BOOST_TEST((w.layers[0].attn.q.elem() == Elem::F32));
  // And they refuse a non-fp32 dtype, naming the option.
  try {
    random_weights(be, c, o, Elem::BF16, quant::Format::Nf4);
    BOOST_ERROR("nf4 with bf16 weights accepted");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "--weights-dtype");
  }
}

BOOST_AUTO_TEST_SUITE_END()
