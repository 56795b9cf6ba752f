#include "model/step.hpp"

#include "common/error.hpp"

namespace archscope::model_detail {

Tensor view(const Tensor& t, int64_t elem_offset, Shape shape) {
  return Tensor(t.buffer(), t.elem(), std::move(shape),
                t.byte_offset() + static_cast<size_t>(elem_offset) * static_cast<size_t>(elem_bits(t.elem()) / 8));
}

void copy(Step& st, const Tensor& src, Tensor& dst) { st.be.softcap(st.s, src, 1.0f, 0.0f, dst); }

Tensor zeros(Step& st, Shape shape) {
  Tensor t = st.alloc(std::move(shape));
  std::vector<float> host(static_cast<size_t>(t.numel()), 0.0f);
  st.be.upload(st.s, host.data(), t);
  st.be.synchronize(st.s);  // the host buffer dies here
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
