// Rotary embeddings on q and k and the cache write of k and v as one op
// (Backend::rope_kv_store): rope() on q, rope() on k, then kv_store(), the very same arithmetic
// as the three calls (the CUDA backend does all of it in one kernel for a decode row).
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::rope_kv_store(Stream& s, Tensor& q, Tensor& k, const Tensor& v,
                               const Tensor& positions, const Tensor& cos, const Tensor& sin,
                               const RopeApplyParams& p, const KvBlocks& kv) {
  check_stream(*this, s, "rope_kv_store");
  // What the three ops would refuse, refused before q or k is rotated.
  contract::check_rope(q, positions, cos, sin, p);
  contract::check_rope(k, positions, cos, sin, p);
  contract::check_kv_store(k, v, positions, kv, 0);
  rope(s, q, positions, cos, sin, p);
  rope(s, k, positions, cos, sin, p);
  kv_store(s, k, v, positions, kv);
}

}  // namespace archscope::cpu
