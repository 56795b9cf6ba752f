// Memory figures of the running process for `bench` (peak RSS against weights + KV). The check
// that refuses an oversized model before allocating is engine/model/load.hpp's check_fits.
#pragma once

#include <cstdint>
#include <string>

namespace archscope {

// Peak resident set of this process (VmHWM of /proc/self/status) in bytes; 0 when unknown.
uint64_t peak_rss_bytes();
// Current resident set (VmRSS) in bytes; 0 when unknown.
uint64_t current_rss_bytes();

// Resets VmHWM to the current resident set (writes "5" to /proc/self/clear_refs, Linux >= 4.0),
// so the peaks of two phases (loading, running) can be told apart. False when not possible.
bool reset_peak_rss();

// "1.23 GiB" style for messages.
std::string format_bytes(uint64_t bytes);

}  // namespace archscope
