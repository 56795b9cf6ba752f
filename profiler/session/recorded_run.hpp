// A profiled run recorded into the run store: the run's events go to a SQLite writer on its own
// thread (every record into the database, each finished step committed so readers see it), and
// to any other subscriber the caller adds (the CLI's terminal view, the desktop app's live
// views) before run(). The CLI and the desktop app start runs through this one path.
//
//   RecordedRun rec(store, run);          // the run row exists now: rec.id()
//   SubscriberThread view(rec.channel(), "view", 256, ...);
//   RecordedResult r = rec.run();         // on this thread (the app: on a worker thread)
//
// The store's connection belongs to the writer thread while run() is in progress: do not use the
// store meanwhile.
#pragma once

#include <cstdint>
#include <memory>

#include "events/channel.hpp"
#include "runner/profiled_run.hpp"
#include "store/run_store.hpp"

namespace archscope::prof::session {

struct RecordedResult {
  int64_t id = 0;
  RunResult result;             // result.data.run is final: status, failure, finished_at
  uint64_t writer_dropped = 0;  // events the database writer missed (its queue was full)
};

class RecordedRun {
 public:
  // Creates the run's row (the run gets its id) and starts the writer thread.
  RecordedRun(store::RunStore& store, ProfiledRun& run);
  ~RecordedRun();
  RecordedRun(const RecordedRun&) = delete;
  RecordedRun& operator=(const RecordedRun&) = delete;

  int64_t id() const { return id_; }
  // Subscribe here before run(); the channel is closed when run() returns.
  EventChannel& channel() { return channel_; }

  // Runs the model to the end, then closes the channel and waits for the writer. An engine error
  // is stored as the run's failure first and then rethrown. Call once.
  RecordedResult run();

 private:
  struct Writer;
  ProfiledRun& run_;
  int64_t id_ = 0;
  EventChannel channel_;
  std::unique_ptr<Writer> writer_;
};

}  // namespace archscope::prof::session
