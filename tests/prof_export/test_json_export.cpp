#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <sstream>

#include "common/error.hpp"
#include "export/json_export.hpp"
#include "metrics/run_summary.hpp"
#include "prof_export/sample_run.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace prof_export_test;
using nlohmann::json;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(prof_json_export)

BOOST_AUTO_TEST_CASE(round_trip_through_text) {
  const RunData d = sample_run();
  std::stringstream io;
  write_run_json(io, d);
  const json j = json::parse(io.str());  // valid JSON even with a NaN rms in the records
  BOOST_TEST(j.at("format") == "archscope.run/1");
  for (const char* key : {"run", "steps", "spans", "expert_counts", "activations", "summary"})
    BOOST_TEST(j.contains(key), key);

  const RunData back = run_from_json(j);
  const RunInfo& r = back.run;
  BOOST_TEST(r.id == 42);
  BOOST_TEST(r.name == d.run.name);
  BOOST_TEST(r.config_json == d.run.config_json);
  BOOST_TEST(r.started_at == d.run.started_at);
  BOOST_TEST(r.finished_at == d.run.finished_at);
  BOOST_TEST(r.device == d.run.device);
  BOOST_TEST(r.threads == 2);
  BOOST_TEST(r.git_revision == "abc1234");
  BOOST_TEST((r.status == RunStatus::Complete));

  BOOST_REQUIRE(back.steps.size() == d.steps.size());
  for (size_t i = 0; i < d.steps.size(); ++i) {
    BOOST_TEST(back.steps[i].step == d.steps[i].step);
    BOOST_TEST((back.steps[i].phase == d.steps[i].phase));
    BOOST_TEST(back.steps[i].tokens == d.steps[i].tokens);
    BOOST_TEST(back.steps[i].start_ns == d.steps[i].start_ns);
    BOOST_TEST(back.steps[i].duration_ns == d.steps[i].duration_ns);
    BOOST_TEST(back.steps[i].kv_allocated_bytes == d.steps[i].kv_allocated_bytes);
    BOOST_TEST(back.steps[i].kv_used_bytes == d.steps[i].kv_used_bytes);
    BOOST_TEST((back.steps[i].kv_used_by_kind == d.steps[i].kv_used_by_kind));
    BOOST_TEST(back.steps[i].context_tokens == d.steps[i].context_tokens);
  }
  BOOST_REQUIRE(back.spans.size() == d.spans.size());
  for (size_t i = 0; i < d.spans.size(); ++i) {
    BOOST_TEST(back.spans[i].op == d.spans[i].op);
    BOOST_TEST(back.spans[i].kind == d.spans[i].kind);
    BOOST_TEST(back.spans[i].layer == d.spans[i].layer);
    BOOST_TEST((back.spans[i].phase == d.spans[i].phase));
    BOOST_TEST(back.spans[i].start_ns == d.spans[i].start_ns);
    BOOST_TEST(back.spans[i].duration_ns == d.spans[i].duration_ns);
    BOOST_TEST(back.spans[i].flops == d.spans[i].flops);
    BOOST_TEST(back.spans[i].bytes == d.spans[i].bytes);
  }
  BOOST_REQUIRE(back.expert_counts.size() == 2u);
  BOOST_TEST(back.expert_counts[0].tokens_per_expert == d.expert_counts[0].tokens_per_expert,
             tt::per_element());
  BOOST_TEST(back.expert_counts[1].step == 1);
  BOOST_REQUIRE(back.activations.size() == 4u);
  BOOST_TEST(back.activations[1].rms == 3.5);
  BOOST_TEST(std::isnan(back.activations[3].rms));  // written as null
  BOOST_TEST(!back.activations[3].finite);
  BOOST_TEST(back.activations[3].first_bad_op == "experts");
}

BOOST_AUTO_TEST_CASE(summary_matches_the_metrics) {
  const RunData d = sample_run();
  const json j = run_to_json(d, {.capacity_factor = 1.0, .indent = -1});
  const RunSummary s = summarize(d.steps, d.spans, d.activations);
  const json& js = j.at("summary");
  BOOST_TEST(js.at("prefill_tokens").get<int64_t>() == 4);
  // 4 tokens in 10 us -> 400000 tokens/s
  BOOST_TEST(js.at("prefill_tokens_per_s").get<double>() == 400000.0, tt::tolerance(1e-12));
  BOOST_TEST(js.at("decode_ms_per_token_p50").get<double>() == s.decode_ms_per_token_p50);
  BOOST_TEST(js.at("decode").at("kind_ns").at("matmul").get<int64_t>() == 333);
  BOOST_TEST(js.at("prefill").at("layer_ns")[0].at("layer").get<int>() == -1);
  BOOST_TEST(js.at("first_nan").at("layer").get<int>() == 1);
  BOOST_TEST(js.at("first_nan").at("op") == "experts");
  // Layer 1 experts: step 0 {3,1,2,2} capacity ceil(8 / 4) = 2 -> 1 dropped; step 1 {2,0,0,0}
  // capacity ceil(2 / 4) = 1 -> 1 dropped. Summed {5,1,2,2}.
  const json& load = js.at("expert_load");
  BOOST_REQUIRE(load.size() == 1u);
  BOOST_TEST(load[0].at("stats").at("dropped").get<int64_t>() == 2);
  BOOST_TEST(load[0].at("tokens_per_expert") == json({5, 1, 2, 2}));
  // Derived span rates: 4e6 FLOP / 2500 ns.
  BOOST_TEST(j.at("spans")[1].at("gflop_per_s").get<double>() == 1600.0);
}

BOOST_AUTO_TEST_CASE(reader_rejects_other_documents) {
  BOOST_CHECK_THROW(run_from_json(json::array()), Error);
  BOOST_CHECK_THROW(run_from_json(json{{"format", "archscope.model/1"}}), Error);
  json j = run_to_json(sample_run());
  j["spans"][2].erase("kind");
  try {
    run_from_json(j);
    BOOST_FAIL("span without kind accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Parse));
    BOOST_TEST(e.where() == "spans[2].kind");
  }
  j = run_to_json(sample_run());
  j["steps"][0]["phase"] = "warmup";
  BOOST_CHECK_THROW(run_from_json(j), Error);
  j = run_to_json(sample_run());
  j["run"]["status"] = "exploded";
  BOOST_CHECK_THROW(run_from_json(j), Error);
}

BOOST_AUTO_TEST_SUITE_END()
