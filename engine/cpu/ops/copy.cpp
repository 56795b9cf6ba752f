// dst = src byte for byte within the backend (any element type): the forward pass's tensor
// copies, which used to be a softcap by one.
#include <cstring>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::copy(Stream& s, const Tensor& src, Tensor& dst) {
  const char* op = "copy";
  check_stream(*this, s, op);
  check_cpu(src, op, "src");
  check_cpu(dst, op, "dst");
  require(src.elem() == dst.elem(), op,
          std::string("src is ") + to_string(src.elem()) + ", dst " + to_string(dst.elem()));
  require(src.numel() == dst.numel(), op,
          "sizes differ: " + shape_string(src.shape()) + " vs " + shape_string(dst.shape()));
  const bool same = src.buffer() == dst.buffer() && src.byte_offset() == dst.byte_offset();
  if (same || src.bytes() == 0) return;
  require(src.buffer() != dst.buffer() || src.byte_offset() + src.bytes() <= dst.byte_offset() ||
              dst.byte_offset() + dst.bytes() <= src.byte_offset(),
          op, "dst overlaps src");
  std::memcpy(raw(dst), raw(src), src.bytes());
}

}  // namespace archscope::cpu
