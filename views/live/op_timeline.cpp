#include "live/op_timeline.hpp"

#include <algorithm>
#include <map>

namespace archscope::views::live {

SpanRates span_rates(const prof::SpanRecord& s) {
  SpanRates r;
  if (s.duration_ns > 0) {
    const auto ns = static_cast<double>(s.duration_ns);
    r.gflops_per_s = static_cast<double>(s.flops) / ns;
    r.gb_per_s = static_cast<double>(s.bytes) / ns;
  }
  if (s.bytes > 0) r.intensity = static_cast<double>(s.flops) / static_cast<double>(s.bytes);
  return r;
}

TimelineStep& OpTimeline::step_for(const prof::SpanRecord& s) {
  if (steps_.empty() || steps_.back().step != s.step || steps_.back().finished) {
    TimelineStep t;
    t.step = s.step;
    t.phase = s.phase;
    t.start_ns = t.end_ns = s.start_ns;
    steps_.push_back(std::move(t));
    while (steps_.size() > max_steps_) steps_.pop_front();
  }
  return steps_.back();
}

void OpTimeline::apply(const prof::Event& e) {
  if (const auto* b = std::get_if<prof::SpanBatch>(&e)) {
    for (const prof::SpanRecord& s : b->spans) {
      if (prof::is_other(s)) continue;  // the sum of the gaps, not a place on the clock
      TimelineStep& t = step_for(s);
      t.start_ns = std::min(t.start_ns, s.start_ns);
      t.end_ns = std::max(t.end_ns, s.start_ns + s.duration_ns);
      t.spans.push_back(s);
    }
  } else if (const auto* f = std::get_if<prof::StepFinished>(&e)) {
    if (!steps_.empty() && steps_.back().step == f->step.step && !steps_.back().finished) {
      TimelineStep& t = steps_.back();
      t.finished = true;
      t.start_ns = std::min(t.start_ns, f->step.start_ns);
      t.end_ns = std::max(t.end_ns, f->step.start_ns + f->step.duration_ns);
      std::stable_sort(t.spans.begin(), t.spans.end(),
                       [](const auto& a, const auto& b) { return a.start_ns < b.start_ns; });
    }
  }
}

int64_t OpTimeline::begin_ns() const {
  return steps_.empty() ? 0 : steps_.front().start_ns;
}
int64_t OpTimeline::end_ns() const {
  return steps_.empty() ? 0 : steps_.back().end_ns;
}

size_t OpTimeline::span_count() const {
  size_t n = 0;
  for (const auto& s : steps_) n += s.spans.size();
  return n;
}

const prof::SpanRecord* OpTimeline::span_at(int64_t t) const {
  for (const TimelineStep& st : steps_) {
    if (t < st.start_ns || t > st.end_ns) continue;
    // Spans are in start order once the step finished; a step in progress is searched linearly.
    if (st.finished) {
      auto it = std::upper_bound(st.spans.begin(), st.spans.end(), t,
                                 [](int64_t v, const auto& s) { return v < s.start_ns; });
      if (it == st.spans.begin()) continue;
      --it;
      if (t < it->start_ns + it->duration_ns) return &*it;
    } else {
      for (const auto& s : st.spans)
        if (t >= s.start_ns && t < s.start_ns + s.duration_ns) return &s;
    }
  }
  return nullptr;
}

std::vector<LayerBand> layer_bands(const TimelineStep& step) {
  std::map<int32_t, LayerBand> bands;
  for (const prof::SpanRecord& s : step.spans) {
    auto [it, fresh] = bands.try_emplace(s.layer, LayerBand{s.layer, s.start_ns, s.start_ns});
    it->second.start_ns = std::min(it->second.start_ns, s.start_ns);
    it->second.end_ns = std::max(it->second.end_ns, s.start_ns + s.duration_ns);
  }
  std::vector<LayerBand> out;
  for (const auto& [layer, b] : bands) out.push_back(b);
  std::sort(out.begin(), out.end(),
            [](const LayerBand& a, const LayerBand& b) { return a.start_ns < b.start_ns; });
  return out;
}

void TimeWindow::zoom(double at, double factor) {
  if (factor <= 0) return;
  t0 = at - (at - t0) / factor;
  t1 = at + (t1 - at) / factor;
}

void TimeWindow::pan(double dt) {
  t0 += dt;
  t1 += dt;
}

void TimeWindow::clamp(double begin, double end, double min_width) {
  if (end <= begin) end = begin + min_width;
  double w = std::max(width(), min_width);
  if (w >= end - begin) {
    t0 = begin;
    t1 = end;
    return;
  }
  if (t0 < begin) t0 = begin;
  if (t0 + w > end) t0 = end - w;
  t1 = t0 + w;
}

}  // namespace archscope::views::live
