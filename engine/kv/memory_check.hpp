// Refusing allocations that cannot fit before making them: weights and KV pools estimate their
// bytes first and compare with the memory the host reports as available.
#pragma once

#include <cstdint>
#include <string>

#include "backend/backend.hpp"

namespace archscope {

// MemAvailable of /proc/meminfo in bytes; 0 when unknown (then nothing is refused).
uint64_t available_memory_bytes();
// Throws Error(Resource, where) when `bytes` exceed the available memory.
void check_fits(uint64_t bytes, const std::string& where);
// check_fits for an allocation in `backend`'s memory: only host memory (the CPU backend, or a
// wrapper of it) is checked against MemAvailable here; a device's memory is checked by the model
// stack against the device's own free figure.
void check_fits_in(const Backend& backend, uint64_t bytes, const std::string& where);

}  // namespace archscope
