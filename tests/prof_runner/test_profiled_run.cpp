// A profiled run on mini presets: one span per executed plan op per step carrying the plan's
// FLOPs and bytes of that step, KV samples that grow with the tokens, expert counts that add up
// to tokens × top_k, finite activations, and the event sequence a subscriber sees.
#define BOOST_TEST_DYN_LINK
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "common/error.hpp"
#include "plan/plan.hpp"
#include "run_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// The plan of a step of the run, as the spans must match it.
Plan step_plan(const ModelConfig& c, const prof::RunOptions& o, int64_t step) {
  PlanOptions p;
  p.phase = step == 0 ? archscope::Phase::Prefill : archscope::Phase::Decode;
  p.tokens = step == 0 ? o.prompt : 1;
  p.context = step == 0 ? 0 : o.prompt + step - 1;
  p.batch = o.batch;
  p.weights = DType::F32;
  p.kv = DType::F32;
  p.activations = DType::F32;
  p.logits_last_only = true;  // a run samples from each sequence's last position only
  return build_plan(c, p);
}

struct LayerTotals {
  uint64_t flops = 0, bytes = 0;
  std::set<std::string> names;
};

std::map<int32_t, LayerTotals> plan_totals(const Plan& p, int64_t n_layers) {
  std::map<int32_t, LayerTotals> t;
  auto add = [&](int32_t layer, const Op& op) {
    t[layer].flops += op.flops;
    t[layer].bytes += op.bytes_read + op.bytes_written;
    t[layer].names.insert(op.name);
  };
  for (const Op& op : p.prologue) add(-1, op);
  for (size_t i = 0; i < p.layers.size(); ++i)
    for (const Op& op : p.layers[i].ops) add(static_cast<int32_t>(i), op);
  for (const Op& op : p.epilogue) add(static_cast<int32_t>(n_layers), op);
  return t;
}

void check_spans(const ModelConfig& c, const prof::RunOptions& o, const prof::RunData& d) {
  for (int64_t step = 0; step <= o.new_tokens; ++step) {
    const std::map<int32_t, LayerTotals> plan = plan_totals(step_plan(c, o, step), c.n_layers);
    std::map<int32_t, LayerTotals> seen;
    std::map<std::pair<int32_t, std::string>, int> count;
    int others = 0;
    for (const prof::SpanRecord& s : d.spans) {
      if (s.step != step) continue;
      if (prof::is_other(s)) {  // the step's time outside every op (test_step_time.cpp)
        ++others;
        continue;
      }
      BOOST_TEST(s.duration_ns >= 0);
      BOOST_TEST(((s.phase == prof::Phase::Prefill) == (step == 0)));
      seen[s.layer].flops += s.flops;
      seen[s.layer].bytes += s.bytes;
      seen[s.layer].names.insert(s.op);
      ++count[{s.layer, s.op}];
    }
    BOOST_TEST(others == 1, c.name << " step " << step << ": `other` spans");
    BOOST_TEST_REQUIRE(seen.size() == plan.size(), c.name << " step " << step << ": layers with spans");
    for (const auto& [layer, want] : plan) {
      const LayerTotals& got = seen[layer];
      // Every span is a plan op; ops fused into another span are the only ones without their own,
      // and their cost is in the span they ran in: the layer's totals match exactly.
      for (const std::string& n : got.names)
        BOOST_TEST(want.names.count(n) == 1u, c.name << " step " << step << " layer " << layer << ": " << n);
      BOOST_TEST(got.flops == want.flops, c.name << " step " << step << " layer " << layer << " flops");
      BOOST_TEST(got.bytes == want.bytes, c.name << " step " << step << " layer " << layer << " bytes");
    }
    for (const auto& [key, n] : count) BOOST_TEST(n == 1, c.name << ": " << key.second << " ran " << n << " times");
  }
}

void check_steps(const prof::RunOptions& o, const prof::RunData& d) {
  BOOST_TEST_REQUIRE(d.steps.size() == static_cast<size_t>(o.new_tokens + 1));
  for (size_t i = 0; i < d.steps.size(); ++i) {
    const prof::StepRecord& s = d.steps[i];
    BOOST_TEST(s.step == static_cast<int64_t>(i));
    BOOST_TEST(s.tokens == (i == 0 ? o.batch * o.prompt : o.batch));
    BOOST_TEST(s.context_tokens == o.prompt + static_cast<int64_t>(i));
    BOOST_TEST(s.kv_used_bytes <= s.kv_allocated_bytes);
    BOOST_TEST(s.kv_allocated_bytes == d.steps.front().kv_allocated_bytes);
    uint64_t by_kind = 0;
    for (const auto& [kind, bytes] : s.kv_used_by_kind) by_kind += bytes;
    BOOST_TEST(by_kind == s.kv_used_bytes);
    if (i > 0) {
      BOOST_TEST(s.kv_used_bytes >= d.steps[i - 1].kv_used_bytes);
      BOOST_TEST(s.start_ns >= d.steps[i - 1].start_ns + d.steps[i - 1].duration_ns);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(profiled_run)

BOOST_AUTO_TEST_CASE(moe_run_records_every_op_expert_and_layer) {
  const ModelConfig c = mini("mixtral-mini");
  const prof::RunOptions o = small_options();
  const CollectedRun r = collect_run(c, o);
  const prof::RunData& d = r.result.data;
  BOOST_TEST((d.run.status == prof::RunStatus::Complete));
  BOOST_TEST(d.run.model == "mixtral-mini");
  BOOST_TEST(!d.run.finished_at.empty());
  check_spans(c, o, d);
  check_steps(o, d);
  // 14 + 5 tokens cross a 16-token block: the full-attention cache grows.
  BOOST_TEST(d.steps.back().kv_used_bytes > d.steps.front().kv_used_bytes);
  BOOST_TEST(d.steps.back().kv_used_by_kind.count("full") == 1u);

  // Expert counts: one record per MoE layer and step, summing to tokens × top_k.
  BOOST_TEST(d.expert_counts.size() == static_cast<size_t>((o.new_tokens + 1) * c.n_layers));
  for (const prof::ExpertCountRecord& e : d.expert_counts) {
    BOOST_TEST(e.tokens_per_expert.size() == static_cast<size_t>(c.moe.experts));
    int64_t sum = 0;
    for (int64_t n : e.tokens_per_expert) sum += n;
    const int64_t tokens = d.steps[static_cast<size_t>(e.step)].tokens;
    BOOST_TEST(sum == tokens * c.moe.top_k, "step " << e.step << " layer " << e.layer);
  }
  // Activations: every layer of every step, finite, with a positive RMS.
  BOOST_TEST(d.activations.size() == static_cast<size_t>((o.new_tokens + 1) * c.n_layers));
  for (const prof::ActivationRecord& a : d.activations) {
    BOOST_TEST(a.finite);
    BOOST_TEST(std::isfinite(a.rms));
    BOOST_TEST(a.rms > 0.0);
    BOOST_TEST(a.first_bad_op.empty());
  }
  BOOST_TEST(!r.result.nan.has_value());
  BOOST_TEST(r.result.summary.decode_steps == o.new_tokens);
  BOOST_TEST(r.result.summary.prefill_tokens == o.batch * o.prompt);
}

BOOST_AUTO_TEST_CASE(events_arrive_in_run_order) {
  const prof::RunOptions o = small_options();
  const CollectedRun r = collect_run(mini("llama3-mini"), o);
  BOOST_TEST_REQUIRE(r.events.size() >= 2u);
  BOOST_TEST(std::string(prof::event_name(r.events.front())) == "run_started");
  BOOST_TEST(std::string(prof::event_name(r.events.back())) == "run_finished");
  std::map<std::string, int> n;
  size_t spans = 0;
  for (const prof::Event& e : r.events) {
    ++n[prof::event_name(e)];
    if (const auto* b = std::get_if<prof::SpanBatch>(&e)) spans += b->spans.size();
  }
  BOOST_TEST(n["step_finished"] == o.new_tokens + 1);
  BOOST_TEST(n["span_batch"] == o.new_tokens + 1);
  BOOST_TEST(n["activations"] == o.new_tokens + 1);
  BOOST_TEST(n["expert_counts"] == 0);  // a dense model
  BOOST_TEST(spans == r.result.data.spans.size());
  const auto& started = std::get<prof::RunStarted>(r.events.front());
  BOOST_TEST(started.run.batch == o.batch);
  BOOST_TEST(started.environment.threads == 1);
  const auto& finished = std::get<prof::RunFinished>(r.events.back());
  BOOST_TEST((finished.run.status == prof::RunStatus::Complete));
  BOOST_TEST(finished.summary.decode_steps == o.new_tokens);
}

// Attention kinds with their own cache layouts (sliding, MLA, linear) and fused ops.
const char* const kPresets[] = {"gemma3-mini", "deepseek-v3-mini", "qwen3-next-mini", "gpt-oss-mini"};

BOOST_DATA_TEST_CASE(spans_match_the_plan_for_every_cache_kind, boost::unit_test::data::make(kPresets), preset) {
  const ModelConfig c = mini(preset);
  prof::RunOptions o = small_options();
  o.batch = 1;
  const CollectedRun r = collect_run(c, o);
  BOOST_TEST((r.result.data.run.status == prof::RunStatus::Complete), preset << ": " << r.result.data.run.failure);
  check_spans(c, o, r.result.data);
  check_steps(o, r.result.data);
}

BOOST_AUTO_TEST_CASE(spans_off_keeps_steps_and_statistics) {
  prof::RunOptions o = small_options();
  o.observe.spans = false;
  const CollectedRun r = collect_run(mini("qwen3-moe-mini"), o);
  BOOST_TEST(r.result.data.spans.empty());
  BOOST_TEST(r.result.data.steps.size() == static_cast<size_t>(o.new_tokens + 1));
  BOOST_TEST(!r.result.data.expert_counts.empty());
  for (const prof::Event& e : r.events) BOOST_TEST(std::string(prof::event_name(e)) != "span_batch");
}

BOOST_AUTO_TEST_CASE(stop_request_interrupts_after_the_step) {
  prof::RunOptions o = small_options();
  int polls = 0;
  o.stop = [&polls] { return ++polls == 2; };  // asked after step 0 (no), after step 1 (yes)
  const CollectedRun r = collect_run(mini("llama3-mini"), o);
  BOOST_TEST((r.result.data.run.status == prof::RunStatus::Interrupted));
  BOOST_TEST(r.result.data.steps.size() == 2u);
  const auto* failed = std::get_if<prof::RunFailed>(&r.events.back());
  BOOST_TEST_REQUIRE(failed != nullptr);
  BOOST_TEST((failed->run.status == prof::RunStatus::Interrupted));
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused_naming_the_option) {
  prof::RunOptions o = small_options();
  o.new_tokens = 0;
  BOOST_CHECK_EXCEPTION(prof::ProfiledRun(mini("llama3-mini"), o), Error,
                        [](const Error& e) { return std::string(e.what()).find("--new") != std::string::npos; });
}

BOOST_AUTO_TEST_SUITE_END()
