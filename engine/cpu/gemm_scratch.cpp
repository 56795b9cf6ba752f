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

float* thread_gemm_scratch(size_t floats) {
  thread_local FloatBuffer buf;
  thread_local size_t cap = 0;
  if (cap < floats) {
    buf.reset();
    cap = 0;
    buf = alloc_floats(floats, "gemm", "GEMM scratch");
    cap = floats;
  }
  return buf.get();
}

}  // namespace archscope::cpu
