// Argument checks shared by the CPU ops, and the only place that turns a tensor into a host
// pointer: a tensor must be defined, owned by a CPU backend and of the expected element type.
#pragma once

#include <string>

#include "backend/backend.hpp"

namespace archscope::cpu {

[[noreturn]] void fail(const char* op, const std::string& message);
inline void require(bool ok, const char* op, const std::string& message) {
  if (!ok) fail(op, message);
}

void check_stream(Backend& self, Stream& s, const char* op);
void check_cpu(const Tensor& t, const char* op, const char* name);
void check_elem(const Tensor& t, Elem e, const char* op, const char* name);
// F32, BF16 or F16 (quantized weights: Unsupported until they have kernels).
void check_float(const Tensor& t, const char* op, const char* name);
void check_shape(const Tensor& t, const Shape& s, const char* op, const char* name);

// Host pointer of a checked CPU tensor (no checks here).
inline void* raw(const Tensor& t) {
  return static_cast<char*>(t.buffer()->handle()) + t.byte_offset();
}

const float* in_f32(const Tensor& t, const char* op, const char* name);
float* out_f32(Tensor& t, const char* op, const char* name);
const int32_t* in_i32(const Tensor& t, const char* op, const char* name);
int32_t* out_i32(Tensor& t, const char* op, const char* name);

// Element i of an F32/BF16/F16 tensor's data as float.
float load_float(const void* base, Elem e, int64_t i);

}  // namespace archscope::cpu
