#include "events/subscriber_thread.hpp"

#include <utility>

namespace archscope::prof {

SubscriberThread::SubscriberThread(EventChannel& channel, std::string name, size_t capacity,
                                   Callback on_event)
    : sub_(channel.subscribe(std::move(name), capacity)),
      on_event_(std::move(on_event)),
      thread_([this] { run(); }) {}

SubscriberThread::~SubscriberThread() {
  if (!sub_.closed()) sub_.cancel();  // see the header: never hang in a destructor
  if (thread_.joinable()) thread_.join();
}

void SubscriberThread::run() {
  try {
    while (EventPtr e = sub_.pop()) on_event_(*e);
  } catch (...) {
    error_ = std::current_exception();
    sub_.cancel();  // stop queueing for a consumer that is gone
  }
}

void SubscriberThread::join() {
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void SubscriberThread::stop() {
  sub_.cancel();
  join();
}

}  // namespace archscope::prof
