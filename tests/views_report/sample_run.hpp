// Test data for the run report: a 3-layer MoE run (qwen3-moe-mini cut to 3 layers) with a prefill
// and four decode steps. Spans carry the plan's real FLOPs and bytes, durations are the roofline
// estimate on cpu-generic times a per-kind slowdown, so the figures look like a real CPU run. The
// summaries are derived here from the spans, standing in for the profiler's metrics.
#pragma once

#include <algorithm>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "config/config_json.hpp"
#include "plan/analysis.hpp"
#include "plan/roofline.hpp"
#include "run_report/report_input.hpp"

namespace sample {

using namespace archscope;

inline constexpr int kLayers = 3;
inline constexpr int kExperts = 8;
inline constexpr int kPrompt = 16;
inline constexpr int kDecodeSteps = 4;

inline ModelConfig three_layer_moe() {
  std::ifstream in(std::string(ARCHSCOPE_PRESETS) + "/qwen3-moe-mini.json");
  nlohmann::json j = nlohmann::json::parse(in);
  j["n_layers"] = kLayers;
  return config_from_json(j, "qwen3-moe-mini (3 layers)");
}

inline std::string layer_label(int32_t layer) {
  return layer < 0 ? "embed" : layer >= kLayers ? "head" : std::to_string(layer);
}

// Summaries from spans: time per layer and kind for prefill, and the mean decode step.
inline void summarize(views::ReportRun& run) {
  auto& s = run.summary;
  std::vector<std::string> layers, kinds;
  for (const auto& span : run.records.spans) {
    const std::string l = layer_label(span.layer);
    if (std::find(layers.begin(), layers.end(), l) == layers.end()) layers.push_back(l);
    if (std::find(kinds.begin(), kinds.end(), span.kind) == kinds.end()) kinds.push_back(span.kind);
  }
  for (views::LayerKindTimes* t : {&s.prefill, &s.decode_mean}) {
    t->layers = layers;
    t->kinds = kinds;
    t->seconds.assign(layers.size(), std::vector<double>(kinds.size(), 0.0));
  }
  for (const auto& span : run.records.spans) {
    const bool prefill = span.phase == prof::Phase::Prefill;
    auto& t = prefill ? s.prefill : s.decode_mean;
    const size_t l = std::find(layers.begin(), layers.end(), layer_label(span.layer)) - layers.begin();
    const size_t k = std::find(kinds.begin(), kinds.end(), span.kind) - kinds.begin();
    t.seconds[l][k] += span.duration_ns * 1e-9 / (prefill ? 1 : kDecodeSteps);
  }
  s.expert_tokens.assign(kLayers, std::vector<int64_t>(kExperts, 0));
  for (int l = 0; l < kLayers; ++l) s.expert_layers.push_back(std::to_string(l));
  for (const auto& ec : run.records.expert_counts)
    for (size_t e = 0; e < ec.tokens_per_expert.size(); ++e) s.expert_tokens[ec.layer][e] += ec.tokens_per_expert[e];
}

// `slowdown` scales every duration, so two runs differ in a known way.
inline views::ReportRun make_run(const std::string& name, double slowdown, const HardwareProfile& hw) {
  views::ReportRun run;
  AnalysisOptions options;
  options.context = kPrompt;
  run.analysis = summarize(three_layer_moe(), options, hw);
  const Analysis& a = *run.analysis;

  auto& info = run.info;
  info.id = 1;
  info.name = name;
  info.started_at = "2026-11-25T13:05:00Z";
  info.finished_at = "2026-11-25T13:05:02Z";
  info.model = "qwen3-moe-mini";
  info.backend = "cpu";
  info.device = "AMD EPYC 7B13, 2 threads";
  info.weights_dtype = "bf16";
  info.kv_dtype = "bf16";
  info.prompt_tokens = kPrompt;
  info.new_tokens = kDecodeSteps;
  info.threads = 2;
  info.version = "0.1.0";
  info.git_revision = "3b4ea63";
  info.status = prof::RunStatus::Complete;

  // Kinds run at different fractions of the roofline, as real kernels do.
  const std::map<std::string, double> kind_slowdown = {{"matmul", 2.5}, {"attention", 4}, {"experts", 3}, {"router", 8}};
  int64_t clock = 0;
  const uint64_t kv_per_token = a.kv.bytes_per_token;
  for (int step = 0; step <= kDecodeSteps; ++step) {
    const Plan& plan = step == 0 ? a.prefill : a.decode;
    const auto phase = step == 0 ? prof::Phase::Prefill : prof::Phase::Decode;
    const int64_t step_start = clock;
    auto add = [&](const Op& op, int32_t layer) {
      const std::string kind = to_string(op.kind);
      const auto f = kind_slowdown.find(kind);
      const double seconds = roofline(op, hw).time_s * (f == kind_slowdown.end() ? 6 : f->second) * slowdown + 300e-9;
      const auto ns = static_cast<int64_t>(seconds * 1e9);
      run.records.spans.push_back({step, phase, layer, op.name, kind, clock, ns, op.flops, op.bytes_read + op.bytes_written});
      clock += ns;
    };
    for (const Op& op : plan.prologue) add(op, -1);
    for (int l = 0; l < kLayers; ++l)
      for (const Op& op : plan.layers[l].ops) add(op, l);
    for (const Op& op : plan.epilogue) add(op, kLayers);

    prof::StepRecord rec;
    rec.step = step;
    rec.phase = phase;
    rec.tokens = step == 0 ? kPrompt : 1;
    rec.start_ns = step_start;
    rec.duration_ns = clock - step_start;
    rec.context_tokens = kPrompt + step;
    rec.kv_allocated_bytes = kv_per_token * 32;  // the cache reserves 32 tokens up front
    rec.kv_used_bytes = kv_per_token * static_cast<uint64_t>(rec.context_tokens);
    rec.kv_used_by_kind["full"] = rec.kv_used_bytes;
    run.records.steps.push_back(rec);

    // top-2 routing: 2 tokens per processed token, skewed towards low expert ids per layer.
    for (int l = 0; l < kLayers; ++l) {
      prof::ExpertCountRecord ec{step, l, std::vector<int64_t>(kExperts, 0)};
      for (int t = 0; t < 2 * rec.tokens; ++t) ec.tokens_per_expert[(t * t + l * 3 + step) % (kExperts - l)] += 1;
      run.records.expert_counts.push_back(ec);
      run.records.activations.push_back({step, l, 1.0 + 0.1 * l, true, ""});
    }
  }
  summarize(run);
  return run;
}

}  // namespace sample
