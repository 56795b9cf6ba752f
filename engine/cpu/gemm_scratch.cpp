#include "cpu/gemm_scratch.hpp"

#include <string>

#include "common/error.hpp"

namespace archscope::cpu {

FloatBuffer alloc_floats(size_t n, const char* op, const char* what) {
  FloatBuffer b(static_cast<float*>(std::aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64)));
  if (!b)
    throw Error(ErrorKind::Resource, std::string("cpu.") + op,
                std::string("cannot allocate ") + what);
  return b;
}

namespace {

float* grow(FloatBuffer& buf, size_t& cap, size_t floats, const char* op, const char* what) {
  if (cap < floats) {
    buf.reset();
    cap = 0;
    buf = alloc_floats(floats, op, what);
    cap = floats;
  }
  return buf.get();
}

}  // namespace

float* thread_gemm_scratch(size_t floats) {
  thread_local FloatBuffer buf;
  thread_local size_t cap = 0;
  return grow(buf, cap, floats, "gemm", "GEMM scratch");
}

float* thread_dequant_scratch(size_t floats) {
  thread_local FloatBuffer buf;
  thread_local size_t cap = 0;
  return grow(buf, cap, floats, "linear", "dequantized weight panel");
}

}  // namespace archscope::cpu
