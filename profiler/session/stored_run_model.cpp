#include "session/stored_run_model.hpp"

#include <system_error>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "store/schema.hpp"

namespace archscope::prof::session {

StoredRunModel stored_run_model(const RunInfo& run, const std::string& where) {
  const std::string name = "run " + std::to_string(run.id);
  const WeightsSource& w = run.weights_source;
  StoredRunModel m;
  switch (w.origin) {
    case WeightsOrigin::Unknown:
      throw Error(
          ErrorKind::Validation, where,
          name +
              " was stored before archscope recorded where a run's weights come from "
              "(run database schema version " +
              std::to_string(store::kWeightsSourceSchemaVersion) +
              "), so its weights cannot be re-created; run it again to use it as a reference");
    case WeightsOrigin::Checkpoint: {
      std::error_code ec;
      if (!std::filesystem::is_directory(w.checkpoint, ec)) {
        throw Error(ErrorKind::Validation, where,
                    name + "'s checkpoint directory " + w.checkpoint + " no longer exists");
      }
      m.hf_dir = w.checkpoint;
      break;
    }
    case WeightsOrigin::Random:
      m.random.seed = w.seed;
      m.random.heavy_tailed = w.heavy_tailed;
      if (w.heavy_tailed) {
        m.random.outlier_fraction = w.outlier_fraction;
        m.random.outlier_scale = w.outlier_scale;
      }
      break;
  }
  m.config = config_from_text(run.config_json, name + " config_json");
  m.weights_dtype = run.weights_dtype;
  return m;
}

}  // namespace archscope::prof::session
