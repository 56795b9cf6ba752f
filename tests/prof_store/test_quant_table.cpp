// The quant tables (schema kWeightsQuantVersion): a version-2 file opens, migrates and keeps its
// runs (weights_quant reads as ''), an `archscope quant` result round-trips, and deleting the run
// deletes its rows.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "store/quant_table.hpp"
#include "store/run_store.hpp"
#include "store/schema.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;

namespace {

quant::EvalResult sample_result() {
  quant::EvalResult r;
  r.model = "tiny-llama";
  r.tokens = 17;
  r.source_dtype = "fp32";
  r.source_bytes = 123456;
  r.source_perplexity = 9.25;
  quant::SchemeResult a;
  a.scheme = "q8_0";
  a.bits_per_weight = 8.5;
  a.quantized_bytes = 1000;
  a.total_bytes = 2000;
  a.tensors = {{"layers.0.self_attn.q_proj.weight", 0, 64, 2.0, 1e-4},
               {"layers.1.mlp.down_proj.weight", 1, 32, 1.0, 0.0}};  // ŵ = w: an infinite SQNR
  a.layer_rel_l2 = {0.01, 0.02};
  a.kl_mean = 1e-4;
  a.kl_max = 3e-3;
  a.kl_max_position = 5;
  a.top1_agreement = 0.9375;
  a.perplexity = 9.3;
  quant::SchemeResult b = a;
  b.scheme = "q4_0";
  b.bits_per_weight = 4.5;
  b.perplexity.reset();
  b.layer_rel_l2 = {0.1, 0.2};
  r.schemes = {a, b};
  r.outliers = {
      {0, "q_proj", 64, 4.0, 2.0}, {0, "experts@64", 64, 30.0, 3.0}, {1, "o_proj", 64, 1.0, 0.5}};
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_quant_table)

BOOST_AUTO_TEST_CASE(version_2_file_migrates_and_keeps_its_runs) {
  TempDir dir;
  auto path = dir / "v2.db";
  {
    RawDb raw(path);
    for (const store::Migration& m : store::migrations())
      if (m.to_version < store::kWeightsQuantVersion)
        BOOST_REQUIRE(raw.exec(std::string(m.sql)) == SQLITE_OK);
    BOOST_REQUIRE(raw.exec("PRAGMA application_id = " + std::to_string(store::kApplicationId) +
                           "; PRAGMA user_version = " +
                           std::to_string(store::kWeightsQuantVersion - 1)) == SQLITE_OK);
    BOOST_REQUIRE(
        raw.exec(
            "INSERT INTO runs (id, name, started_at, model, config_json, backend, device, "
            "weights_dtype,"
            " kv_dtype, batch, prompt_tokens, new_tokens, threads, version, git_revision, status,"
            " failure, writer_pid, writer_host, writer_boot_id, writer_start_ticks, warmup_passes,"
            " measured_passes, checks, prefill_chunk) VALUES (7, 'old', '2026-01-01T00:00:00Z', "
            "'m', '{}',"
            " 'cpu', 'd', 'bf16', 'fp32', 1, 4, 2, 1, '0.1.0', 'r', 'complete', '', 1, 'h', 'b', "
            "0, 1, 2, 1,"
            " 64)") == SQLITE_OK);
  }
  {
    // Read-only, the old file is read as it is: no quant tables, so no result.
    store::RunStore ro = store::RunStore::open_read_only(path);
    BOOST_TEST(ro.schema_version() == store::kWeightsQuantVersion - 1);
    BOOST_TEST(ro.get_run(7).weights_quant.empty());
    BOOST_TEST(!store::load_quant_result(ro, 7).has_value());
  }
  store::RunStore s = store::RunStore::open(path);
  BOOST_TEST(s.schema_version() == store::latest_schema_version());
  const RunInfo r = s.get_run(7);
  BOOST_TEST(r.name == "old");
  BOOST_TEST(r.weights_dtype == "bf16");
  BOOST_TEST(r.weights_quant.empty());
  BOOST_TEST(r.repeat == 2);
  BOOST_TEST(r.prefill_chunk == 64);
  BOOST_TEST(!store::load_quant_result(s, 7).has_value());  // a profiled run has no quant result
  // The migrated file takes new runs with a scheme and quant results.
  RunInfo q = sample_run("quant");
  q.weights_quant = "q8_0,q4_0";
  const int64_t id = s.create_run(q);
  BOOST_TEST(s.get_run(id).weights_quant == "q8_0,q4_0");
  store::save_quant_result(s, id, sample_result());
  BOOST_TEST(store::load_quant_result(s, id).has_value());
}

BOOST_AUTO_TEST_CASE(result_round_trips_and_goes_with_its_run) {
  TempDir dir;
  auto path = dir / "q.db";
  store::RunStore s = store::RunStore::open(path);
  const int64_t id = s.create_run(sample_run("quant"));
  const quant::EvalResult in = sample_result();
  store::save_quant_result(s, id, in);
  BOOST_CHECK_THROW(store::save_quant_result(s, id, in), Error);  // one result per run
  BOOST_CHECK_THROW(store::save_quant_result(s, id + 100, in), Error);
  const auto out = store::load_quant_result(s, id);
  BOOST_REQUIRE(out.has_value());
  BOOST_TEST(out->model == "tiny-llama");
  BOOST_TEST(out->tokens == 17);
  BOOST_TEST(out->source_bytes == 123456u);
  BOOST_REQUIRE(out->source_perplexity.has_value());
  BOOST_TEST(*out->source_perplexity == 9.25);
  BOOST_REQUIRE(out->schemes.size() == 2u);
  BOOST_TEST(out->schemes[0].scheme == "q8_0");  // in the order measured
  BOOST_TEST(out->schemes[1].scheme == "q4_0");
  const quant::SchemeResult& a = out->schemes[0];
  BOOST_TEST(a.bits_per_weight == 8.5);
  BOOST_TEST(a.total_bytes == 2000u);
  BOOST_TEST(a.kl_max_position == 5);
  BOOST_TEST(a.top1_agreement == 0.9375);
  BOOST_REQUIRE(a.perplexity.has_value());
  BOOST_TEST(!out->schemes[1].perplexity.has_value());
  BOOST_REQUIRE(a.tensors.size() == 2u);
  BOOST_TEST(a.tensors[0].name == "layers.0.self_attn.q_proj.weight");
  BOOST_TEST(a.tensors[0].sqnr_db() == 10 * std::log10(2.0 / 1e-4),
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(std::isinf(a.tensors[1].sqnr_db()));
  BOOST_TEST(out->schemes[1].layer_rel_l2 == std::vector<double>({0.1, 0.2}));
  BOOST_REQUIRE(out->outliers.size() == 3u);
  BOOST_TEST(out->outliers[1].op == "experts@64");
  BOOST_TEST(out->outliers[1].ratio() == 10.0);
  s.delete_run(id);
  RawDb raw(path);
  for (const char* t :
       {"quant_evals", "quant_schemes", "quant_tensors", "quant_layers", "quant_outliers"})
    BOOST_TEST(raw.integer(std::string("SELECT count(*) FROM ") + t) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
