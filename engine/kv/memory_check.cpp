#include "kv/memory_check.hpp"

#include <fstream>
#include <sstream>
#include <string_view>

#include "common/error.hpp"

namespace archscope {

uint64_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream s(line.substr(13));
    uint64_t kb = 0;
    s >> kb;
    return kb * 1024;
  }
  return 0;
}

void check_fits(uint64_t bytes, const std::string& where) {
  const uint64_t avail = available_memory_bytes();
  if (avail > 0 && bytes > avail)
    throw Error(ErrorKind::Resource, where,
                "needs " + std::to_string(bytes) + " bytes, only " + std::to_string(avail) + " available (MemAvailable)");
}

void check_fits_in(const Backend& backend, uint64_t bytes, const std::string& where) {
  if (std::string_view(backend.name()) == "cpu") check_fits(bytes, where);
}

}  // namespace archscope
