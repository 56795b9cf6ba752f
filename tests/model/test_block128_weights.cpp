// fp8-e4m3-block128 held packed on the CPU (issue 12 item 2): every block linear tensor holds
// exactly ŵ = fake_quantize of its whole checkpoint tensor, also where the loader cuts and
// gathers rows at boundaries that are not multiples of 128 — Qwen3-Next's q_proj (q and gate rows
// per head), in_proj_qkvz and in_proj_ba (gathered per key head), MLA's kv_a_proj_with_mqa (latent
// and rope rows), stacked and fused experts (per expert). The reference is the loader's dequantized
// path (a backend without the packed kernel: the whole tensor through quant::fake_quantize, then
// split as fp32), compared bit for bit with the packed tensors unpacked on the host
// (quant/pack_block128.hpp's unpack, equal to fake_quantize on its own: tests/quant).
#define BOOST_TEST_DYN_LINK
#include <bit>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "counting_backend.hpp"
#include "cpu/cpu_backend.hpp"
#include "model/load.hpp"
#include "model/weight_quant.hpp"
#include "presets/preset_catalog.hpp"
#include "quant/pack_block128.hpp"

using namespace archscope;

namespace {

std::vector<float> host(Backend& be, const Tensor& t) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  if (t.elem() == Elem::FP8_BLOCK128) {
    const int64_t K = t.dim(-1), N = t.numel() / K, nb = quant::block128_scales_per_row(K);
    std::vector<uint8_t> codes(t.bytes());
    std::vector<float> scales(static_cast<size_t>(N * nb));
    be.download(be.default_stream(), t, codes.data());
    Tensor s(t.quant.scales, Elem::F32, {N * nb}, static_cast<size_t>(t.quant.offset) * 4);
    be.download(be.default_stream(), s, scales.data());
    be.synchronize(be.default_stream());
    quant::unpack_block128_rows(codes, scales, N, K, v);
  } else {
    be.download(be.default_stream(), t, v.data());
    be.synchronize(be.default_stream());
  }
  for (float& x : v) x += 0.0f;  // -0 as +0
  return v;
}

size_t differing(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return a.size() + b.size();
  size_t n = 0;
  for (size_t i = 0; i < a.size(); ++i)
    n += std::bit_cast<uint32_t>(a[i]) != std::bit_cast<uint32_t>(b[i]);
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_block128_weights)

BOOST_AUTO_TEST_CASE(packed_block128_holds_the_whole_tensors_blocks) {
  for (const char* preset :
       {"qwen3-next-mini", "deepseek-v3-mini", "gpt-oss-mini", "qwen3-moe-mini"}) {
    const ModelConfig c = load_preset(preset);
    cpu::CpuBackend cpu(1);
    test::CountingBackend plain(cpu);
    plain.allow_packed(false);
    const RandomInitOptions o{.seed = 13};
    const ModelWeights p = random_weights(cpu, c, o, Elem::F32, quant::Format::Fp8E4M3Block128);
    const ModelWeights d = random_weights(plain, c, o, Elem::F32, quant::Format::Fp8E4M3Block128);
    BOOST_REQUIRE(p.quantization.packed);
    BOOST_REQUIRE(!d.quantization.packed);
    int64_t packed_tensors = 0;
    for (size_t l = 0; l < p.layers.size(); ++l) {
      const LayerWeights& a = p.layers[l];
      const LayerWeights& b = d.layers[l];
      const std::pair<const char*, std::pair<const Tensor*, const Tensor*>> pairs[] = {
          {"q", {&a.attn.q, &b.attn.q}},
          {"k", {&a.attn.k, &b.attn.k}},
          {"v", {&a.attn.v, &b.attn.v}},
          {"o", {&a.attn.o, &b.attn.o}},
          {"q_gate", {&a.attn.q_gate, &b.attn.q_gate}},
          {"q_a", {&a.attn.q_a, &b.attn.q_a}},
          {"q_b", {&a.attn.q_b, &b.attn.q_b}},
          {"kv_a_latent", {&a.attn.kv_a_latent, &b.attn.kv_a_latent}},
          {"kv_a_rope", {&a.attn.kv_a_rope, &b.attn.kv_a_rope}},
          {"kv_b_k", {&a.attn.kv_b_k, &b.attn.kv_b_k}},
          {"lin_q", {&a.attn.lin_q, &b.attn.lin_q}},
          {"lin_k", {&a.attn.lin_k, &b.attn.lin_k}},
          {"lin_v", {&a.attn.lin_v, &b.attn.lin_v}},
          {"lin_z", {&a.attn.lin_z, &b.attn.lin_z}},
          {"lin_b", {&a.attn.lin_b, &b.attn.lin_b}},
          {"lin_a", {&a.attn.lin_a, &b.attn.lin_a}},
          {"ffn.gate_up", {&a.ffn.gate_up, &b.ffn.gate_up}},
          {"ffn.down", {&a.ffn.down, &b.ffn.down}},
          {"experts.gate_up", {&a.moe.experts.gate_up, &b.moe.experts.gate_up}},
          {"experts.down", {&a.moe.experts.down, &b.moe.experts.down}},
          {"shared.gate_up", {&a.moe.shared.gate_up, &b.moe.shared.gate_up}},
          {"shared.down", {&a.moe.shared.down, &b.moe.shared.down}},
      };
      for (const auto& [what, t] : pairs) {
        BOOST_TEST_CONTEXT(preset << " layer " << l << " " << what) {
          BOOST_REQUIRE(t.first->defined() == t.second->defined());
          if (!t.first->defined()) continue;
          packed_tensors += t.first->elem() == Elem::FP8_BLOCK128;
          BOOST_TEST(differing(host(cpu, *t.first), host(cpu, *t.second)) == 0u);
        }
      }
    }
    BOOST_TEST(packed_tensors > 0, preset);
  }
}

BOOST_AUTO_TEST_SUITE_END()
