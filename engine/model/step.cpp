#include "model/step.hpp"

#include "common/error.hpp"

namespace archscope::model_detail {

Tensor view(const Tensor& t, int64_t elem_offset, Shape shape) {
  return Tensor(t.buffer(), t.elem(), std::move(shape),
                t.byte_offset() + static_cast<size_t>(elem_offset) * static_cast<size_t>(elem_bits(t.elem()) / 8));
}

void copy(Step& st, const Tensor& src, Tensor& dst) { st.be.copy(st.s, src, dst); }

Tensor zeros(Step& st, Shape shape) {
  Tensor t = st.alloc(std::move(shape));
  st.be.fill(st.s, t, 0.0f);
  return t;
}

NormOp norm_op(NormKind k) {
  switch (k) {
    case NormKind::RmsNorm: return NormOp::Rms;
    case NormKind::RmsNormPlusOne: return NormOp::RmsPlusOne;
    case NormKind::LayerNorm: return NormOp::Layer;
  }
  throw Error(ErrorKind::Internal, "norm", "unknown norm kind");
}

}  // namespace archscope::model_detail
