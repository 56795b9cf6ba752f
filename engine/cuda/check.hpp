// Argument checks of the CUDA ops (host metadata only: element types, shapes, ownership) and the
// only place that turns a tensor into a device pointer. Messages are built only on failure, so a
// check costs a comparison on the decode path.
#pragma once

#include <string>

#include "backend/backend.hpp"
#include "cuda/kernels/elem.hpp"

namespace archscope::cuda {

[[noreturn]] void fail(const char* op, const std::string& message);
inline void require(bool ok, const char* op, const char* message) {
  if (!ok) fail(op, message);
}
template <class F>
inline void require_f(bool ok, const char* op, F&& message) {
  if (!ok) fail(op, message());
}

void check_owned(const Tensor& t, const char* op, const char* name);
void check_elem(const Tensor& t, Elem e, const char* op, const char* name);
// F32, BF16 or F16 (quantized weights: Unsupported until they have kernels).
void check_float(const Tensor& t, const char* op, const char* name);
void check_shape(const Tensor& t, std::initializer_list<int64_t> s, const char* op,
                 const char* name);
// out must not share bytes with in (ops that read rows of `in` after writing `out`).
void check_no_overlap(const Tensor& out, const Tensor& in, const char* op, const char* what);

inline void* dptr(const Tensor& t) {
  return static_cast<char*>(t.buffer()->handle()) + t.byte_offset();
}
inline FElem felem(Elem e) {
  return e == Elem::BF16 ? FElem::BF16 : e == Elem::F16 ? FElem::F16 : FElem::F32;
}

const float* in_f32(const Tensor& t, const char* op, const char* name);
float* out_f32(Tensor& t, const char* op, const char* name);
const int32_t* in_i32(const Tensor& t, const char* op, const char* name);
int32_t* out_i32(Tensor& t, const char* op, const char* name);

}  // namespace archscope::cuda
