#include "generate/generation.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <string>

#include "common/error.hpp"
#include "generate/host_load.hpp"
#include "generate/token_ids.hpp"

namespace archscope {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void check_request(const GenerationRequest& request, int64_t vocab_size) {
  if (request.prompts.empty()) throw Error(ErrorKind::Validation, "--batch", "no sequences to run");
  if (request.new_tokens < 1) {
    throw Error(ErrorKind::Validation, "--new-tokens",
                "must be at least 1, got " + std::to_string(request.new_tokens));
  }
  for (size_t i = 0; i < request.prompts.size(); ++i) {
    const std::string where = "sequence " + std::to_string(i);
    if (request.prompts[i].empty()) throw Error(ErrorKind::Validation, where, "empty prompt");
    check_token_ids(request.prompts[i], vocab_size, where);
  }
  check_token_ids(request.stop_ids, vocab_size, "stop ids");
  validate(request.sampler);
}

GenerationResult generate_tokens(StepModel& model, const GenerationRequest& request,
                                 ProgressLine& progress, const std::function<double()>& now) {
  const int64_t vocab = model.vocab_size();
  check_request(request, vocab);
  const size_t batch = request.prompts.size();

  std::vector<Sampler> samplers;
  std::vector<int64_t> seqs;
  for (size_t i = 0; i < batch; ++i) {
    samplers.emplace_back(request.sampler, i);
    seqs.push_back(model.add_sequence());
  }
  GenerationResult result;
  result.generated.assign(batch, {});
  result.stopped.assign(batch, false);
  for (const auto& p : request.prompts) result.prefill_tokens += static_cast<int64_t>(p.size());
  const auto record = [&](size_t i, int32_t token) {
    result.generated[i].push_back(token);
    const auto& stop = request.stop_ids;
    if (std::find(stop.begin(), stop.end(), token) != stop.end()) result.stopped[i] = true;
  };
  const auto emit = [&](size_t i, int32_t token) {
    record(i, token);
    if (request.on_token) request.on_token(i, token);
  };

  // Prefill: one pass per prompt (their lengths differ); its last row gives the first new token.
  std::vector<float> logits;
  const double t0 = now();
  const double c0 = process_cpu_seconds(), m0 = machine_busy_cpu_seconds();
  int64_t done = 0;
  for (size_t i = 0; i < batch; ++i) {
    model.prefill(seqs[i], request.prompts[i], /*all_rows=*/false, logits);
    record(i, samplers[i].sample(std::span(logits).first(static_cast<size_t>(vocab))));
    done += static_cast<int64_t>(request.prompts[i].size());
    progress.update("prefill", done, result.prefill_tokens, now() - t0);
  }
  result.prefill_s = now() - t0;
  result.prefill_cpu_s = process_cpu_seconds() - c0;
  const double m1 = machine_busy_cpu_seconds();
  if (m0 >= 0 && m1 >= 0) result.prefill_machine_cpu_s = m1 - m0;
  progress.finish("prefill", result.prefill_tokens, result.prefill_tokens, result.prefill_s);
  // The first tokens are reported once the prefill line is finished, so that text printed from
  // on_token never shares a line with it.
  if (request.on_token) {
    for (size_t i = 0; i < batch; ++i) request.on_token(i, result.generated[i].front());
  }

  // Decode: every sequence still running advances by the token it sampled last, all in one step.
  const int64_t decode_total = (request.new_tokens - 1) * static_cast<int64_t>(batch);
  const double t1 = now();
  const double c1 = process_cpu_seconds(), m2 = machine_busy_cpu_seconds();
  std::vector<size_t> active;
  std::vector<int64_t> active_seqs;
  std::vector<int32_t> last, next;
  // Greedy sampling needs only each row's argmax: the model may take it where the logits are
  // (decode_greedy), which saves the host the logits download and the scan.
  const bool greedy = request.sampler.temperature == 0.0 || request.sampler.top_k == 1;
  for (int64_t step = 0; step + 1 < request.new_tokens; ++step) {
    active.clear();
    active_seqs.clear();
    last.clear();
    for (size_t i = 0; i < batch; ++i) {
      if (result.stopped[i]) continue;
      active.push_back(i);
      active_seqs.push_back(seqs[i]);
      last.push_back(result.generated[i].back());
    }
    if (active.empty()) break;
    const double s0 = now();
    if (greedy && model.decode_greedy(active_seqs, last, next)) {
      for (size_t k = 0; k < active.size(); ++k) emit(active[k], next[k]);
    } else {
      model.decode(active_seqs, last, logits);
      for (size_t k = 0; k < active.size(); ++k) {
        const auto row = std::span(logits).subspan(k * static_cast<size_t>(vocab), static_cast<size_t>(vocab));
        emit(active[k], samplers[active[k]].sample(row));
      }
    }
    const double s1 = now();
    result.step_s.push_back(s1 - s0);
    ++result.decode_steps;
    result.decode_tokens += static_cast<int64_t>(active.size());
    progress.update("decode", result.decode_tokens, decode_total, s1 - t1);
  }
  result.decode_s = now() - t1;
  result.decode_cpu_s = process_cpu_seconds() - c1;
  const double m3 = machine_busy_cpu_seconds();
  if (m2 >= 0 && m3 >= 0) result.decode_machine_cpu_s = m3 - m2;
  if (result.decode_steps > 0) {
    progress.finish("decode", result.decode_tokens, result.decode_tokens, result.decode_s);
  }
  for (int64_t seq : seqs) model.free_sequence(seq);
  return result;
}

}  // namespace archscope
