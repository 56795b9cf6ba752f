// The row scales of the packed formats that carry them (int8-channel, fp8-e4m3-channel: one fp32
// per row; fp8-e4m3-block128: one per 128 columns of each row; Tensor::quant), checked before a
// kernel reads them. The linear itself, for every packed format, is linear_packed.cpp's.
#include "cpu/ops/linear_packed_formats.hpp"

#include <string>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

const float* packed_row_scales(const Tensor& w, int64_t rows, const char* op) {
  if (!elem_has_row_scales(w.elem())) return nullptr;
  const BlockScales& q = w.quant;
  const int64_t K = w.rank() ? w.dim(-1) : 0;
  const int64_t count = rows * elem_row_scale_count(w.elem(), K);
  require(q.scales != nullptr && q.block == elem_scale_block(w.elem(), K) && q.offset >= 0, op,
          std::string("w: a ") + to_string(w.elem()) + " tensor " + shape_string(w.shape()) +
              " without its row scales (Tensor::quant, block = " +
              std::to_string(elem_scale_block(w.elem(), K)) + ")");
  require(static_cast<size_t>(q.offset + count) * sizeof(float) <= q.scales->bytes(), op,
          "w: " + std::to_string(count) + " row scales from " + std::to_string(q.offset) +
              " overrun a scale buffer of " + std::to_string(q.scales->bytes()) + " bytes");
  require(dynamic_cast<CpuBackend*>(&q.scales->owner()) != nullptr, op,
          "w: row scales live on another backend");
  return static_cast<const float*>(q.scales->handle()) + q.offset;
}

}  // namespace archscope::cpu
