#include "model/kernel_records.hpp"

namespace archscope::prof {

const char* to_string(ActivityKind k) {
  switch (k) {
    case ActivityKind::Kernel:
      return "kernel";
    case ActivityKind::Memcpy:
      return "memcpy";
    case ActivityKind::Memset:
      return "memset";
  }
  return "kernel";
}

bool parse_activity_kind(const std::string& s, ActivityKind& out) {
  for (ActivityKind k : {ActivityKind::Kernel, ActivityKind::Memcpy, ActivityKind::Memset})
    if (s == to_string(k)) {
      out = k;
      return true;
    }
  return false;
}

}  // namespace archscope::prof
