// What the generation loop needs from a model: sequences with their own cache, a prefill of many
// tokens of one sequence, and a decode step of one token for each of several sequences. The loop
// is written against this interface so it can be tested with a scripted model and driven by the
// real forward pass (engine_model.hpp) alike.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/weight_quant.hpp"

namespace archscope {

class StepModel {
 public:
  virtual ~StepModel() = default;
  virtual int64_t vocab_size() const = 0;

  // A new empty sequence; its id is used for every later call.
  virtual int64_t add_sequence() = 0;
  virtual void free_sequence(int64_t seq) = 0;

  // Appends `tokens` to sequence `seq` (positions continue from what it holds) and writes the
  // logits: [tokens.size(), vocab] when all_rows, else only the last row [1, vocab].
  virtual void prefill(int64_t seq, std::span<const int32_t> tokens, bool all_rows,
                       std::vector<float>& logits) = 0;

  // One token for each sequence: logits [seqs.size(), vocab], row i for seqs[i].
  virtual void decode(std::span<const int64_t> seqs, std::span<const int32_t> tokens,
                      std::vector<float>& logits) = 0;

  // decode() followed by greedy sampling of every row (generate/sampler.hpp's greedy_token: the
  // lowest id among equal maxima; Error(Internal, "sampler") on a NaN logit) done where the
  // logits are, so they never cross to the host: writes next[i] for seqs[i] and returns true, or
  // returns false (nothing run) when the model cannot, and the caller uses decode().
  virtual bool decode_greedy(std::span<const int64_t> seqs, std::span<const int32_t> tokens,
                             std::vector<int32_t>& next) {
    (void)seqs, (void)tokens, (void)next;
    return false;
  }

  // What --weights-quant did to the loaded weights; nullptr for a model without weights.
  virtual const WeightQuantization* weight_quantization() const { return nullptr; }
};

}  // namespace archscope
