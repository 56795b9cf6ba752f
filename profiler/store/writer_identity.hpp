// Who is writing a run, recorded with the run so that a later open can tell a run whose writer
// crashed (kill -9, power loss) from one that is still being written by a live process.
#pragma once

#include <cstdint>
#include <string>

namespace archscope::prof::store {

struct WriterIdentity {
  int64_t pid = 0;
  std::string host;     // gethostname()
  std::string boot_id;  // /proc/sys/kernel/random/boot_id; empty where unavailable
  int64_t start_ticks = 0;  // process start time from /proc/<pid>/stat (field 22); 0 if unknown
};

WriterIdentity current_writer();

enum class Liveness { Alive, Dead, Unknown };

// Judged from `self`'s point of view. Dead only when certain: same host and a different boot, or
// the pid does not exist, or it is a zombie, or it was reused by a process that started at another
// time. A writer on another host is Unknown (a database on a shared file system), and the caller
// must treat Unknown like Alive: a reader must never mark a live run interrupted.
Liveness writer_liveness(const WriterIdentity& writer, const WriterIdentity& self);

}  // namespace archscope::prof::store
