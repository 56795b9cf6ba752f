// One subscriber's bounded queue inside an EventChannel (events/channel.hpp). Internal: users see
// it through Subscription. Its own mutex, so a consumer popping never contends with other
// subscribers, and the publisher holds it only to push a pointer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "events/events.hpp"

namespace archscope::prof {

using EventPtr = std::shared_ptr<const Event>;

struct SubscriberStats {
  std::string name;
  size_t capacity = 0;
  uint64_t offered = 0;    // events published while subscribed
  uint64_t dropped = 0;    // offered, not queued: the queue was full
  uint64_t delivered = 0;  // events popped (Dropped notices not included)
  uint64_t notices = 0;    // Dropped notices popped
  size_t queued = 0;       // entries waiting now (events and notices)
  // Once closed and drained: offered == delivered + dropped, and the notices' counts sum to
  // dropped.
};

namespace detail {

class SubscriberQueue {
 public:
  SubscriberQueue(std::string name, size_t capacity)
      : name_(std::move(name)), capacity_(capacity) {}

  // Publisher side (called with the channel's lock held, so offers are serialised).
  void offer(const EventPtr& e);
  void close();
  bool cancelled() const;

  // Consumer side.
  EventPtr pop();  // blocks; nullptr once closed (or cancelled) and empty
  EventPtr try_pop();
  EventPtr pop_for(std::chrono::nanoseconds timeout);
  void cancel();  // stop receiving: queued entries are discarded, pop returns nullptr
  bool closed() const;
  SubscriberStats stats() const;

 private:
  void push_notice_locked();  // queues Dropped{pending} when drops are pending
  EventPtr take_locked();     // front entry, counted; queue must not be empty

  const std::string name_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<EventPtr> queue_;
  uint64_t offered_ = 0, dropped_ = 0, delivered_ = 0, notices_ = 0;
  uint64_t pending_drops_ = 0;  // dropped since the last notice
  bool closed_ = false;
  bool cancelled_ = false;
};

}  // namespace detail
}  // namespace archscope::prof
