// Follows a run that another process is writing into a run database (`archscope run` in a
// terminal, watched from the desktop app or `archscope runs follow`): each poll() turns what was
// committed since the last one into the same events the live run published, so the same live
// fold (views/live) renders a followed run and a run of this process alike.
//
// The database is opened read-only (store/run_store.hpp: nothing is created or changed), and only
// for the length of a poll: an open connection would keep the writer from returning the file to
// its one-file form when it closes (a WAL file stays while any connection is open). A step
// becomes visible when the writer commits it, which it does at every StepFinished with all the
// step's records; the run's final status is read in the same snapshot as its last steps, so the
// terminal event always comes after every step.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "events/events.hpp"
#include "store/run_store.hpp"

namespace archscope::prof::session {

class RunFollower {
 public:
  // Throws as RunStore::open_read_only does; Error(NotFound) for an unknown run id.
  RunFollower(const std::filesystem::path& db, int64_t run_id);

  // New events, in run order: RunStarted on the first poll; per newly committed step its
  // SpanBatch, ExpertCounts and Activations (when recorded) closed by StepFinished; and once the
  // run's status is final, RunFinished (with the summary of the stored run) or RunFailed. Empty
  // when nothing new was committed; empty forever after the terminal event.
  std::vector<Event> poll();

  bool done() const { return done_; }
  int64_t run_id() const { return id_; }

 private:
  std::filesystem::path db_;
  int64_t id_;
  int64_t next_step_ = 0;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace archscope::prof::session
