#include "cuda/check.hpp"

#include "common/error.hpp"
#include "cuda/cuda_backend.hpp"

namespace archscope::cuda {

void fail(const char* op, const std::string& message) {
  throw Error(ErrorKind::Validation, std::string("cuda.") + op, message);
}

void check_owned(const Tensor& t, const char* op, const char* name) {
  if (!t.defined()) fail(op, std::string(name) + " is required");
  if (dynamic_cast<CudaBackend*>(t.backend()) == nullptr)
    fail(op, std::string(name) + " lives on another backend");
}

void check_elem(const Tensor& t, Elem e, const char* op, const char* name) {
  check_owned(t, op, name);
  if (t.elem() != e)
    fail(op, std::string(name) + " is " + to_string(t.elem()) + ", expected " + to_string(e));
}

void check_float(const Tensor& t, const char* op, const char* name) {
  check_owned(t, op, name);
  if (elem_is_quantized(t.elem()))
    throw Error(
        ErrorKind::Unsupported, std::string("cuda.") + op,
        std::string(name) + ": " + to_string(t.elem()) + " weights have no CUDA kernel yet");
  if (t.elem() != Elem::F32 && t.elem() != Elem::BF16 && t.elem() != Elem::F16)
    fail(op, std::string(name) + " must be fp32, bf16 or fp16, is " + to_string(t.elem()));
}

void check_shape(const Tensor& t, std::initializer_list<int64_t> s, const char* op,
                 const char* name) {
  const Shape& have = t.shape();
  bool same = have.size() == s.size();
  if (same) {
    size_t i = 0;
    for (int64_t d : s) same = same && have[i++] == d;
  }
  if (!same)
    fail(op, std::string(name) + " has shape " + shape_string(have) + ", expected " +
                 shape_string(Shape(s)));
}

void check_no_overlap(const Tensor& out, const Tensor& in, const char* op, const char* what) {
  if (out.buffer() != in.buffer()) return;
  const size_t a0 = out.byte_offset(), a1 = a0 + out.bytes(), b0 = in.byte_offset(),
               b1 = b0 + in.bytes();
  if (a0 < b1 && b0 < a1) fail(op, what);
}

const float* in_f32(const Tensor& t, const char* op, const char* name) {
  check_elem(t, Elem::F32, op, name);
  return static_cast<const float*>(dptr(t));
}
float* out_f32(Tensor& t, const char* op, const char* name) {
  check_elem(t, Elem::F32, op, name);
  return static_cast<float*>(dptr(t));
}
const int32_t* in_i32(const Tensor& t, const char* op, const char* name) {
  check_elem(t, Elem::I32, op, name);
  return static_cast<const int32_t*>(dptr(t));
}
int32_t* out_i32(Tensor& t, const char* op, const char* name) {
  check_elem(t, Elem::I32, op, name);
  return static_cast<int32_t*>(dptr(t));
}

}  // namespace archscope::cuda
