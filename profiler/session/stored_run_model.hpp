// A stored run's model built again: the configuration its row holds (config_json) with the
// weights it ran on (the checkpoint directory read again, or the random weights of the recorded
// seed and init) and its weight storage. What `archscope perplexity --kl-reference RUN` compares
// against; the desktop app can use the same.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "config/model_config.hpp"
#include "model/random_source.hpp"
#include "model/run_records.hpp"

namespace archscope::prof::session {

struct StoredRunModel {
  ModelConfig config;
  std::filesystem::path hf_dir;  // empty: random weights
  RandomInitOptions random;      // seed and init of the random weights
  std::string weights_dtype;     // the run's, as stored ("f32", "bf16", ...)
};

// Throws Error(Validation, `where`) when the run's weights cannot be re-created: a run stored
// before runs recorded their weights' source (unknown), or a checkpoint directory that no longer
// exists; Error(Parse, "run N config_json") for a damaged configuration. (The loader reports a
// checkpoint whose weight files have gone when the model is opened.)
StoredRunModel stored_run_model(const RunInfo& run, const std::string& where);

}  // namespace archscope::prof::session
