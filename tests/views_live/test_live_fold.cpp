// The live fold (views/live) from canned event sequences: what the terminal view and the desktop
// app draw is a function of the events alone. Every figure below is worked out by hand from the
// events, not taken from an earlier run.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <limits>

#include "live/live_state.hpp"
#include "live/ring_buffer.hpp"

using namespace archscope;
using namespace archscope::views::live;
namespace tt = boost::test_tools;

namespace {

prof::RunStarted started(int64_t repeat, int64_t new_tokens, int64_t prompt, int64_t chunk = 0) {
  prof::RunStarted s;
  s.run.id = 7;
  s.run.name = "canned";
  s.run.model = "tiny";
  s.run.config_json = R"({"format":"archscope.model/1","n_layers":2})";
  s.run.batch = 2;
  s.run.prompt_tokens = prompt;
  s.run.new_tokens = new_tokens;
  s.run.repeat = repeat;
  s.run.prefill_chunk = chunk;
  return s;
}

prof::StepFinished step(int64_t n, prof::Phase phase, int64_t tokens, int64_t ns,
                        uint64_t kv_used) {
  prof::StepRecord r;
  r.step = n;
  r.phase = phase;
  r.tokens = tokens;
  r.duration_ns = ns;
  r.kv_used_bytes = kv_used;
  r.kv_allocated_bytes = 4096;
  r.kv_used_by_kind["full"] = kv_used;
  return {r};
}

prof::SpanRecord span(int64_t st, int32_t layer, const char* kind, int64_t ns) {
  prof::SpanRecord s;
  s.step = st;
  s.layer = layer;
  s.kind = kind;
  s.op = kind;
  s.duration_ns = ns;
  return s;
}

constexpr auto P = prof::Phase::Prefill;
constexpr auto D = prof::Phase::Decode;

}  // namespace

BOOST_AUTO_TEST_SUITE(live_fold)

BOOST_AUTO_TEST_CASE(ring_buffer_keeps_the_latest_values_oldest_first) {
  RingBuffer<int> r(3);
  BOOST_TEST(r.empty());
  for (int i = 1; i <= 5; ++i) r.push(i);
  BOOST_TEST(r.size() == 3u);
  BOOST_TEST(r.pushed() == 5u);
  BOOST_TEST(r[0] == 3);
  BOOST_TEST(r[1] == 4);
  BOOST_TEST(r[2] == 5);
  BOOST_TEST(r.back() == 5);
  r.clear();
  BOOST_TEST(r.empty());
}

// Two passes of a prefill (8 tokens x 2 sequences) and two decode steps each.
BOOST_AUTO_TEST_CASE(steps_throughput_and_layers_over_two_passes) {
  LiveFold fold(4);  // a history of four points: six steps overflow it
  fold.apply(started(2, 2, 8));
  const LiveState& s = fold.state();
  BOOST_TEST(s.started);
  BOOST_TEST(s.n_layers == 2);
  BOOST_TEST(s.total_steps == 6);  // 2 passes x (1 prefill + 2 decode)

  int64_t n = 0;
  const int64_t prefill_ns[2] = {16000000, 8000000};  // the cold first pass is slower
  for (int pass = 0; pass < 2; ++pass) {
    // Spans of the prefill in two batches (a long step may be flushed in pieces).
    fold.apply(prof::SpanBatch{{span(n, -1, "embedding", 100), span(n, 0, "matmul", 1000)}});
    fold.apply(prof::SpanBatch{
        {span(n, 0, "attention", 500), span(n, 1, "matmul", 2000), span(n, 2, "matmul", 50)}});
    fold.apply(step(n++, P, 16, prefill_ns[pass], 1024));
    BOOST_TEST(s.prefill_tokens_per_s() == 16 * 1e9 / static_cast<double>(prefill_ns[pass]),
               tt::tolerance(1e-12));
    for (int d = 0; d < 2; ++d) {
      fold.apply(prof::SpanBatch{{span(n, 0, "matmul", 100), span(n, 1, "matmul", 300)}});
      fold.apply(
          step(n++, D, 2, d == 0 ? 4000000 : 6000000, 1024 + 512 * static_cast<uint64_t>(d + 1)));
    }
  }
  BOOST_TEST(s.steps_done == 6);
  // Decode: 4 steps, 8 tokens in 20 ms -> 400 tokens/s, 5 ms per step, 2.5 ms per token.
  BOOST_TEST(s.decode.steps == 4);
  BOOST_TEST(s.decode_tokens_per_s() == 400.0, tt::tolerance(1e-12));
  BOOST_TEST(s.decode_ms_per_step() == 5.0, tt::tolerance(1e-12));
  BOOST_TEST(s.decode_ms_per_token() == 2.5, tt::tolerance(1e-12));
  BOOST_TEST(s.decode_ms_per_token() * s.run.batch == s.decode_ms_per_step(), tt::tolerance(1e-12));
  // The latest prefill is the second pass's, not the sum of both.
  BOOST_TEST(s.prefill_tokens_per_s() == 2000.0, tt::tolerance(1e-12));
  // The ring holds steps 2..5, oldest first.
  BOOST_TEST_REQUIRE(s.history.size() == 4u);
  BOOST_TEST(s.history[0].step == 2);
  BOOST_TEST(s.history.back().step == 5);
  BOOST_TEST(s.history.back().ms == 6.0, tt::tolerance(1e-12));
  BOOST_TEST(s.history.back().tokens_per_s == 2 / 0.006, tt::tolerance(1e-12));
  BOOST_TEST(s.last_step->kv_used_bytes == 2048u);
  BOOST_TEST(s.history[0].kv_used_by_kind.at("full") == 2048u);  // step 2: pass 1's second decode step
  BOOST_TEST(s.history[1].kv_used_by_kind.at("full") == 1024u);  // step 3: pass 2's prefill
  BOOST_TEST(s.kv_used_by_kind.at("full") == 2048u);
  // Per-layer time of the latest step (a decode step), stacked by kind.
  BOOST_TEST(s.layers_step == 5);
  BOOST_TEST((s.layers_phase == D));
  BOOST_TEST(s.layers.at(0).at("matmul") == 100);
  BOOST_TEST(s.layers.at(1).at("matmul") == 300);
  // Running sums for the per-step means: prefill layer 0 = 2 x (1000 + 500), decode layer 1 = 4 x
  // 300.
  BOOST_TEST(s.prefill.span_ns.at(0).at("matmul") == 2000);
  BOOST_TEST(s.prefill.span_ns.at(0).at("attention") == 1000);
  BOOST_TEST(s.prefill.span_ns.at(-1).at("embedding") == 200);
  BOOST_TEST(s.decode.span_ns.at(1).at("matmul") == 1200);
  BOOST_TEST(layer_label(-1, s.n_layers) == "embed");
  BOOST_TEST(layer_label(1, s.n_layers) == "L1");
  BOOST_TEST(layer_label(2, s.n_layers) == "head");
}

BOOST_AUTO_TEST_CASE(chunked_prefill_counts_its_steps_and_one_prefill) {
  LiveFold fold;
  fold.apply(started(1, 3, 10, 4));  // chunks of 4, 4, 2
  BOOST_TEST(fold.state().total_steps == 6);
  fold.apply(step(0, P, 8, 2000000, 0));
  fold.apply(step(1, P, 8, 2000000, 0));
  fold.apply(step(2, P, 4, 4000000, 0));
  BOOST_TEST(fold.state().prefill_tokens_per_s() == 20 / 0.008, tt::tolerance(1e-12));
  BOOST_TEST(fold.state().prefill.steps == 3);
}

BOOST_AUTO_TEST_CASE(spans_of_a_step_that_never_finished_are_not_counted) {
  LiveFold fold;
  fold.apply(started(1, 2, 4));
  fold.apply(prof::SpanBatch{{span(0, 0, "matmul", 1000)}});
  fold.apply(step(0, P, 8, 1000000, 0));
  fold.apply(prof::SpanBatch{{span(1, 0, "matmul", 777)}});  // step 1 was interrupted
  prof::RunFailed f;
  f.run = started(1, 2, 4).run;
  f.run.status = prof::RunStatus::Interrupted;
  f.reason = "interrupted during step 1";
  fold.apply(f);
  const LiveState& s = fold.state();
  BOOST_TEST(s.finished);
  BOOST_TEST((s.run.status == prof::RunStatus::Interrupted));
  BOOST_TEST(s.failure == "interrupted during step 1");
  BOOST_TEST(s.steps_done == 1);
  BOOST_TEST(s.layers_step == 0);
  BOOST_TEST(s.layers.at(0).at("matmul") == 1000);
  BOOST_TEST(s.decode.span_ns.empty());
}

BOOST_AUTO_TEST_CASE(progress_experts_activations_and_drops) {
  LiveFold fold;
  fold.apply(started(1, 1, 4));
  prof::StepProgress p;
  p.step = 0;
  p.layers_done = 1;
  p.layers = 2;
  fold.apply(p);
  BOOST_TEST_REQUIRE(fold.state().in_flight.has_value());
  BOOST_TEST(fold.state().in_flight->layers_done == 1);

  fold.apply(prof::ExpertCounts{{{0, 0, {3, 1, 0, 4}}, {0, 1, {2, 2, 2, 2}}}});
  fold.apply(prof::ExpertCounts{{{1, 0, {1, 0, 1, 0}}}});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  fold.apply(prof::Activations{{{0, 0, 1.5, true, ""}, {0, 1, nan, false, "experts"}}});
  fold.apply(prof::Dropped{3, 5});
  fold.apply(step(0, P, 8, 1000000, 0));
  const LiveState& s = fold.state();
  BOOST_TEST(!s.in_flight.has_value());  // the step finished
  BOOST_TEST((s.experts_cumulative.at(0) == std::vector<int64_t>{4, 1, 1, 4}));
  BOOST_TEST((s.experts_last.at(0) == std::vector<int64_t>{1, 0, 1, 0}));
  BOOST_TEST((s.experts_cumulative.at(1) == std::vector<int64_t>{2, 2, 2, 2}));
  BOOST_TEST(s.residual_rms.at(0) == 1.5);
  BOOST_TEST_REQUIRE(s.first_nan.has_value());
  BOOST_TEST(s.first_nan->layer == 1);
  BOOST_TEST(s.first_nan->op == "experts");
  BOOST_TEST(s.events_dropped == 5u);

  prof::RunFinished fin;
  fin.run = started(1, 1, 4).run;
  fin.run.status = prof::RunStatus::Complete;
  fin.summary.decode_steps = 1;
  fin.events_dropped = 6;
  fold.apply(fin);
  BOOST_TEST(s.finished);
  BOOST_TEST_REQUIRE(s.summary.has_value());
  BOOST_TEST(s.summary->decode_steps == 1);
  BOOST_TEST(s.events_dropped == 6u);
}

BOOST_AUTO_TEST_SUITE_END()
