// A small two-layer run with every kind of record, names that need CSV quoting, a NaN activation
// and spans of odd durations, shared by the exporter tests.
#pragma once

#include <limits>

#include "export/run_data.hpp"

namespace prof_export_test {

using namespace archscope::prof;

inline SpanRecord span(int64_t step, Phase phase, int32_t layer, std::string op, std::string kind,
                       int64_t start_ns, int64_t duration_ns, uint64_t flops, uint64_t bytes) {
  SpanRecord s;
  s.step = step;
  s.phase = phase;
  s.layer = layer;
  s.op = std::move(op);
  s.kind = std::move(kind);
  s.start_ns = start_ns;
  s.duration_ns = duration_ns;
  s.flops = flops;
  s.bytes = bytes;
  return s;
}

inline RunData sample_run() {
  RunData d;
  RunInfo& r = d.run;
  r.id = 42;
  r.name = "tiny, \"quoted\" run";
  r.started_at = "2026-11-25T13:05:00Z";
  r.finished_at = "2026-11-25T13:05:01Z";
  r.model = "tiny-moe";
  r.config_json = R"({"format": "archscope.model/1", "name": "tiny-moe", "n_layers": 2})";
  r.backend = "cpu";
  r.device = "Test CPU, 2 threads";
  r.weights_dtype = "bf16";
  r.kv_dtype = "bf16";
  r.batch = 1;
  r.prompt_tokens = 4;
  r.new_tokens = 2;
  r.threads = 2;
  r.version = "0.1.0";
  r.git_revision = "abc1234";
  r.status = RunStatus::Complete;

  StepRecord prefill;
  prefill.step = 0;
  prefill.phase = Phase::Prefill;
  prefill.tokens = 4;
  prefill.start_ns = 0;
  prefill.duration_ns = 10000;
  prefill.kv_allocated_bytes = 65536;
  prefill.kv_used_bytes = 4096;
  prefill.kv_used_by_kind = {{"full", 4096}};
  prefill.context_tokens = 4;
  StepRecord d1 = prefill;
  d1.step = 1;
  d1.phase = Phase::Decode;
  d1.tokens = 1;
  d1.start_ns = 10500;
  d1.duration_ns = 3001;
  d1.kv_used_bytes = 5120;
  d1.kv_used_by_kind = {{"full", 4096}, {"sliding", 1024}};
  d1.context_tokens = 5;
  d.steps = {prefill, d1};

  // Deliberately not in start order: exporters must sort per track.
  d.spans = {
      span(0, Phase::Prefill, -1, "embed", "embedding", 0, 1000, 0, 8192),
      span(0, Phase::Prefill, 0, "q_proj, fused", "matmul", 1500, 2500, 4000000, 1000000),
      span(0, Phase::Prefill, 0, "attn \"flash\"", "attention", 4000, 1500, 600000, 300000),
      span(0, Phase::Prefill, 1, "experts\nrouted", "experts", 5500, 3000, 9000000, 2000000),
      span(0, Phase::Prefill, 2, "head", "matmul", 8500, 1499, 2000000, 1000000),
      span(1, Phase::Decode, 0, "q_proj, fused", "matmul", 11000, 333, 1000000, 500000),
      span(1, Phase::Decode, -1, "embed", "embedding", 10500, 250, 0, 2048),
      span(1, Phase::Decode, 1, "experts\nrouted", "experts", 11400, 900, 2250000, 1500000),
      span(1, Phase::Decode, 2, "head", "matmul", 12400, 0, 500000, 250000),  // below resolution
  };
  d.expert_counts = {{0, 1, {3, 1, 2, 2}}, {1, 1, {2, 0, 0, 0}}};
  ActivationRecord a0{0, 0, 1.25, true, ""};
  ActivationRecord a1{0, 1, 3.5, true, ""};
  ActivationRecord a2{1, 0, 1.5, true, ""};
  ActivationRecord a3{1, 1, std::numeric_limits<double>::quiet_NaN(), false, "experts"};
  d.activations = {a0, a1, a2, a3};
  return d;
}

}  // namespace prof_export_test
