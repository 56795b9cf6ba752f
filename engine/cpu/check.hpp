// What the CPU backend checks itself once an op's contract (backend/op_contracts.hpp) holds: the
// stream and every tensor are its own. And the only place that turns a tensor into a host pointer.
#pragma once

#include <string>

#include "backend/backend.hpp"
#include "backend/op_contracts.hpp"

namespace archscope::cpu {

[[noreturn]] void fail(const char* op, const std::string& message);
inline void require(bool ok, const char* op, const std::string& message) {
  if (!ok) fail(op, message);
}

void check_stream(Backend& self, Stream& s, const char* op);
// Defined and owned by a CPU backend (any CPU backend: host memory is shared).
void check_cpu(const Tensor& t, const char* op, const char* name);
// check_cpu for a tensor that may be absent (undefined passes).
void check_cpu_optional(const Tensor& t, const char* op, const char* name);
void check_cpu(const KvBlocks& kv, const char* op);

// Host pointer of a checked CPU tensor (no checks here).
inline void* raw(const Tensor& t) {
  return static_cast<char*>(t.buffer()->handle()) + t.byte_offset();
}
template <class T>
T* host(const Tensor& t) {
  return static_cast<T*>(raw(t));
}
// Host pointer of an optional tensor, null when it is absent.
template <class T>
T* host_or_null(const Tensor& t) {
  return t.defined() ? host<T>(t) : nullptr;
}

// Element i of an F32/BF16/F16 tensor's data as float.
float load_float(const void* base, Elem e, int64_t i);

}  // namespace archscope::cpu
