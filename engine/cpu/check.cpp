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

void check_cpu_optional(const Tensor& t, const char* op, const char* name) {
  if (t.defined()) check_cpu(t, op, name);
}

void check_cpu(const KvBlocks& kv, const char* op) {
  check_cpu(kv.k, op, "kv.k");
  check_cpu(kv.v, op, "kv.v");
  check_cpu(kv.block_table, op, "kv.block_table");
  if (kv.k_scale.defined()) check_cpu(kv.k_scale, op, "kv.k_scale");
  if (kv.v_scale.defined()) check_cpu(kv.v_scale, op, "kv.v_scale");
}

float load_float(const void* base, Elem e, int64_t i) {
  switch (e) {
    case Elem::F32:
      return static_cast<const float*>(base)[i];
    case Elem::BF16:
      return bf16_to_f32(static_cast<const uint16_t*>(base)[i]);
    case Elem::F16:
      return f16_to_f32(static_cast<const uint16_t*>(base)[i]);
    default:
      break;
  }
  throw Error(ErrorKind::Internal, "cpu.load_float", std::string("element type ") + to_string(e));
}

}  // namespace archscope::cpu
