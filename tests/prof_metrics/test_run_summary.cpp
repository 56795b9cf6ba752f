#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "metrics/percentile.hpp"
#include "metrics/run_summary.hpp"
#include "metrics/span_rate.hpp"

using namespace archscope;
using namespace archscope::prof;
namespace tt = boost::test_tools;

namespace {

StepRecord step(int64_t n, Phase phase, int64_t tokens, int64_t start_ns, int64_t duration_ns) {
  StepRecord s;
  s.step = n;
  s.phase = phase;
  s.tokens = tokens;
  s.start_ns = start_ns;
  s.duration_ns = duration_ns;
  return s;
}

SpanRecord span(int64_t st, Phase phase, int32_t layer, const char* op, const char* kind,
                int64_t duration_ns, uint64_t flops, uint64_t bytes) {
  SpanRecord s;
  s.step = st;
  s.phase = phase;
  s.layer = layer;
  s.op = op;
  s.kind = kind;
  s.duration_ns = duration_ns;
  s.flops = flops;
  s.bytes = bytes;
  return s;
}

ActivationRecord activation(int64_t st, int32_t layer, bool finite, const char* op) {
  ActivationRecord a;
  a.step = st;
  a.layer = layer;
  a.rms = finite ? 1.0 : std::numeric_limits<double>::quiet_NaN();
  a.finite = finite;
  a.first_bad_op = op;
  return a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_run_summary)

BOOST_AUTO_TEST_CASE(percentiles_interpolate_between_ranks) {
  const std::vector<double> x = {4, 1, 3, 2};
  BOOST_TEST(percentile(x, 0.0) == 1.0);
  BOOST_TEST(percentile(x, 1.0) == 4.0);
  BOOST_TEST(percentile(x, 0.5) == 2.5);                        // h = 1.5 between 2 and 3
  BOOST_TEST(percentile(x, 0.9) == 3.7, tt::tolerance(1e-12));  // h = 2.7: 3 + 0.7 x 1
  BOOST_TEST(percentile({7.0}, 0.9) == 7.0);
  BOOST_TEST(percentile({}, 0.5) == 0.0);
  BOOST_CHECK_THROW(percentile(x, 1.5), Error);
}

BOOST_AUTO_TEST_CASE(span_rates) {
  // 2e6 FLOP in 1000 ns = 2e12 FLOP/s = 2000 GFLOP/s; 1e6 B in 1000 ns = 1000 GB/s.
  const SpanRate r =
      span_rate(span(0, Phase::Prefill, 0, "q_proj", "matmul", 1000, 2000000, 1000000));
  BOOST_TEST(r.gflop_per_s == 2000.0);
  BOOST_TEST(r.gb_per_s == 1000.0);
  const SpanRate zero = span_rate(span(0, Phase::Prefill, 0, "q_proj", "matmul", 0, 5, 5));
  BOOST_TEST(zero.gflop_per_s == 0.0);
  BOOST_TEST(zero.gb_per_s == 0.0);
}

BOOST_AUTO_TEST_CASE(prefill_and_decode_figures) {
  // Prefill: 8 tokens in 4 ms -> 2000 tokens/s.
  // Decode: 4 steps of one token, 10, 12, 11, 20 ms -> mean 53 / 4 = 13.25 ms;
  // sorted 10, 11, 12, 20: p50 at h = 1.5 -> 11.5; p90 at h = 2.7 -> 12 + 0.7 x 8 = 17.6;
  // throughput 4 tokens / 53 ms = 75.4716981... tokens/s.
  const std::vector<StepRecord> steps = {
      step(0, Phase::Prefill, 8, 0, 4000000),        step(1, Phase::Decode, 1, 4000000, 10000000),
      step(2, Phase::Decode, 1, 14000000, 12000000), step(3, Phase::Decode, 1, 26000000, 11000000),
      step(4, Phase::Decode, 1, 37000000, 20000000),
  };
  const std::vector<SpanRecord> spans = {
      span(0, Phase::Prefill, 0, "q_proj", "matmul", 1000, 2000000, 1000000),
      span(0, Phase::Prefill, 0, "attn", "attention", 500, 500000, 250000),
      span(0, Phase::Prefill, 1, "q_proj", "matmul", 1500, 1500000, 500000),
      span(1, Phase::Decode, 0, "q_proj", "matmul", 100, 1000, 4000),
      span(1, Phase::Decode, 2, "head", "matmul", 300, 3000, 8000),
  };
  const RunSummary s = summarize(steps, spans, {});
  BOOST_TEST(s.prefill_steps == 1);
  BOOST_TEST(s.prefill_tokens == 8);
  BOOST_TEST(s.prefill_ns == 4000000);
  BOOST_TEST(s.prefill_tokens_per_s == 2000.0, tt::tolerance(1e-12));
  BOOST_TEST(s.decode_steps == 4);
  BOOST_TEST(s.decode_tokens == 4);
  BOOST_TEST(s.decode_ns == 53000000);
  BOOST_TEST(s.decode_tokens_per_s == 4.0 / 0.053, tt::tolerance(1e-12));
  BOOST_TEST(s.decode_ms_per_token_mean == 13.25, tt::tolerance(1e-12));
  BOOST_TEST(s.decode_ms_per_token_p50 == 11.5, tt::tolerance(1e-12));
  BOOST_TEST(s.decode_ms_per_token_p90 == 17.6, tt::tolerance(1e-12));

  // Prefill spans: layer 0 = 1000 + 500, layer 1 = 1500; matmul 2500, attention 500.
  BOOST_TEST(s.prefill.spans == 3);
  BOOST_TEST(s.prefill.span_ns == 3000);
  BOOST_TEST(s.prefill.layer_ns.size() == 2u);
  BOOST_TEST(s.prefill.layer_ns.at(0) == 1500);
  BOOST_TEST(s.prefill.layer_ns.at(1) == 1500);
  BOOST_TEST(s.prefill.kind_ns.at("matmul") == 2500);
  BOOST_TEST(s.prefill.kind_ns.at("attention") == 500);
  // 4e6 FLOP over 3000 ns -> 1333.33 GFLOP/s; 1.75e6 B / 3000 ns -> 583.33 GB/s
  BOOST_TEST(s.prefill.flops == 4000000u);
  BOOST_TEST(s.prefill.gflop_per_s == 4000000.0 / 3000.0, tt::tolerance(1e-12));
  BOOST_TEST(s.prefill.gb_per_s == 1750000.0 / 3000.0, tt::tolerance(1e-12));
  // Decode spans are kept apart: layers 0 and 2 (the epilogue here), all matmul;
  // 4000 FLOP / 400 ns = 10 GFLOP/s, 12000 B / 400 ns = 30 GB/s.
  BOOST_TEST(s.decode.layer_ns.at(0) == 100);
  BOOST_TEST(s.decode.layer_ns.at(2) == 300);
  BOOST_TEST(s.decode.kind_ns.size() == 1u);
  BOOST_TEST(s.decode.kind_ns.at("matmul") == 400);
  BOOST_TEST(s.decode.gflop_per_s == 10.0, tt::tolerance(1e-12));
  BOOST_TEST(s.decode.gb_per_s == 30.0, tt::tolerance(1e-12));
  BOOST_TEST(!s.first_nan.has_value());
}

BOOST_AUTO_TEST_CASE(no_decode_steps_gives_zeros_not_nan) {
  const RunSummary s = summarize({step(0, Phase::Prefill, 8, 0, 0)}, {}, {});
  BOOST_TEST(s.decode_steps == 0);
  BOOST_TEST(s.decode_ms_per_token_mean == 0.0);
  BOOST_TEST(s.decode_ms_per_token_p90 == 0.0);
  BOOST_TEST(s.decode_tokens_per_s == 0.0);
  BOOST_TEST(s.prefill_tokens_per_s == 0.0);  // zero duration: no rate
  BOOST_TEST(s.prefill.gflop_per_s == 0.0);
}

BOOST_AUTO_TEST_CASE(first_nan_is_earliest_step_then_layer) {
  // Records arrive out of order; step 2 layer 3 precedes step 2 layer 5 and step 3 layer 0.
  const std::vector<ActivationRecord> acts = {
      activation(1, 7, true, ""),        activation(2, 5, false, "experts"),
      activation(3, 0, false, "q_proj"), activation(2, 3, false, "attn_out"),
      activation(2, 4, true, ""),
  };
  const auto nan = first_nan(acts);
  BOOST_REQUIRE(nan.has_value());
  BOOST_TEST(nan->step == 2);
  BOOST_TEST(nan->layer == 3);
  BOOST_TEST(nan->op == "attn_out");
  BOOST_TEST((summarize({}, {}, acts).first_nan == nan));
  BOOST_TEST(!first_nan({activation(0, 0, true, "")}).has_value());
}

// A decode step of a batch of B sequences makes B tokens: its time is the step latency, and per
// generated token it is B times shorter. The figures follow from the step durations alone.
BOOST_AUTO_TEST_CASE(per_step_and_per_token_at_batch_2_and_3) {
  for (const int64_t b : {int64_t{2}, int64_t{3}}) {
    // Prefill of B x 8 tokens in 4 ms; decode steps of 10, 12, 11, 20 ms, B tokens each.
    const std::vector<StepRecord> steps = {
        step(0, Phase::Prefill, 8 * b, 0, 4000000),
        step(1, Phase::Decode, b, 4000000, 10000000),
        step(2, Phase::Decode, b, 14000000, 12000000),
        step(3, Phase::Decode, b, 26000000, 11000000),
        step(4, Phase::Decode, b, 37000000, 20000000),
    };
    const RunSummary s = summarize(steps, {}, {});
    const double bd = static_cast<double>(b);
    BOOST_TEST(s.tokens_per_decode_step == b);
    BOOST_TEST(s.decode_ms_per_step_mean == 13.25, tt::tolerance(1e-12));  // 53 ms / 4 steps
    BOOST_TEST(s.decode_ms_per_step_p50 == 11.5, tt::tolerance(1e-12));
    BOOST_TEST(s.decode_ms_per_step_p90 == 17.6, tt::tolerance(1e-12));
    BOOST_TEST(s.decode_ms_per_token_mean == 13.25 / bd, tt::tolerance(1e-12));
    BOOST_TEST(s.decode_ms_per_token_p50 == 11.5 / bd, tt::tolerance(1e-12));
    BOOST_TEST(s.decode_ms_per_token_p90 == 17.6 / bd, tt::tolerance(1e-12));
    BOOST_TEST(s.decode_ms_per_token_mean * bd == s.decode_ms_per_step_mean, tt::tolerance(1e-12));
    // 4B tokens in 53 ms, and the same figure from the per-token time.
    BOOST_TEST(s.decode_tokens_per_s == 4 * bd / 0.053, tt::tolerance(1e-12));
    BOOST_TEST(s.decode_tokens_per_s * s.decode_ms_per_token_mean == 1000.0, tt::tolerance(1e-12));
    BOOST_TEST(s.prefill_tokens_per_s == 8 * bd / 0.004, tt::tolerance(1e-12));
  }
}

// Three measured passes (--repeat 3): the headline figures are medians over the passes, the
// percentiles pool every decode step. A cold first pass does not move the median.
BOOST_AUTO_TEST_CASE(repeated_passes_report_medians) {
  std::vector<StepRecord> steps;
  int64_t n = 0;
  // pass: prefill ms, decode step ms x2
  const double passes[3][3] = {{40, 30, 30}, {4, 10, 12}, {5, 11, 13}};
  for (const auto& p : passes) {
    steps.push_back(step(n++, Phase::Prefill, 8, 0, static_cast<int64_t>(p[0] * 1e6)));
    steps.push_back(step(n++, Phase::Decode, 2, 0, static_cast<int64_t>(p[1] * 1e6)));
    steps.push_back(step(n++, Phase::Decode, 2, 0, static_cast<int64_t>(p[2] * 1e6)));
  }
  const auto ranges = passes_of(steps);
  BOOST_TEST_REQUIRE(ranges.size() == 3u);
  BOOST_TEST(ranges[1].begin == 3u);
  BOOST_TEST(ranges[1].end == 6u);
  const RunSummary s = summarize(steps, {}, {});
  BOOST_TEST(s.passes == 3);
  BOOST_TEST(s.prefill_steps == 3);
  BOOST_TEST(s.decode_steps == 6);
  BOOST_TEST(s.prefill_ms == 5.0, tt::tolerance(1e-12));                  // median of 40, 4, 5
  BOOST_TEST(s.prefill_tokens_per_s == 8 / 0.005, tt::tolerance(1e-12));  // median of the rates
  BOOST_TEST(s.decode_ms_per_step_mean == 12.0, tt::tolerance(1e-12));    // median of 30, 11, 12
  BOOST_TEST(s.decode_ms_per_token_mean == 6.0, tt::tolerance(1e-12));
  BOOST_TEST(s.decode_tokens_per_s == 4 / 0.024, tt::tolerance(1e-12));  // 4 tokens in 24 ms
  // p50 over the six steps 10 11 12 13 30 30: between 12 and 13.
  BOOST_TEST(s.decode_ms_per_step_p50 == 12.5, tt::tolerance(1e-12));
  // Span time per step: the prefill per pass, decode per decode step.
  BOOST_TEST(per_step_ns(s, Phase::Prefill, 300) == 100.0);
  BOOST_TEST(per_step_ns(s, Phase::Decode, 300) == 50.0);
}

// A sampled CUPTI run (`run --cupti-sample 2`): spans in the prefill and in decode steps 1 and 3
// of 4. Span time per decode step is over those 2 steps, not the 4.
BOOST_AUTO_TEST_CASE(span_figures_per_step_count_the_steps_with_spans) {
  std::vector<StepRecord> steps = {step(0, Phase::Prefill, 8, 0, 10'000'000)};
  for (int64_t n = 1; n <= 4; ++n) steps.push_back(step(n, Phase::Decode, 1, 0, 2'000'000));
  std::vector<SpanRecord> spans = {span(0, Phase::Prefill, 0, "q_proj", "matmul", 6'000'000, 0, 0)};
  for (int64_t n : {1, 3})
    spans.push_back(span(n, Phase::Decode, 0, "q_proj", "matmul", 700'000, 0, 0));
  const RunSummary s = summarize(steps, spans, {});
  BOOST_TEST(s.decode_steps == 4);
  BOOST_TEST(s.decode.steps_with_spans == 2);
  BOOST_TEST(s.prefill.steps_with_spans == 1);
  BOOST_TEST(per_step_ns(s, Phase::Decode, s.decode.layer_ns.at(0)) == 700'000.0);
  BOOST_TEST(per_step_ns(s, Phase::Prefill, s.prefill.layer_ns.at(0)) == 6'000'000.0);
}

BOOST_AUTO_TEST_CASE(consecutive_prefill_steps_are_one_prefill) {
  // A chunked prefill (two prefill steps) then decode: one pass, its prefill summed.
  const std::vector<StepRecord> steps = {step(0, Phase::Prefill, 4, 0, 1000000),
                                         step(1, Phase::Prefill, 4, 0, 3000000),
                                         step(2, Phase::Decode, 1, 0, 2000000)};
  const RunSummary s = summarize(steps, {}, {});
  BOOST_TEST(s.passes == 1);
  BOOST_TEST(s.prefill_steps == 2);
  BOOST_TEST(s.prefill_ms == 4.0, tt::tolerance(1e-12));
  BOOST_TEST(s.prefill_tokens_per_s == 2000.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
