// The run event stream: the engine-side runner publishes, every subscriber (terminal view, SQLite
// writer, desktop app) gets its own bounded queue and consumes at its own pace, on its own thread
// (events/subscriber_thread.hpp) or by polling.
//
// publish() never waits for a subscriber: when a subscriber's queue is full the event is dropped
// for that subscriber only, and counted. Dropping is never silent: the subscriber receives a
// Dropped{count, total} notice in front of the next event that fits (or at close), the terminal
// RunFinished / RunFailed it receives carries its total, and stats() reports it at any time.
// Terminal events are never dropped.
//
// close() ends the stream: later publishes are refused, events already queued stay deliverable,
// and pop() returns nullptr once a closed queue is drained.
//
// Thread-safe: any number of producer and consumer threads. Events published concurrently by
// several producers reach every subscriber in one same order.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "events/events.hpp"
#include "events/subscriber_queue.hpp"

namespace archscope::prof {

// A subscriber's end: move-only; destroying it (or cancel()) unsubscribes. Its methods may be
// called from several threads (one consuming, another cancelling or reading stats).
class Subscription {
 public:
  Subscription() = default;
  Subscription(Subscription&&) noexcept = default;
  Subscription& operator=(Subscription&& other) noexcept;
  ~Subscription();

  // Next event; blocks until one is queued. nullptr once the channel is closed and the queue
  // drained, or after cancel().
  EventPtr pop();
  // Polling: nullptr when nothing is queued right now.
  EventPtr try_pop();
  EventPtr pop_for(std::chrono::nanoseconds timeout);

  // The channel is closed (or this subscription cancelled): nothing more will be queued.
  bool closed() const;
  SubscriberStats stats() const;
  // Stop receiving: queued events are discarded, pop() returns nullptr (waking a blocked pop),
  // the channel forgets it. stats() stay readable.
  void cancel();
  explicit operator bool() const { return queue_ != nullptr; }

 private:
  friend class EventChannel;
  explicit Subscription(std::shared_ptr<detail::SubscriberQueue> q) : queue_(std::move(q)) {}
  std::shared_ptr<detail::SubscriberQueue> queue_;
};

class EventChannel {
 public:
  EventChannel() = default;
  EventChannel(const EventChannel&) = delete;
  EventChannel& operator=(const EventChannel&) = delete;
  ~EventChannel();  // closes

  // A new subscriber; it sees events published from now on. capacity >= 1, else
  // Error(Validation, "capacity"). Subscribing to a closed channel gives a closed subscription.
  Subscription subscribe(std::string name, size_t capacity);

  // Offers the event to every subscriber. Returns false (and offers nothing) once closed.
  // Throws Error(Validation, "event") for a Dropped notice, which only the channel makes.
  bool publish(Event e);

  void close();
  bool closed() const;

  // Live subscribers, in subscription order.
  std::vector<SubscriberStats> stats() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<detail::SubscriberQueue>> subscribers_;
  bool closed_ = false;
};

}  // namespace archscope::prof
