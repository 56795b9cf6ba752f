#include "widgets/run_screenshots.hpp"

#include "models/runs_model.hpp"
#include "widgets/runs_page.hpp"

namespace archscope::studio {

void prepare_runs_view(RunsPage& page, bool comparison, const std::vector<int64_t>& ids) {
  std::vector<int64_t> newest;  // the store lists newest first
  for (const prof::RunInfo& r : page.model().runs()) newest.push_back(r.id);
  if (comparison) {
    std::vector<int64_t> chosen = ids;
    if (chosen.size() < 2 && newest.size() >= 2) {
      chosen = {newest[1], newest[0]};
    }
    if (chosen.size() >= 2) {
      page.select_ids(chosen);
      page.compare_runs(chosen);
    }
    page.show_detail(true);
    return;
  }
  const int64_t id = !ids.empty() ? ids.front() : newest.empty() ? 0 : newest.front();
  if (id > 0) {
    page.select_ids({id});
    page.open_run(id);
  }
  page.show_detail(false);
}

}  // namespace archscope::studio
