// Test data for the run report: a real profiled run (qwen3-moe-mini cut to 3 layers, a prefill of
// 16 tokens and four decode steps, on the CPU engine) whose records go through the real summary
// path, views::make_report_run (prof::summarize, prof::expert_load_cumulative, the plan's
// analysis). A second run is the same records with every duration scaled, so two runs differ in
// a known way.
#pragma once

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config_json.hpp"
#include "events/channel.hpp"
#include "run_report/report_input.hpp"
#include "runner/profiled_run.hpp"

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

// The profiled run's records, made once per test process.
inline const prof::RunData& real_run() {
  static const prof::RunData data = [] {
    prof::RunOptions o;
    o.batch = 1;
    o.prompt = kPrompt;
    o.new_tokens = kDecodeSteps;
    o.threads = 1;
    o.seed = 3;
    prof::EventChannel channel;  // no subscriber: the run's records are what the report needs
    prof::ProfiledRun run(three_layer_moe(), o);
    run.info().id = 1;
    prof::RunData d = run.run(channel).data;
    channel.close();
    return d;
  }();
  return data;
}

// `slowdown` scales every duration and start, so the second run's figures are known multiples.
inline views::ReportRun make_run(const std::string& name, double slowdown,
                                 const HardwareProfile& hw) {
  prof::RunData d = real_run();
  const auto scaled = [&](int64_t ns) {
    return static_cast<int64_t>(std::llround(static_cast<double>(ns) * slowdown));
  };
  for (prof::SpanRecord& s : d.spans)
    s.start_ns = scaled(s.start_ns), s.duration_ns = scaled(s.duration_ns);
  for (prof::StepRecord& s : d.steps)
    s.start_ns = scaled(s.start_ns), s.duration_ns = scaled(s.duration_ns);
  d.run.name = name;
  return views::make_report_run(std::move(d), hw);
}

}  // namespace sample
