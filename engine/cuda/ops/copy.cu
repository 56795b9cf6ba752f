// dst = src byte for byte (any element type, equal numel): a device-to-device copy recorded in the
// launch queue, so it replays inside a step's CUDA graph like a kernel.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/cuda_backend.hpp"

namespace archscope::cuda {

void CudaBackend::copy(Stream& s, const Tensor& src, Tensor& dst) {
  const char* op = "copy";
  CudaBackend& be = cuda_of(*this, s, op);
  if (contract::check_copy(src, dst)) return;  // dst is src itself
  check_owned(src, op, "src");
  check_owned(dst, op, "dst");
  require_f(src.elem() == dst.elem(), op, [&] {
    return std::string("src is ") + to_string(src.elem()) + ", dst " + to_string(dst.elem());
  });
  require_f(src.numel() == dst.numel(), op, [&] {
    return "sizes differ: " + shape_string(src.shape()) + " vs " + shape_string(dst.shape());
  });
  const bool same = src.buffer() == dst.buffer() && src.byte_offset() == dst.byte_offset();
  if (same || src.bytes() == 0) return;
  check_no_overlap(dst, src, op, "dst overlaps src");
  be.queue().copy(dptr(dst), dptr(src), src.bytes(), cudaMemcpyDeviceToDevice);
}

}  // namespace archscope::cuda
