// Small builders and readers for the event-channel tests.
#pragma once

#include <cstdint>

#include "events/channel.hpp"

namespace prof_events_test {

using namespace archscope::prof;

// A SpanBatch whose one span carries `id` in its step field, so tests can track identity/order.
inline Event batch(int64_t id) {
  SpanRecord s;
  s.step = id;
  s.op = "q_proj";
  return SpanBatch{{s}};
}

inline int64_t batch_id(const Event& e) {
  return std::get<SpanBatch>(e).spans.at(0).step;
}

inline Event finished() {
  RunFinished f;
  f.run.status = RunStatus::Complete;
  return f;
}

}  // namespace prof_events_test
