// The comparison model (views/compare) directly, one test per rule: the same per-step means for
// runs of different lengths, batch / prompt / new columns, "n/a" for figures that do not apply
// (expert imbalance of a dense model), which way is better, a row missing from the baseline never
// compared to 0, and no percentage against a zero baseline. Inputs are hand-made summaries.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "compare/comparison.hpp"
#include "compare/comparison_render.hpp"

using namespace archscope;
using namespace archscope::views::compare;
namespace tt = boost::test_tools;

namespace {

constexpr auto P = prof::Phase::Prefill;
constexpr auto D = prof::Phase::Decode;

prof::StepRecord step(int64_t n, prof::Phase phase, int64_t tokens, int64_t ns) {
  prof::StepRecord r;
  r.step = n;
  r.phase = phase;
  r.tokens = tokens;
  r.duration_ns = ns;
  r.kv_used_bytes = 1536;
  r.kv_allocated_bytes = 2 * 1024 * 1024;
  return r;
}

// A run of `passes` x (prefill + `decode` steps), each decode step `decode_ns` long at batch
// `batch`, with span time `layer_ns` per layer per decode step and per prefill.
RunFigures run(int64_t id, bool moe, int64_t batch, int64_t decode, int64_t passes,
               int64_t decode_ns, std::vector<int32_t> layers, int64_t layer_ns) {
  prof::RunInfo info;
  info.id = id;
  info.name = "run" + std::to_string(id);
  info.model = moe ? "moe" : "dense";
  info.config_json =
      std::string(R"({"n_layers": 3)") + (moe ? R"(, "moe": {"experts": 4})" : "") + "}";
  info.batch = batch;
  info.prompt_tokens = 8;
  info.new_tokens = decode;
  std::vector<prof::StepRecord> steps;
  std::vector<prof::SpanRecord> spans;
  std::vector<prof::ExpertCountRecord> experts;
  int64_t n = 0;
  for (int64_t p = 0; p < passes; ++p) {
    for (int32_t l : layers) spans.push_back({n, P, l, "q_proj", "matmul", 0, layer_ns, 0, 0});
    steps.push_back(step(n++, P, 8 * batch, 1000000));
    for (int64_t d = 0; d < decode; ++d) {
      for (int32_t l : layers) spans.push_back({n, D, l, "q_proj", "matmul", 0, layer_ns, 0, 0});
      if (moe) experts.push_back({n, 0, {3, 1, 0, 0}});
      steps.push_back(step(n++, D, batch, decode_ns));
    }
  }
  return run_figures(info, prof::summarize(steps, spans, {}), steps, experts);
}

const Row& row(const std::vector<Row>& rows, const std::string& key) {
  for (const Row& r : rows)
    if (r.key == key) return r;
  BOOST_FAIL("no row " << key);
  return rows.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(comparison_model)

// 4 decode steps in one pass against 10 decode steps in each of 3 passes, the same time per step:
// every per-step figure is equal, whatever the totals.
BOOST_AUTO_TEST_CASE(per_step_means_make_runs_of_different_lengths_equal) {
  const Comparison c = compare_runs({run(1, false, 1, 4, 1, 2000000, {0, 1, 2}, 500),
                                     run(2, false, 1, 10, 3, 2000000, {0, 1, 2}, 500)});
  for (const char* key : {"decode_ms_per_step_mean", "decode_ms_per_token_mean",
                          "decode_tokens_per_s", "prefill_ms"}) {
    const Row& r = row(c.figures, key);
    BOOST_TEST(r.cells[0].value == r.cells[1].value, tt::tolerance(1e-12));
    BOOST_TEST_REQUIRE(r.delta[1].has_value());
    BOOST_TEST(*r.delta[1]->pct == 0.0, tt::tolerance(1e-9));
  }
  // 500 ns per layer per step: 0.0005 ms, for the prefill (per pass) and decode (per step).
  BOOST_TEST(row(c.layers, "decode L001").cells[1].value == 0.0005, tt::tolerance(1e-12));
  BOOST_TEST(row(c.layers, "prefill L001").cells[1].value == 0.0005, tt::tolerance(1e-12));
  BOOST_TEST(row(c.kinds, "decode matmul").cells[1].value == 0.0015, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(per_token_is_per_step_over_the_batch) {
  const Comparison c = compare_runs(
      {run(1, false, 2, 4, 1, 3000000, {0}, 1), run(2, false, 3, 4, 1, 3000000, {0}, 1)});
  BOOST_TEST(row(c.figures, "decode_ms_per_step_mean").cells[0].value == 3.0, tt::tolerance(1e-12));
  BOOST_TEST(row(c.figures, "decode_ms_per_token_mean").cells[0].value == 1.5,
             tt::tolerance(1e-12));
  BOOST_TEST(row(c.figures, "decode_ms_per_token_mean").cells[1].value == 1.0,
             tt::tolerance(1e-12));
  BOOST_TEST(*row(c.figures, "decode_ms_per_token_mean").delta[1]->pct == -100.0 / 3,
             tt::tolerance(1e-9));
  BOOST_TEST(row(c.figures, "decode_tokens_per_s").cells[1].value == 1000.0, tt::tolerance(1e-12));
  BOOST_TEST(c.runs[0].batch == 2);
  BOOST_TEST(c.runs[1].batch == 3);
  BOOST_TEST(c.runs[1].prompt == 8);
  BOOST_TEST(c.runs[1].new_tokens == 4);
  // The text and JSON carry the batch, prompt and new columns.
  const std::string text = render_comparison_text(c);
  BOOST_TEST(text.find("batch") != std::string::npos);
  BOOST_TEST(text.find("prompt tokens") != std::string::npos);
  BOOST_TEST(text.find("new tokens") != std::string::npos);
  const nlohmann::json j = comparison_json(c);
  BOOST_TEST(j.at("runs")[1].at("batch") == 3);
  BOOST_TEST(j.at("runs")[1].at("new_tokens") == 4);
}

// A dense baseline against a MoE run: expert figures are n/a for the dense run (not 0), and the
// MoE run's value has no change (nothing to compare it with).
BOOST_AUTO_TEST_CASE(expert_figures_do_not_apply_to_a_dense_model) {
  const Comparison c = compare_runs(
      {run(1, false, 1, 2, 1, 1000000, {0}, 1), run(2, true, 1, 2, 1, 1000000, {0}, 1)});
  const Row& cv = row(c.figures, "expert_cv_mean");
  BOOST_TEST((cv.cells[0].state == Cell::State::NotApplicable));
  BOOST_TEST(cv.cells[1].has_value());
  // counts {3,1,0,0} twice: mean 2, population std sqrt(((6-2)^2 + (2-2)^2 + 2 x 4) / 4) = sqrt(6)
  BOOST_TEST(cv.cells[1].value == std::sqrt(6.0) / 2, tt::tolerance(1e-12));
  BOOST_TEST(!cv.delta[1].has_value());
  BOOST_TEST(format_cell(cv.unit, cv.cells[0]) == "n/a");
  const nlohmann::json j = comparison_json(c);
  for (const auto& f : j.at("figures"))
    if (f.at("key") == "expert_cv_mean") {
      BOOST_TEST(f.at("values")[0].is_null());
      BOOST_TEST(f.at("state")[0] == "n/a");
      BOOST_TEST(f.at("delta")[1].is_null());
    }
  const std::string text = render_comparison_text(c);
  BOOST_TEST(text.find("n/a") != std::string::npos);
  BOOST_TEST(text.find("(no baseline)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(which_way_is_better_is_marked) {
  const Comparison c = compare_runs(
      {run(1, false, 1, 2, 1, 1000000, {0}, 1), run(2, false, 1, 2, 1, 1000000, {0}, 1)});
  BOOST_TEST((row(c.figures, "decode_tokens_per_s").better == Better::Higher));
  BOOST_TEST((row(c.figures, "prefill_tokens_per_s").better == Better::Higher));
  for (const char* key : {"decode_ms_per_step_mean", "decode_ms_per_token_mean", "prefill_ms",
                          "kv_used_bytes", "expert_cv_mean"})
    BOOST_TEST((row(c.figures, key).better == Better::Lower), key);
  for (const Row& r : c.layers) BOOST_TEST((r.better == Better::Lower));
  BOOST_TEST(comparison_json(c).at("figures")[0].at("better") == "higher");
}

// The second model has a layer the baseline lacks: its row is compared with nothing, never 0.
BOOST_AUTO_TEST_CASE(a_row_missing_from_the_baseline_is_not_compared) {
  const Comparison c = compare_runs({run(1, false, 1, 2, 1, 1000000, {0, 1}, 100),
                                     run(2, false, 1, 2, 1, 1000000, {0, 1, 2}, 100)});
  const Row& extra = row(c.layers, "decode L002");
  BOOST_TEST((extra.cells[0].state == Cell::State::Missing));
  BOOST_TEST(extra.cells[1].has_value());
  BOOST_TEST(!extra.delta[1].has_value());
  BOOST_TEST(format_cell(extra.unit, extra.cells[0]) == "-");
  // And the other way round: a row only the baseline has leaves the other run's cell missing.
  const Comparison back = compare_runs({run(2, false, 1, 2, 1, 1000000, {0, 1, 2}, 100),
                                        run(1, false, 1, 2, 1, 1000000, {0, 1}, 100)});
  BOOST_TEST((row(back.layers, "decode L002").cells[1].state == Cell::State::Missing));
  BOOST_TEST(!row(back.layers, "decode L002").delta[1].has_value());
  // Layers in execution order within a phase: embed .. L000 .. head (here L000 < L001 < L002).
  BOOST_TEST(c.layers[0].key == "prefill L000");
}

BOOST_AUTO_TEST_CASE(no_percentage_against_a_zero_baseline) {
  const auto d = delta_of({Cell::State::Value, 0.0}, {Cell::State::Value, 5.0});
  BOOST_TEST_REQUIRE(d.has_value());
  BOOST_TEST(d->abs == 5.0);
  BOOST_TEST(!d->pct.has_value());
  BOOST_TEST(format_delta(Unit::Bytes, d) == "+5 B");
  BOOST_TEST(!delta_of({Cell::State::Missing, 0}, {Cell::State::Value, 1}).has_value());
  BOOST_TEST(format_value(Unit::Bytes, 2 * 1024 * 1024) == "2.00 MiB (2,097,152 B)");
}

// A run without decode steps (interrupted in its prefill) has no decode figures, not zeros.
BOOST_AUTO_TEST_CASE(a_run_without_decode_steps_has_missing_decode_figures) {
  const Comparison c = compare_runs(
      {run(1, false, 1, 0, 1, 1000000, {0}, 1), run(2, false, 1, 2, 1, 1000000, {0}, 1)});
  const Row& r = row(c.figures, "decode_ms_per_step_mean");
  BOOST_TEST((r.cells[0].state == Cell::State::Missing));
  BOOST_TEST(!r.delta[1].has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(comparison_backend)

// Two runs that differ only in their kernel variants: the backend (as the run recorded it) is a
// column of the comparison, in text and JSON, so the figures' changes can be attributed to it.
BOOST_AUTO_TEST_CASE(the_backend_with_its_kernel_variants_is_shown) {
  RunFigures a = run(1, false, 1, 4, 1, 2000000, {0, 1, 2}, 100000);
  RunFigures b = run(2, false, 1, 4, 1, 3000000, {0, 1, 2}, 100000);
  a.run.backend = "cuda:0";
  b.run.backend = "cuda:0 attention=naive,linear=auto,graphs=on,pdl=on";
  const Comparison c = compare_runs({a, b});
  BOOST_TEST(c.runs[1].backend == b.run.backend);
  const std::string text = render_comparison_text(c);
  BOOST_TEST(text.find("attention=naive") != std::string::npos, text);
  BOOST_TEST(comparison_json(c).at("runs")[1].at("backend") == b.run.backend);
}

BOOST_AUTO_TEST_SUITE_END()
