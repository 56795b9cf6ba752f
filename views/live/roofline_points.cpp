#include "live/roofline_points.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "report/text_format.hpp"

namespace archscope::views::live {

void RooflineFold::apply(const prof::Event& e) {
  if (const auto* k = std::get_if<prof::KernelBatch>(&e)) {
    step_kernels_.insert(step_kernels_.end(), k->kernels.begin(), k->kernels.end());
    return;
  }
  if (const auto* f = std::get_if<prof::StepFinished>(&e)) {
    if (!step_kernels_.empty()) {
      auto& into = kernels_[f->step.phase];
      for (const prof::KernelStat& k :
           prof::kernel_stats(step_spans_, step_kernels_, f->step.phase)) {
        prof::KernelStat& t = into[{k.op, k.kernel}];
        t.op = k.op;
        t.kernel = k.kernel;
        t.launches += k.launches;
        t.seconds += k.seconds;
        t.charged_bytes += k.charged_bytes;
        t.charged_flops += k.charged_flops;
      }
      // op_seconds: the op's device time over all steps seen, the sum of its kernels' times.
      std::map<std::string, double> op_seconds;
      for (const auto& [key, t] : into) op_seconds[t.op] += t.seconds;
      for (auto& [key, t] : into) t.op_seconds = op_seconds[t.op];
    }
    step_spans_.clear();
    step_kernels_.clear();
    return;
  }
  const auto* b = std::get_if<prof::SpanBatch>(&e);
  if (!b) return;
  step_spans_.insert(step_spans_.end(), b->spans.begin(), b->spans.end());
  for (const prof::SpanRecord& s : b->spans) {
    if (prof::is_other(s)) continue;
    KindTotals& t = totals_[{s.phase, s.kind}];
    t.flops += static_cast<double>(s.flops);
    t.bytes += s.bytes;
    t.ns += s.duration_ns;
  }
}

std::vector<KernelPoint> live_kernel_points(const RooflineFold& fold, prof::Phase phase,
                                            size_t top) {
  std::vector<KernelPoint> out;
  auto it = fold.kernels().find(phase);
  if (it == fold.kernels().end()) return out;
  for (const auto& [key, k] : it->second) {
    // Below one byte would round to none on the chart's integer bytes: not placeable either.
    if (!(k.charged_flops > 0) || !(k.charged_bytes >= 1) || !(k.seconds > 0)) continue;
    out.push_back({k.op, text::short_kernel_name(k.kernel), k.launches, k.seconds, k.charged_flops,
                   k.charged_bytes, k.charged_flops / k.charged_bytes, k.charged_flops / k.seconds,
                   k.charged_bytes / k.seconds});
  }
  std::stable_sort(out.begin(), out.end(), [](const KernelPoint& a, const KernelPoint& b) {
    return a.seconds > b.seconds;
  });
  if (out.size() > top) out.resize(top);
  return out;
}

std::string kernel_points_note(const RooflineFold& fold, prof::Phase phase) {
  if (fold.kernels().empty()) return "kernel points need a CUDA run with --cupti";
  if (live_kernel_points(fold, phase, 1).empty())
    return std::string("no kernel points for ") + prof::to_string(phase) + " steps yet";
  return "";
}

charts::RooflineChart live_roofline(const RooflineFold& fold, prof::Phase phase,
                                    const HardwareProfile& hw, const std::string& weights_dtype) {
  const DType wanted = parse_dtype(weights_dtype).value_or(DType::BF16);
  DType dtype = wanted;
  try {
    dtype = effective_compute_dtype(hw, wanted);
  } catch (const std::exception& e) {
    throw std::invalid_argument(hw.name + ": " + e.what());
  }
  const double peak = hw.peak(dtype), bw = hw.memory_bandwidth;
  std::vector<charts::OpCost> measured, predicted;
  for (const auto& [key, t] : fold.totals()) {
    if (key.first != phase || t.flops <= 0 || t.bytes == 0 || t.ns <= 0)
      continue;  // no place on log axes
    measured.push_back({key.second, t.flops, t.bytes, static_cast<double>(t.ns) / 1e9});
    const double seconds =
        std::max(peak > 0 ? t.flops / peak : 0.0, bw > 0 ? static_cast<double>(t.bytes) / bw : 0.0);
    predicted.push_back({key.second, t.flops, t.bytes, seconds});
  }
  // The kernel points go in as measured costs so that the axes cover them, then leave the points:
  // the panel draws them with their own marker from live_kernel_points.
  const size_t kinds = measured.size();
  const std::vector<KernelPoint> kernels = live_kernel_points(fold, phase);
  for (const KernelPoint& k : kernels)
    measured.push_back(
        {k.op + ": " + k.kernel, k.flops, static_cast<uint64_t>(k.bytes + 0.5), k.seconds});
  const std::string title = std::string("Roofline, ") + prof::to_string(phase) + " on " + hw.name;
  charts::RooflineChart chart =
      charts::roofline_chart(title, peak, bw, to_string(dtype), measured, predicted);
  chart.points.erase(chart.points.begin() + static_cast<std::ptrdiff_t>(kinds),
                     chart.points.begin() + static_cast<std::ptrdiff_t>(kinds + kernels.size()));
  return chart;
}

}  // namespace archscope::views::live
