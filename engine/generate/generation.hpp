// The generation loop: prefill every prompt, then decode all sequences together one token per
// step, sampling each sequence with its own seeded stream. Prompts may differ in length; each
// sequence keeps its own position in the cache. Times are measured per phase so `generate` and
// `bench` report prefill and decode throughput separately.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "generate/progress.hpp"
#include "generate/sampler.hpp"
#include "generate/step_model.hpp"

namespace archscope {

struct GenerationRequest {
  std::vector<std::vector<int32_t>> prompts;  // one per sequence, each non-empty
  int64_t new_tokens = 16;                    // generated per sequence at most (>= 1)
  SamplerOptions sampler;
  // A sequence ends after it generates one of these (the model's EOS ids); empty: never early.
  std::vector<int32_t> stop_ids;
  // Called with (sequence, token) for every token in generation order: the first token of each
  // sequence once the whole prefill has finished (after its progress line), the others as soon as
  // they are chosen.
  std::function<void(size_t, int32_t)> on_token;
};

struct GenerationResult {
  std::vector<std::vector<int32_t>> generated;  // new_tokens per sequence, fewer when it stopped
  std::vector<bool> stopped;                    // whether the sequence ended on a stop id
  int64_t prefill_tokens = 0;                   // Σ prompt lengths
  double prefill_s = 0;
  int64_t decode_steps = 0;   // <= new_tokens - 1: the first new token comes from the prefill logits
  int64_t decode_tokens = 0;  // tokens fed through decode steps, summed over the sequences
  double decode_s = 0;
  std::vector<double> step_s;  // per decode step
  // CPU time of the whole process (all threads) per phase: against wall time × threads it shows
  // whether the run had the cores to itself (a benchmark on a shared machine must say so).
  double prefill_cpu_s = 0;
  double decode_cpu_s = 0;
  // CPU time of every process on the machine per phase (host_load.hpp; negative when unknown):
  // minus ours, it is what other processes took from the cores meanwhile.
  double prefill_machine_cpu_s = -1;
  double decode_machine_cpu_s = -1;
};

// Throws Error(Validation) naming "sequence i" and the position for a token id outside the
// vocabulary, before any model call; an empty prompt or new_tokens < 1 is a validation error too.
void check_request(const GenerationRequest& request, int64_t vocab_size);

// `now` returns seconds on a monotonic clock (the real loop passes a steady clock; tests a fake).
GenerationResult generate_tokens(StepModel& model, const GenerationRequest& request,
                                 ProgressLine& progress, const std::function<double()>& now);

// A steady-clock reader in seconds.
double steady_seconds();
// CPU seconds used so far by every thread of this process (CLOCK_PROCESS_CPUTIME_ID).
double process_cpu_seconds();

}  // namespace archscope
