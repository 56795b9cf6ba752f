#include "model/weights_source.hpp"

#include <cstdio>

namespace archscope::prof {

const char* to_string(WeightsOrigin o) {
  switch (o) {
    case WeightsOrigin::Unknown:
      return "unknown";
    case WeightsOrigin::Checkpoint:
      return "checkpoint";
    case WeightsOrigin::Random:
      return "random";
  }
  return "?";
}

bool parse_weights_origin(const std::string& s, WeightsOrigin& out) {
  for (WeightsOrigin o :
       {WeightsOrigin::Unknown, WeightsOrigin::Checkpoint, WeightsOrigin::Random}) {
    if (s == to_string(o)) {
      out = o;
      return true;
    }
  }
  return false;
}

std::string describe(const WeightsSource& s) {
  switch (s.origin) {
    case WeightsOrigin::Checkpoint:
      return "checkpoint " + s.checkpoint;
    case WeightsOrigin::Random: {
      std::string out = "random, seed " + std::to_string(s.seed);
      if (s.heavy_tailed) {
        char buf[96];
        std::snprintf(buf, sizeof buf, ", heavy-tailed (%.6g%% outlier channels x%.6g)",
                      100 * s.outlier_fraction, s.outlier_scale);
        out += buf;
      }
      return out;
    }
    case WeightsOrigin::Unknown:
      break;
  }
  return "unknown (stored before archscope recorded weight sources)";
}

}  // namespace archscope::prof
