#include "model/run_records.hpp"

namespace archscope::prof {

const char* to_string(RunStatus s) {
  switch (s) {
    case RunStatus::Running: return "running";
    case RunStatus::Complete: return "complete";
    case RunStatus::Failed: return "failed";
    case RunStatus::Interrupted: return "interrupted";
  }
  return "?";
}

bool parse_run_status(const std::string& s, RunStatus& out) {
  for (RunStatus v : {RunStatus::Running, RunStatus::Complete, RunStatus::Failed, RunStatus::Interrupted}) {
    if (s == to_string(v)) {
      out = v;
      return true;
    }
  }
  return false;
}

const char* to_string(Phase p) { return p == Phase::Prefill ? "prefill" : "decode"; }

}  // namespace archscope::prof
