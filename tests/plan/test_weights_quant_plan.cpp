// analyze --weights-quant: with a weight scheme the plan counts every block linear weight [N, K]
// at the bytes the scheme's packed layout holds (quant/held_bits.hpp; the layouts of
// /work/notes/packed_layouts.md, worked out here per op: values, scales, zero points, a partial
// last block held whole) — the format's own count (issue 12's definitions) for every format but
// int4-g128 (68 bytes per 128: a byte-wide zero point and a pad byte) and fp8-e4m3-block128 (a
// scale per row and 128 columns) — keeps the router, shared-expert gate,
// embeddings, LM head and norms at the plain dtype, and the decode roofline reads those bytes.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "plan/analysis.hpp"
#include "plan/plan.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;

namespace {

const Op& op(const Plan& p, int64_t layer, const std::string& name) {
  for (const Op& o : p.layers[static_cast<size_t>(layer)].ops)
    if (o.name == name) return o;
  BOOST_FAIL("no op " + name);
  throw 0;
}

Plan decode(const ModelConfig& c, std::optional<quant::Format> f, DType weights = DType::BF16) {
  PlanOptions o;
  o.phase = Phase::Decode;
  o.context = 16;
  o.weights = weights;
  o.weights_quant = f;
  return build_plan(c, o);
}

uint64_t ceil_div(uint64_t a, uint64_t b) {
  return (a + b - 1) / b;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plan_weights_quant)

BOOST_AUTO_TEST_CASE(q4_0_and_int4_g128_bytes_by_hand) {
  // qwen3-moe-mini: d 128, 4 heads x 32 (q [128, 128]), 2 KV heads (k, v [64, 128]), 8 experts
  // of width 64 (gate/up [64, 128], down [128, 64]).
  const ModelConfig c = load_preset("qwen3-moe-mini");
  const Plan bf = decode(c, std::nullopt);
  const Plan q4 = decode(c, quant::Format::Q4_0);
  const Plan g128 = decode(c, quant::Format::Int4G128);
  // q4_0: 18 bytes per block of 32 (16 bytes of 4-bit values + an fp16 scale).
  BOOST_TEST(op(q4, 0, "q_proj").param_bytes == 128u * (128 / 32) * 18);
  BOOST_TEST(op(q4, 0, "k_proj").param_bytes == 64u * (128 / 32) * 18);
  BOOST_TEST(op(q4, 0, "experts").param_bytes == 8u * (2 * 64 * 4 * 18 + 128 * 2 * 18));
  // int4-g128: per row one 68-byte block per group of 128 (fp16 scale, byte zero point, pad
  // byte, 64 bytes of nibbles); down's K = 64 is one partial group held whole.
  BOOST_TEST(op(g128, 0, "experts").param_bytes == 8u * (2 * 64 * 68 + 128 * 68));
  // The format's own count (fp16 scale + 4-bit zero per group, K's nibbles) is smaller: 4.156
  // bits per weight against the 4.25 held.
  const uint64_t gate_bits = 64 * (128 * 4 + 20), down_bits = 128 * (64 * 4 + 20);
  BOOST_TEST(op(g128, 0, "experts").param_bytes >
             8u * (2 * ceil_div(gate_bits, 8) + ceil_div(down_bits, 8)));
  // The router, norms, embedding and LM head are as without a scheme.
  BOOST_TEST(op(q4, 0, "router").param_bytes == op(bf, 0, "router").param_bytes);
  BOOST_TEST(op(q4, 0, "input_norm").param_bytes == op(bf, 0, "input_norm").param_bytes);
  BOOST_TEST(q4.prologue[0].param_bytes == bf.prologue[0].param_bytes);
  BOOST_TEST(q4.epilogue.back().param_bytes == bf.epilogue.back().param_bytes);
  // Decode reads what the scheme stores (the weights' share of bytes_read shrinks by the saving).
  const Op& a = op(bf, 0, "q_proj");
  const Op& b = op(q4, 0, "q_proj");
  BOOST_TEST(a.bytes_read - b.bytes_read == a.param_bytes - b.param_bytes);
  BOOST_TEST((b.compute == DType::BF16));  // weight-only: the arithmetic stays at the activations'
}

BOOST_AUTO_TEST_CASE(mla_absorbed_matrices_count_kv_b_storage) {
  // deepseek-v3-mini: kv_b_proj [4 * (16 + 16), 32]; decode runs the absorbed form, whose
  // W_uk^T and W_uv are kv_b_proj's key rows [64, 32] and value rows [64, 32] (blocks along 32).
  const ModelConfig c = load_preset("deepseek-v3-mini");
  const Plan p = decode(c, quant::Format::Q8_0);
  BOOST_TEST(op(p, 0, "q_absorb").param_bytes == 64u * (32 + 2));  // 32 int8 + fp16 scale per row
  BOOST_TEST(op(p, 0, "out_absorb").param_bytes == 64u * (32 + 2));
  // fp8 128 x 128 blocks: kv_a_proj [40, 128] is one block, held with its fp32 scale on each of
  // the 40 rows (the format's count: one scale, 40 * 128 + 4 bytes).
  const Plan f8 = decode(c, quant::Format::Fp8E4M3Block128);
  BOOST_TEST(op(f8, 0, "kv_a_proj").param_bytes == 40u * 128 + 40 * 4);
}

BOOST_AUTO_TEST_CASE(analysis_weights_bytes_and_refusals) {
  const ModelConfig c = load_preset("qwen3-moe-mini");
  AnalysisOptions o;
  o.context = 16;
  o.weights_quant = quant::Format::Q8_0;
  const Analysis q = summarize(c, o, std::nullopt);
  o.weights_quant.reset();
  const Analysis b = summarize(c, o, std::nullopt);
  BOOST_TEST(q.weights_bytes < b.weights_bytes);
  BOOST_CHECK_THROW(decode(c, quant::Format::Q8_0, DType::INT4),
                    Error);  // a scheme takes a float dtype
}

BOOST_AUTO_TEST_SUITE_END()
