// What the `runs` and `run-compare` screenshots show: the runs browser with a run opened (the
// first of `ids`, else the newest) or a comparison (`ids` when two or more, else the two newest,
// the older as the baseline).
#pragma once

#include <cstdint>
#include <vector>

namespace archscope::studio {

class RunsPage;

void prepare_runs_view(RunsPage& page, bool comparison, const std::vector<int64_t>& ids);

}  // namespace archscope::studio
