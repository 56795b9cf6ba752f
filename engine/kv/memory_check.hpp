// Refusing allocations that cannot fit before making them: weights and KV pools estimate their
// bytes first and compare with the memory the host reports as available.
#pragma once

#include <cstdint>
#include <string>

namespace archscope {

// MemAvailable of /proc/meminfo in bytes; 0 when unknown (then nothing is refused).
uint64_t available_memory_bytes();
// Throws Error(Resource, where) when `bytes` exceed the available memory.
void check_fits(uint64_t bytes, const std::string& where);

}  // namespace archscope
