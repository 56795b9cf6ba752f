#include "runner/segment_clock.hpp"

#include <cmath>
#include <utility>

namespace archscope::prof {

size_t SegmentClock::mark(Stream& s) {
  if (used_ > 0) pool_[used_ - 1]->stop(s);
  if (used_ == pool_.size()) pool_.push_back(backend_.create_timer());
  pool_[used_]->start(s);
  ++used_;
  return used_ - 1;
}

std::vector<int64_t> SegmentClock::collect() {
  std::vector<int64_t> offsets;
  if (used_ == 0) return offsets;
  offsets.reserve(used_);
  int64_t t = base_ns_;
  offsets.push_back(t);
  for (size_t i = 0; i + 1 < used_; ++i) {
    t += std::llround(pool_[i]->elapsed_ms() * 1e6);
    offsets.push_back(t);
  }
  // The running timer (started at the last mark) moves to the front; the stopped ones are reused.
  std::swap(pool_[0], pool_[used_ - 1]);
  used_ = 1;
  base_ns_ = t;
  return offsets;
}

}  // namespace archscope::prof
