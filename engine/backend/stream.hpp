// Streams and timers. Ops are enqueued on a stream and run in order; results are visible to the
// host only after synchronize(). A backend may run ops eagerly (the CPU backend does), but callers
// must not rely on that, so the same code drives an asynchronous CUDA backend.
#pragma once

namespace archscope {

class Backend;

class Stream {
 public:
  virtual ~Stream() = default;
  virtual Backend& backend() const = 0;
};

// Measures the span between two points of a stream's work, in the backend's own clock (a CPU
// steady clock here, CUDA events later). elapsed_ms() is valid once the stream is synchronised
// past stop(); it throws otherwise.
class Timer {
 public:
  virtual ~Timer() = default;
  virtual void start(Stream& s) = 0;
  virtual void stop(Stream& s) = 0;
  virtual double elapsed_ms() const = 0;
  // Start / stop at the instant `other` last started, instead of reading the clock again: two
  // timers that meet at one point (a chain of segments, two clocks marking the same boundary)
  // share one reading, so nothing that happens between two calls (a preemption of the thread)
  // falls between them. The default reads the clock anew: right where marks are ordered on the
  // stream (device events enqueued back to back lie at one point of its work).
  virtual void start_at_start_of(Stream& s, const Timer& other) {
    (void)other;
    start(s);
  }
  virtual void stop_at_start_of(Stream& s, const Timer& other) {
    (void)other;
    stop(s);
  }
};

}  // namespace archscope
