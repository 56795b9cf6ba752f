#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "store/run_store.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;

namespace {

// Two steps (prefill, one decode) of a 2-layer model with prologue (-1) and epilogue (2).
void write_sample_records(store::RunStore& s, int64_t run) {
  store::RunWriter w = s.writer(run);
  for (int64_t step = 0; step < 2; ++step) {
    w.add(span(step, -1, "embed", "embedding", 10));
    for (int32_t layer = 0; layer < 2; ++layer) {
      w.add(span(step, layer, "q_proj", "matmul", 100));
      w.add(span(step, layer, "attn_scores", "attention", 50));
    }
    w.add(span(step, 2, "lm_head", "matmul", 200));
    StepRecord r;
    r.step = step;
    r.phase = step == 0 ? Phase::Prefill : Phase::Decode;
    r.tokens = step == 0 ? 14 : 2;
    r.start_ns = step * 1000;
    r.duration_ns = step == 0 ? 7000 : 1000;
    r.kv_allocated_bytes = 1u << 20;
    r.kv_used_bytes = 4096 * uint64_t(step + 1);
    r.kv_used_by_kind = {{"full", 3072 * uint64_t(step + 1)}, {"sliding", 1024}};
    r.context_tokens = 7 + step;
    w.add(r);
    w.add(ExpertCountRecord{step, 1, {3, 0, 9, 2}});
    w.add(ActivationRecord{step, 0, 1.5, true, ""});
    w.add(ActivationRecord{step, 1, std::numeric_limits<double>::quiet_NaN(), false, "attn_scores"});
  }
  w.finish(RunStatus::Complete);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_records)

BOOST_AUTO_TEST_CASE(run_info_round_trip_and_finish) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  RunInfo in = sample_run("first");
  in.started_at = "2026-11-25T13:05:00Z";
  const int64_t id = s.create_run(in);
  RunInfo out = s.get_run(id);
  BOOST_TEST(out.id == id);
  BOOST_TEST(out.name == "first");
  BOOST_TEST(out.started_at == in.started_at);
  BOOST_TEST(out.finished_at.empty());
  BOOST_TEST(out.config_json == in.config_json);
  BOOST_TEST(out.device == in.device);
  BOOST_TEST(out.weights_dtype == "f32");
  BOOST_TEST(out.kv_dtype == "f16");
  BOOST_TEST(out.batch == 2);
  BOOST_TEST(out.prompt_tokens == 7);
  BOOST_TEST(out.new_tokens == 3);
  BOOST_TEST(out.threads == 2);
  BOOST_TEST(out.git_revision == "abc1234");
  BOOST_TEST((out.status == RunStatus::Running));

  s.finish_run(id, RunStatus::Failed, "out of memory");
  out = s.get_run(id);
  BOOST_TEST((out.status == RunStatus::Failed));
  BOOST_TEST(out.failure == "out of memory");
  BOOST_TEST(!out.finished_at.empty());
  BOOST_CHECK_THROW(s.finish_run(id, RunStatus::Running), Error);
}

BOOST_AUTO_TEST_CASE(list_runs_newest_first_and_missing_ids) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  RunInfo a = sample_run("older");
  a.started_at = "2026-01-01T00:00:00Z";
  RunInfo b = sample_run("newer");
  b.started_at = "2026-02-01T00:00:00Z";
  s.create_run(b);
  s.create_run(a);
  auto runs = s.list_runs();
  BOOST_REQUIRE(runs.size() == 2u);
  BOOST_TEST(runs[0].name == "newer");
  BOOST_TEST(runs[1].name == "older");
  try {
    s.get_run(999);
    BOOST_FAIL("unknown id");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::NotFound));
  }
  BOOST_CHECK_THROW(s.load_spans(999), Error);
  BOOST_CHECK_THROW(s.delete_run(999), Error);
  BOOST_CHECK_THROW(s.finish_run(999, RunStatus::Complete), Error);
  BOOST_CHECK_THROW(s.writer(999), Error);
}

BOOST_AUTO_TEST_CASE(records_round_trip) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  const int64_t run = s.create_run(sample_run());
  write_sample_records(s, run);

  auto spans = s.load_spans(run);
  BOOST_REQUIRE(spans.size() == 12u);
  BOOST_TEST(spans[0].op == "embed");
  BOOST_TEST(spans[0].layer == -1);
  BOOST_TEST(spans[2].op == "attn_scores");
  BOOST_TEST(spans[2].kind == "attention");
  BOOST_TEST(spans[5].op == "lm_head");
  BOOST_TEST((spans[6].phase == Phase::Decode));
  BOOST_TEST(spans[6].start_ns == 1000000 - 1000);
  BOOST_TEST(spans[3].flops == 1001u);
  BOOST_TEST(spans[7].bytes == 2001u);

  store::SpanFilter by_step;
  by_step.step = 1;
  BOOST_TEST(s.load_spans(run, by_step).size() == 6u);
  store::SpanFilter by_layer;
  by_layer.layer = 1;
  auto layer1 = s.load_spans(run, by_layer);
  BOOST_TEST(layer1.size() == 4u);
  for (const auto& sp : layer1) BOOST_TEST(sp.layer == 1);
  store::SpanFilter by_kind;
  by_kind.kind = "matmul";
  auto matmuls = s.load_spans(run, by_kind);
  BOOST_TEST(matmuls.size() == 6u);
  for (const auto& sp : matmuls) BOOST_TEST(sp.kind == "matmul");

  auto steps = s.load_steps(run);
  BOOST_REQUIRE(steps.size() == 2u);
  BOOST_TEST((steps[0].phase == Phase::Prefill));
  BOOST_TEST(steps[1].tokens == 2);
  BOOST_TEST(steps[1].kv_used_bytes == 8192u);
  BOOST_TEST(steps[1].kv_used_by_kind.at("full") == 6144u);
  BOOST_TEST(steps[1].kv_used_by_kind.at("sliding") == 1024u);
  BOOST_TEST(steps[1].context_tokens == 8);

  auto experts = s.load_expert_counts(run);
  BOOST_REQUIRE(experts.size() == 2u);
  BOOST_TEST(experts[1].layer == 1);
  BOOST_TEST(experts[1].tokens_per_expert == (std::vector<int64_t>{3, 0, 9, 2}));

  auto acts = s.load_activations(run);
  BOOST_REQUIRE(acts.size() == 4u);
  BOOST_TEST(acts[0].rms == 1.5);
  BOOST_TEST(acts[0].finite);
  BOOST_TEST(std::isnan(acts[1].rms));
  BOOST_TEST(!acts[1].finite);
  BOOST_TEST(acts[1].first_bad_op == "attn_scores");
}

BOOST_AUTO_TEST_CASE(unsigned_counters_above_int64_survive) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  const int64_t run = s.create_run(sample_run());
  SpanRecord sp = span(0, 0, "q_proj", "matmul", 1);
  sp.flops = std::numeric_limits<uint64_t>::max() - 5;
  {
    store::RunWriter w = s.writer(run);
    w.add(sp);
    w.finish(RunStatus::Complete);
  }
  BOOST_TEST(s.load_spans(run).at(0).flops == sp.flops);
}

BOOST_AUTO_TEST_CASE(aggregates_for_compare_view) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  const int64_t run = s.create_run(sample_run());
  write_sample_records(s, run);

  auto layers = s.layer_times(run);
  BOOST_REQUIRE(layers.size() == 8u);  // layers -1, 0, 1, 2 x two phases
  BOOST_TEST(layers[0].layer == -1);
  BOOST_TEST((layers[0].phase == Phase::Prefill));
  BOOST_TEST(layers[2].layer == 0);
  BOOST_TEST(layers[2].total_ns == 150);
  BOOST_TEST(layers[2].spans == 2);

  auto kinds = s.kind_times(run);
  BOOST_REQUIRE(kinds.size() == 6u);  // matmul, attention, embedding x two phases
  BOOST_TEST(kinds[0].kind == "matmul");  // prefill, largest time first
  BOOST_TEST((kinds[0].phase == Phase::Prefill));
  BOOST_TEST(kinds[0].total_ns == 400);
  BOOST_TEST(kinds[0].spans == 3);
  BOOST_TEST(kinds[0].flops == 3003u);  // 1000 + layer, for layers 0, 1 and 2
  BOOST_TEST((kinds[3].phase == Phase::Decode));

  auto tp = s.throughput(run);
  BOOST_TEST(tp.prefill.tokens == 14);
  BOOST_TEST(tp.prefill.tokens_per_s == 2e6);
  BOOST_TEST(tp.decode.steps == 1);
  BOOST_TEST(tp.decode.tokens_per_s == 2e6);
}

BOOST_AUTO_TEST_CASE(delete_cascades_to_every_table) {
  TempDir dir;
  auto path = dir / "runs.db";
  store::RunStore s = store::RunStore::open(path);
  const int64_t gone = s.create_run(sample_run("gone"));
  const int64_t kept = s.create_run(sample_run("kept"));
  write_sample_records(s, gone);
  write_sample_records(s, kept);
  s.delete_run(gone);
  BOOST_CHECK_THROW(s.get_run(gone), Error);
  BOOST_TEST(s.load_spans(kept).size() == 12u);
  BOOST_TEST(s.load_steps(kept).size() == 2u);

  RawDb raw(path);
  for (const char* table : {"span_blocks", "steps", "step_kv", "expert_counts", "activations"}) {
    BOOST_TEST(raw.integer(std::string("SELECT count(*) FROM ") + table + " WHERE run_id = " +
                           std::to_string(gone)) == 0, table);
    BOOST_TEST(raw.integer(std::string("SELECT count(*) FROM ") + table + " WHERE run_id = " +
                           std::to_string(kept)) > 0, table);
  }
  // The `spans` view expands blocks into one row per span for ad-hoc SQL.
  BOOST_TEST(raw.integer("SELECT count(*) FROM spans WHERE run_id = " + std::to_string(kept)) == 12);
}

BOOST_AUTO_TEST_CASE(failed_batch_is_reported_and_not_retried) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  const int64_t run = s.create_run(sample_run());
  store::RunWriter w = s.writer(run);
  w.add(ActivationRecord{0, 0, 1.0, true, ""});
  w.add(ActivationRecord{0, 0, 2.0, true, ""});  // same (step, layer): primary key violation
  try {
    w.flush();
    BOOST_FAIL("duplicate key must fail");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
  }
  w.add(ActivationRecord{1, 0, 3.0, true, ""});
  w.finish(RunStatus::Complete);
  auto acts = s.load_activations(run);
  BOOST_REQUIRE(acts.size() == 1u);
  BOOST_TEST(acts[0].rms == 3.0);
}

BOOST_AUTO_TEST_SUITE_END()
