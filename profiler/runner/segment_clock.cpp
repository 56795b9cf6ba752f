#include "runner/segment_clock.hpp"

#include <cmath>
#include <utility>

#include "common/error.hpp"

namespace archscope::prof {

size_t SegmentClock::mark(Stream& s) {
  return advance(s, nullptr);
}

size_t SegmentClock::mark_at(Stream& s, const SegmentClock& leader) {
  if (leader.used_ == 0) throw Error(ErrorKind::Internal, "segment clock", "leader never marked");
  return advance(s, leader.pool_[leader.used_ - 1].get());  // started at the leader's last mark
}

size_t SegmentClock::advance(Stream& s, const Timer* at) {
  if (used_ == pool_.size()) pool_.push_back(backend_.create_timer());
  Timer& next = *pool_[used_];
  if (at)
    next.start_at_start_of(s, *at);
  else
    next.start(s);
  if (used_ > 0) pool_[used_ - 1]->stop_at_start_of(s, next);
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
