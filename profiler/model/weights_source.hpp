// Where a run's weights came from, recorded with the run so that the same model can be built again
// later (`archscope perplexity --kl-reference RUN`): a Hugging Face checkpoint directory, or the
// engine's seeded random weights (engine/model/random_source.hpp) with their seed and init mode.
// Runs stored before archscope recorded this (schema version 2 and older) read as Unknown.
#pragma once

#include <cstdint>
#include <string>

namespace archscope::prof {

enum class WeightsOrigin { Unknown, Checkpoint, Random };
const char* to_string(WeightsOrigin o);  // "unknown", "checkpoint", "random"
bool parse_weights_origin(const std::string& s, WeightsOrigin& out);

struct WeightsSource {
  WeightsOrigin origin = WeightsOrigin::Unknown;
  std::string checkpoint;  // Checkpoint: the directory, as an absolute path
  uint64_t seed = 0;       // Random: the seed of every tensor's values
  // Random: the heavy-tailed init (outlier channels of RandomInitOptions); off for the plain one.
  bool heavy_tailed = false;
  double outlier_fraction = 0;
  double outlier_scale = 0;

  bool operator==(const WeightsSource&) const = default;
};

// One line for people: "checkpoint /abs/dir", "random, seed 7",
// "random, seed 7, heavy-tailed (0.5% outlier channels x20)", "unknown (stored before ...)".
std::string describe(const WeightsSource& s);

}  // namespace archscope::prof
