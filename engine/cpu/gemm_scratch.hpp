// Buffers of the packed GEMM (simd/gemm.hpp) for the ops that run it: 64-byte aligned float
// buffers for packed activations (freed when the op returns) and a per-thread scratch for widened
// weight blocks, kept for the next call (pool threads live as long as the backend).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace archscope::cpu {

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};
using FloatBuffer = std::unique_ptr<float, FreeDeleter>;

// n floats, 64-byte aligned; throws Error(Resource, op) naming `what` when the allocation fails.
FloatBuffer alloc_floats(size_t n, const char* op, const char* what);

// This thread's weight scratch of at least `floats` floats (grown on demand, never shrunk).
float* thread_gemm_scratch(size_t floats);
// This thread's panel of dequantized weight rows (packed formats' prefill), at least `floats`
// floats, apart from the GEMM scratch the same call uses beside it.
float* thread_dequant_scratch(size_t floats);

}  // namespace archscope::cpu
