#include "run_report/report_input.hpp"

namespace archscope::views {

double LayerKindTimes::layer_total(size_t layer) const {
  double sum = 0;
  for (double v : seconds.at(layer)) sum += v;
  return sum;
}

double LayerKindTimes::kind_total(size_t kind) const {
  double sum = 0;
  for (const auto& row : seconds) sum += kind < row.size() ? row[kind] : 0;
  return sum;
}

double LayerKindTimes::total() const {
  double sum = 0;
  for (size_t l = 0; l < seconds.size(); ++l) sum += layer_total(l);
  return sum;
}

const HardwareProfile* report_hardware(const ReportRun& run) {
  if (run.hardware) return &*run.hardware;
  if (run.analysis && run.analysis->hardware) return &*run.analysis->hardware;
  return nullptr;
}

}  // namespace archscope::views
