#include "events/channel.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace archscope::prof {

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    cancel();
    queue_ = std::move(other.queue_);
  }
  return *this;
}

Subscription::~Subscription() {
  cancel();
}

EventPtr Subscription::pop() {
  return queue_ ? queue_->pop() : nullptr;
}
EventPtr Subscription::try_pop() {
  return queue_ ? queue_->try_pop() : nullptr;
}
EventPtr Subscription::pop_for(std::chrono::nanoseconds timeout) {
  return queue_ ? queue_->pop_for(timeout) : nullptr;
}
bool Subscription::closed() const {
  return !queue_ || queue_->closed();
}
SubscriberStats Subscription::stats() const {
  return queue_ ? queue_->stats() : SubscriberStats{};
}

void Subscription::cancel() {
  // The queue stays referenced (not reset) so that a thread blocked in pop() keeps a valid
  // object and stats stay readable; the channel drops its own reference at its next publish.
  if (queue_) queue_->cancel();
}

EventChannel::~EventChannel() {
  close();
}

Subscription EventChannel::subscribe(std::string name, size_t capacity) {
  if (capacity < 1)
    throw Error(ErrorKind::Validation, "capacity", "a subscriber queue needs room for one event");
  auto q = std::make_shared<detail::SubscriberQueue>(std::move(name), capacity);
  std::lock_guard lock(mu_);
  if (closed_)
    q->close();
  else
    subscribers_.push_back(q);
  return Subscription(std::move(q));
}

bool EventChannel::publish(Event e) {
  if (std::holds_alternative<Dropped>(e))
    throw Error(ErrorKind::Validation, "event",
                "Dropped notices are made by the channel, not published");
  // One allocation shared by all subscribers: the engine pays for the event once, however many
  // views are attached.
  const EventPtr shared = std::make_shared<const Event>(std::move(e));
  std::lock_guard lock(mu_);
  if (closed_) return false;
  std::erase_if(subscribers_, [](const auto& q) { return q->cancelled(); });
  for (const auto& q : subscribers_) q->offer(shared);
  return true;
}

void EventChannel::close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  for (const auto& q : subscribers_) q->close();
}

bool EventChannel::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::vector<SubscriberStats> EventChannel::stats() const {
  std::lock_guard lock(mu_);
  std::vector<SubscriberStats> out;
  for (const auto& q : subscribers_)
    if (!q->cancelled()) out.push_back(q->stats());
  return out;
}

}  // namespace archscope::prof
