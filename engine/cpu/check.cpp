#include "cpu/check.hpp"

#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/half.hpp"

namespace archscope::cpu {

void fail(const char* op, const std::string& message) {
  throw Error(ErrorKind::Validation, std::string("cpu.") + op, message);
}

void check_stream(Backend& self, Stream& s, const char* op) {
  require(&s.backend() == &self, op, "stream belongs to another backend");
}

void check_cpu(const Tensor& t, const char* op, const char* name) {
  require(t.defined(), op, std::string(name) + " is required");
  require(dynamic_cast<CpuBackend*>(t.backend()) != nullptr, op,
          std::string(name) + " lives on another backend");
}

void check_elem(const Tensor& t, Elem e, const char* op, const char* name) {
  check_cpu(t, op, name);
  require(t.elem() == e, op,
          std::string(name) + " is " + to_string(t.elem()) + ", expected " + to_string(e));
}

void check_float(const Tensor& t, const char* op, const char* name) {
  check_cpu(t, op, name);
  if (elem_is_quantized(t.elem()))
    throw Error(ErrorKind::Unsupported, std::string("cpu.") + op,
                std::string(name) + ": " + to_string(t.elem()) + " weights have no CPU kernel yet");
  require(t.elem() == Elem::F32 || t.elem() == Elem::BF16 || t.elem() == Elem::F16, op,
          std::string(name) + " must be fp32, bf16 or fp16, is " + to_string(t.elem()));
}

void check_shape(const Tensor& t, const Shape& s, const char* op, const char* name) {
  require(t.shape() == s, op,
          std::string(name) + " has shape " + shape_string(t.shape()) + ", expected " + shape_string(s));
}

const float* in_f32(const Tensor& t, const char* op, const char* name) {
  check_elem(t, Elem::F32, op, name);
  return static_cast<const float*>(raw(t));
}

float* out_f32(Tensor& t, const char* op, const char* name) {
  check_elem(t, Elem::F32, op, name);
  return static_cast<float*>(raw(t));
}

const int32_t* in_i32(const Tensor& t, const char* op, const char* name) {
  check_elem(t, Elem::I32, op, name);
  return static_cast<const int32_t*>(raw(t));
}

int32_t* out_i32(Tensor& t, const char* op, const char* name) {
  check_elem(t, Elem::I32, op, name);
  return static_cast<int32_t*>(raw(t));
}

float load_float(const void* base, Elem e, int64_t i) {
  switch (e) {
    case Elem::F32: return static_cast<const float*>(base)[i];
    case Elem::BF16: return bf16_to_f32(static_cast<const uint16_t*>(base)[i]);
    case Elem::F16: return f16_to_f32(static_cast<const uint16_t*>(base)[i]);
    default: break;
  }
  throw Error(ErrorKind::Internal, "cpu.load_float", std::string("element type ") + to_string(e));
}

}  // namespace archscope::cpu
