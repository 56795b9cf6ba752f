// Runs a subscriber's callback on its own std::thread: pops events until the channel closes and
// the queue is drained, so a slow consumer (a SQLite writer) costs the engine nothing but drops.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <thread>

#include "events/channel.hpp"

namespace archscope::prof {

class SubscriberThread {
 public:
  using Callback = std::function<void(const Event&)>;

  // Subscribes before the thread starts, so no event published after construction is missed.
  SubscriberThread(EventChannel& channel, std::string name, size_t capacity, Callback on_event);
  SubscriberThread(const SubscriberThread&) = delete;
  SubscriberThread& operator=(const SubscriberThread&) = delete;
  // Joins. When the channel is still open the subscription is cancelled first (the thread would
  // otherwise wait forever); when it is closed, the remaining events are handled first.
  ~SubscriberThread();

  // Waits until the channel is closed and every queued event handled. Rethrows an exception the
  // callback threw; the thread stopped consuming (and unsubscribed) at that point.
  void join();
  // Stops early: unsubscribes, discards what is queued, and joins (rethrowing as join does).
  void stop();

  SubscriberStats stats() const { return sub_.stats(); }

 private:
  void run();

  Subscription sub_;
  Callback on_event_;
  std::exception_ptr error_;  // written by the thread, read after join
  std::thread thread_;        // last: starts once everything above is built
};

}  // namespace archscope::prof
