#include "events/subscriber_queue.hpp"

namespace archscope::prof::detail {

namespace {

// Terminal events are copied per subscriber so each carries its own drop total.
EventPtr stamp_drops(const EventPtr& e, uint64_t dropped) {
  if (const auto* f = std::get_if<RunFinished>(e.get())) {
    RunFinished copy = *f;
    copy.events_dropped = dropped;
    return std::make_shared<const Event>(std::move(copy));
  }
  if (const auto* f = std::get_if<RunFailed>(e.get())) {
    RunFailed copy = *f;
    copy.events_dropped = dropped;
    return std::make_shared<const Event>(std::move(copy));
  }
  return e;
}

}  // namespace

void SubscriberQueue::push_notice_locked() {
  if (pending_drops_ == 0) return;
  queue_.push_back(std::make_shared<const Event>(Dropped{pending_drops_, dropped_}));
  pending_drops_ = 0;
}

void SubscriberQueue::offer(const EventPtr& e) {
  {
    std::lock_guard lock(mu_);
    if (closed_ || cancelled_) return;
    ++offered_;
    const bool terminal = is_terminal(*e);
    // A terminal event is queued even over capacity: it happens once per run, and a consumer
    // must always learn how the run ended. Everything else is dropped when the queue is full,
    // because the engine must never wait for a slow view.
    if (!terminal && queue_.size() >= capacity_) {
      ++dropped_;
      ++pending_drops_;
      return;
    }
    // The notice rides along with the event that found room, so the queue can hold
    // capacity + 1 entries (+ the terminal event): a notice is never itself dropped.
    push_notice_locked();
    queue_.push_back(terminal ? stamp_drops(e, dropped_) : e);
  }
  cv_.notify_one();
}

void SubscriberQueue::close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    push_notice_locked();  // drops after the last queued event are reported too
  }
  cv_.notify_all();
}

bool SubscriberQueue::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

bool SubscriberQueue::closed() const {
  std::lock_guard lock(mu_);
  return closed_ || cancelled_;
}

void SubscriberQueue::cancel() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    queue_.clear();
  }
  cv_.notify_all();
}

EventPtr SubscriberQueue::take_locked() {
  EventPtr e = std::move(queue_.front());
  queue_.pop_front();
  if (std::holds_alternative<Dropped>(*e))
    ++notices_;
  else
    ++delivered_;
  return e;
}

EventPtr SubscriberQueue::pop() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !queue_.empty() || closed_ || cancelled_; });
  return queue_.empty() ? nullptr : take_locked();
}

EventPtr SubscriberQueue::try_pop() {
  std::lock_guard lock(mu_);
  return queue_.empty() ? nullptr : take_locked();
}

EventPtr SubscriberQueue::pop_for(std::chrono::nanoseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || closed_ || cancelled_; });
  return queue_.empty() ? nullptr : take_locked();
}

SubscriberStats SubscriberQueue::stats() const {
  std::lock_guard lock(mu_);
  return {name_, capacity_, offered_, dropped_, delivered_, notices_, queue_.size()};
}

}  // namespace archscope::prof::detail
