#include "store/writer_identity.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace archscope::prof::store {

namespace {

struct ProcStat {
  bool ok = false;
  char state = '?';
  int64_t start_ticks = 0;
};

// /proc/<pid>/stat is "pid (comm) state f4 ... f22 ..."; comm may hold spaces and parentheses, so
// the fields are counted from the last ')'.
ProcStat read_proc_stat(int64_t pid) {
  ProcStat out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return out;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return out;
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  for (int index = 3; rest >> field; ++index) {
    if (index == 3) out.state = field.empty() ? '?' : field[0];
    if (index == 22) {
      out.start_ticks = std::stoll(field);
      out.ok = true;
      break;
    }
  }
  return out;
}

std::string read_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  if (in) std::getline(in, id);
  return id;
}

}  // namespace

WriterIdentity current_writer() {
  WriterIdentity w;
  w.pid = static_cast<int64_t>(getpid());
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) w.host = host;
  w.boot_id = read_boot_id();
  ProcStat st = read_proc_stat(w.pid);
  if (st.ok) w.start_ticks = st.start_ticks;
  return w;
}

Liveness writer_liveness(const WriterIdentity& writer, const WriterIdentity& self) {
  if (writer.host != self.host) return Liveness::Unknown;
  if (!writer.boot_id.empty() && !self.boot_id.empty() && writer.boot_id != self.boot_id) {
    return Liveness::Dead;  // the machine rebooted since: no process of that boot survives
  }
  if (writer.pid <= 0) return Liveness::Unknown;
  if (kill(static_cast<pid_t>(writer.pid), 0) != 0) {
    // EPERM: the pid exists but belongs to another user; only ESRCH proves it is gone.
    return errno == ESRCH ? Liveness::Dead : Liveness::Alive;
  }
  ProcStat st = read_proc_stat(writer.pid);
  if (!st.ok) return Liveness::Alive;  // no /proc: trust kill()
  if (st.state == 'Z' || st.state == 'X') return Liveness::Dead;  // exited, not yet reaped
  if (writer.start_ticks != 0 && st.start_ticks != writer.start_ticks) return Liveness::Dead;
  return Liveness::Alive;
}

}  // namespace archscope::prof::store
