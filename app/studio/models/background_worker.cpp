#include "models/background_worker.hpp"

namespace archscope::studio {

BackgroundWorker::BackgroundWorker() : thread_([this] { run(); }) {}

BackgroundWorker::~BackgroundWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  thread_.join();
}

void BackgroundWorker::post(const std::string& lane, std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    bool replaced = false;
    for (Job& j : jobs_) {
      if (j.lane == lane) {
        j.work = std::move(job);
        replaced = true;
        break;
      }
    }
    if (!replaced) jobs_.push_back({lane, std::move(job)});
  }
  wake_.notify_one();
}

void BackgroundWorker::wait_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return (jobs_.empty() && !busy_) || stop_; });
}

void BackgroundWorker::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (stop_) break;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    // Jobs report their own errors to the UI; anything that still escapes must not end the
    // thread (std::terminate), so it is dropped here.
    try {
      job.work();
    } catch (...) {
    }
    lock.lock();
    busy_ = false;
    if (jobs_.empty()) idle_.notify_all();
  }
  busy_ = false;
  idle_.notify_all();
}

}  // namespace archscope::studio
