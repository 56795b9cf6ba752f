// Memory figures of the running process and the machine: what `generate` / `logits` check before
// allocating weights (so an oversized model fails with one line instead of an OOM kill) and what
// `bench` reports as peak RSS.
#pragma once

#include <cstdint>
#include <string>

namespace archscope {

// MemAvailable from /proc/meminfo in bytes; 0 when it cannot be read.
uint64_t mem_available_bytes();

// Peak resident set of this process (VmHWM of /proc/self/status) in bytes; 0 when unknown.
uint64_t peak_rss_bytes();

// Throws Error(Resource, "memory", ...) when weights + kv bytes exceed `available` (pass
// mem_available_bytes()); does nothing when `available` is 0 (unknown: let the allocator decide).
void check_fits_in_memory(uint64_t weights_bytes, uint64_t kv_bytes, uint64_t available,
                          const std::string& what);

// "1.23 GiB" style for messages.
std::string format_bytes(uint64_t bytes);

}  // namespace archscope
