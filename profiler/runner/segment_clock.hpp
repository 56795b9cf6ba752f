// Points of a stream's work on the backend's clock, from a chain of Timers: each mark() stops the
// running timer and starts the next one, so consecutive marks are separated by exactly one timed
// segment and a mark's offset is the sum of the segments before it. The backend Timer only measures
// between its own start and stop (CUDA events later), so this chain is how spans get a start as
// well as a duration. Timers are pooled: after collect() the stopped ones are reused, so a steady
// run allocates nothing per op.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backend/backend.hpp"

namespace archscope::prof {

class SegmentClock {
 public:
  explicit SegmentClock(Backend& backend) : backend_(backend) {}

  // A new point at the current end of the stream's work; returns its index in the next collect().
  // The segment it ends and the one it begins share one clock reading (Timer::start_at_start_of),
  // so the segments of a chain add up to the time between its first and last marks.
  size_t mark(Stream& s);
  // A point at the instant of `leader`'s last mark (one clock reading for both clocks), for two
  // clocks that mark the same boundary. `leader` must have marked at least once.
  size_t mark_at(Stream& s, const SegmentClock& leader);

  // Once the stream is synchronised past the last mark: offsets in ns since the first mark ever.
  // Index 0 is the last mark of the previous round (the first mark ever, in the first round), then
  // the marks made since, in order. The last mark's timer keeps running into the next round.
  std::vector<int64_t> collect();

 private:
  // Ends the running segment and begins the next one at the instant `at` started (nullptr: now).
  size_t advance(Stream& s, const Timer* at);

  Backend& backend_;
  std::vector<std::unique_ptr<Timer>> pool_;  // pool_[0] runs from the last collected mark
  size_t used_ = 0;                           // timers started since then (pool_[0..used_))
  int64_t base_ns_ = 0;                       // offset of the mark pool_[0] started at
};

}  // namespace archscope::prof
