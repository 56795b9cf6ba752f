// One worker thread for the studio's computations (analyses, the preset catalog), so editing never
// waits on them. Jobs are grouped in lanes: a new job replaces the one still waiting in its lane
// (latest wins — only the newest edit's analysis matters), and lanes run in the order posted.
// Jobs hand their results back to the UI thread themselves (QMetaObject::invokeMethod).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace archscope::studio {

class BackgroundWorker {
 public:
  BackgroundWorker();
  ~BackgroundWorker();  // finishes the running job, drops the waiting ones, joins
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  void post(const std::string& lane, std::function<void()> job);
  // Blocks until every job posted so far has run (tests, shutdown of a page).
  void wait_idle();

 private:
  void run();

  struct Job {
    std::string lane;
    std::function<void()> work;
  };
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<Job> jobs_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace archscope::studio
