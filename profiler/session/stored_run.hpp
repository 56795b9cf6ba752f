// A stored run read back for the views: whole (every record, one snapshot) for exports and
// reports, or as its summary only (steps plus the store's per-layer / per-kind aggregates, no
// span rows) for the fast paths of `compare` and the runs browser.
#pragma once

#include <cstdint>

#include "export/run_data.hpp"
#include "metrics/run_summary.hpp"
#include "store/run_store.hpp"

namespace archscope::prof::session {

// The run row and every record, read in one snapshot. Error(NotFound) for an unknown id.
RunData load_run_data(store::RunStore& store, int64_t id);

// The run's summary as summarize() gives it from all its records, with the span totals taken
// from the store's SQL aggregates instead of loading every span. Error(NotFound) for an unknown id.
struct StoredSummary {
  RunInfo run;
  std::vector<StepRecord> steps;
  RunSummary summary;
  std::vector<ExpertCountRecord> expert_counts;
};
StoredSummary load_run_summary(store::RunStore& store, int64_t id);

}  // namespace archscope::prof::session
