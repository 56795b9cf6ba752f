// The analytic plan counts a published quantized checkpoint's true bytes: with the checkpoint's
// format and scope (hf/hf_quantization.hpp: mxfp4 on the routed experts, fp8 128 x 128 on every
// block linear weight) and the other weights at F32 (the fixtures' dtype), the plan's weight bytes
// equal the bytes of every tensor in the files built to the published layouts
// (published_checkpoint.hpp), scales included.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "parity_support.hpp"
#include "plan/analysis.hpp"
#include "published_checkpoint.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

uint64_t file_bytes(const StTensors& tensors) {
  uint64_t n = 0;
  for (const auto& [name, t] : tensors) n += t.bytes.size();
  return n;
}

uint64_t plan_bytes(const ModelConfig& c, std::optional<quant::Format> f, QuantScope scope) {
  AnalysisOptions o;
  o.context = 16;
  o.weights = DType::F32;
  o.weights_quant = f;
  o.weights_quant_scope = scope;
  o.weights_quant_format_count = true;  // as analysis_options.cpp counts a published config
  return summarize(c, o).weights_bytes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(published_analysis)

BOOST_AUTO_TEST_CASE(gpt_oss_mxfp4_experts) {
  const Fixture f = load_fixture("gpt_oss");
  const PublishedPair p = published_pair(fixture_dir("gpt_oss") / "model.safetensors",
                                         gpt_oss_mxfp4_tensor, mxfp4_experts);
  // The plan counts the unquantized fixture's bytes exactly: the comparison below is of formats
  // only.
  BOOST_REQUIRE(plan_bytes(f.config, std::nullopt, QuantScope::BlockLinear) == file_bytes(p.plain));
  BOOST_TEST(plan_bytes(f.config, quant::Format::Mxfp4, QuantScope::RoutedExperts) ==
             file_bytes(p.quantized));
  // Counting every block linear weight as mxfp4 would undercount attention, which gpt-oss keeps
  // bf16.
  BOOST_TEST(plan_bytes(f.config, quant::Format::Mxfp4, QuantScope::BlockLinear) <
             file_bytes(p.quantized));
}

BOOST_AUTO_TEST_CASE(deepseek_v3_fp8_blocks) {
  const Fixture f = load_fixture("deepseek_v3");
  const PublishedPair p = published_pair(fixture_dir("deepseek_v3") / "model.safetensors",
                                         deepseek_v3_fp8_tensor, fp8_block);
  BOOST_REQUIRE(plan_bytes(f.config, std::nullopt, QuantScope::BlockLinear) == file_bytes(p.plain));
  BOOST_TEST(plan_bytes(f.config, quant::Format::Fp8E4M3Block128, QuantScope::BlockLinear) ==
             file_bytes(p.quantized));
}

BOOST_AUTO_TEST_SUITE_END()
