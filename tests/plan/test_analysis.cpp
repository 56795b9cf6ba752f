// Analysis: JSON carries exact integers, per-layer detail, roofline; MoE weight traffic follows
// the expected-distinct-experts rule.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "common/error.hpp"
#include "official_configs.hpp"
#include "plan/analysis.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

HardwareProfile h100() {
  return hardware_from_json(nlohmann::json::parse(R"({"format": "archscope.hardware/1",
    "name": "h100-sxm", "memory_bandwidth_gbs": 3350, "memory_gib": 80,
    "peak_tflops": {"fp32": 67, "bf16": 989.4, "fp16": 989.4, "fp8": 1978.9, "int8": 1978.9}})"));
}

const Op& find(const LayerPlan& l, const std::string& name) {
  for (const Op& op : l.ops)
    if (op.name == name) return op;
  throw std::runtime_error("no op " + name);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plan_analysis)

BOOST_AUTO_TEST_CASE(json_carries_exact_figures) {
  AnalysisOptions o;
  o.context = 1024;
  const Analysis a = summarize(deepseek_v3(), o, h100());
  const nlohmann::json j = analysis_to_json(a);
  BOOST_TEST(j["params"]["total"].is_number_unsigned());
  BOOST_TEST(j["params"]["total"].get<uint64_t>() == 671026419200ull);
  BOOST_TEST(j["params"]["active"].get<uint64_t>() == 37552297472ull);
  BOOST_TEST(j["params"]["by_component"]["routed_experts"].get<uint64_t>() ==
             58ull * 256 * 3 * 7168 * 2048);
  BOOST_TEST(j["params"]["by_component"]["router"].get<uint64_t>() == 58ull * (256 * 7168 + 256));
  BOOST_TEST(j["kv_cache"]["bytes_per_token"].get<uint64_t>() == 70272u);
  BOOST_TEST(j["kv_cache"]["bytes_at_context"].get<uint64_t>() == 70272ull * 1024);
  BOOST_TEST(j["flops"]["decode_step"].get<uint64_t>() == a.flops.decode_step);
  BOOST_TEST(j["weights_bytes"].get<uint64_t>() == 2 * 671026419200ull);
  BOOST_TEST(j["layers"].size() == 61u);
  const auto& l3 = j["layers"][3];
  BOOST_TEST(l3["attention"] == "mla");
  BOOST_TEST(l3["moe"] == true);
  BOOST_TEST(l3["ops"][0]["name"] == "input_norm");
  BOOST_TEST(l3["ops"][0].contains("roofline_s"));
  BOOST_TEST(j["roofline"]["decode"]["bound"] == "memory");   // batch 1 decode
  // 1024 tokens spread over 256 experts give each ~32 rows: still weight-bandwidth bound.
  BOOST_TEST(j["roofline"]["prefill"]["bound"] == "memory");
  // A dense 8B model's 1024-token prefill does 1024 rows per weight: compute bound.
  const Analysis dense = summarize(llama3_8b(), o, h100());
  BOOST_TEST((dense.prefill_roofline->bound == Bound::Compute));
  BOOST_TEST((dense.decode_roofline->bound == Bound::Memory));
  // Decode at batch 1 streams every weight but the embedding table (one row is gathered):
  // about 4.5 ms per token at 3.35 TB/s, plus a little for activations and the KV cache.
  const double streamed = 2.0 * (8030261248.0 - 128256.0 * 4096) / 3350e9;
  BOOST_TEST(dense.decode_roofline->time_s > streamed);
  BOOST_TEST(dense.decode_roofline->time_s < 1.05 * streamed);
  // Per-token FLOPs: the decode step at batch 1 is an exact integer.
  BOOST_TEST(j["flops"]["decode_per_token"].is_number_unsigned());
  BOOST_TEST(a.flops.decode_per_token > 2.0 * 37552297472.0);  // 2·active plus attention
}

BOOST_AUTO_TEST_CASE(per_component_flops_sum_to_the_plan) {
  AnalysisOptions o;
  o.context = 300;
  o.batch = 4;
  const Analysis a = summarize(mixtral_8x7b(), o);
  uint64_t prefill = 0, decode = 0;
  for (const ComponentFigures& f : a.components) {
    prefill += f.prefill_flops;
    decode += f.decode_flops;
  }
  BOOST_TEST(prefill == a.flops.prefill_total);
  BOOST_TEST(decode == a.flops.decode_step);
  BOOST_TEST(a.flops.prefill_per_token == double(a.flops.prefill_total) / (300.0 * 4));
  BOOST_TEST(a.flops.decode_per_token == double(a.flops.decode_step) / 4);
}

BOOST_AUTO_TEST_CASE(moe_weight_traffic_counts_expected_distinct_experts) {
  const ModelConfig c = deepseek_v3();
  const double per_expert = 3.0 * 7168 * 2048 * 2;  // bf16
  for (int64_t batch : {1, 16, 256}) {
    PlanOptions o;
    o.phase = Phase::Decode;
    o.context = 10;
    o.batch = batch;
    const Plan p = build_plan(c, o);
    const Op& experts = find(p.layers[3], "experts");
    const double touched = 256.0 * (1.0 - std::pow(1.0 - 8.0 / 256.0, double(batch)));
    const double activations = double(batch) * 8 * 7168 * 2;  // each token's input per expert
    BOOST_TEST_CONTEXT("batch " << batch) {
      BOOST_TEST(double(experts.bytes_read) == touched * per_expert + activations,
                 boost::test_tools::tolerance(1e-9));
    }
  }
  PlanOptions one;
  one.phase = Phase::Decode;
  one.context = 10;
  // Batch 1: exactly top_k = 8 experts are read.
  BOOST_TEST(find(build_plan(c, one).layers[3], "experts").bytes_read ==
             8ull * 3 * 7168 * 2048 * 2 + 8 * 7168 * 2);
}

BOOST_AUTO_TEST_CASE(bad_options_name_the_field) {
  AnalysisOptions o;
  o.context = 0;
  try {
    summarize(llama3_8b(), o);
    BOOST_FAIL("no error");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "options.context");
  }
  PlanOptions p;
  p.batch = 0;
  BOOST_CHECK_THROW(build_plan(llama3_8b(), p), Error);
  // 2^40 tokens of prefill: attention FLOPs pass 2^64 and are counted (FlopCount), not refused.
  PlanOptions huge;
  huge.phase = Phase::Prefill;
  huge.tokens = int64_t(1) << 40;
  BOOST_TEST(totals(build_plan(llama3_8b(), huge)).flops > 18446744073709551616.0L);
  // Bytes beyond 16 EiB (2^12 sequences of 2^40 tokens) are a typed error, not a wrap.
  huge.batch = int64_t(1) << 12;
  try {
    build_plan(llama3_8b(), huge);
    BOOST_FAIL("no error");
  } catch (const Error& e) {
    BOOST_TEST(e.message().find("does not fit in 64 bits") != std::string::npos, e.message());
  }
  // So is a batch × tokens product past int64.
  huge.batch = int64_t(1) << 40;
  BOOST_CHECK_THROW(build_plan(llama3_8b(), huge), Error);
}

BOOST_AUTO_TEST_CASE(analysis_survives_copies) {
  AnalysisOptions o;
  o.context = 64;
  Analysis copy;
  {
    const Analysis a = summarize(llama3_8b(), o);
    copy = a;
  }
  // The plans' rope pointers point into the shared config, alive after the original is gone.
  BOOST_TEST(copy.decode.layers[0].spec.rope->theta == 500000.0);
}

BOOST_AUTO_TEST_SUITE_END()
