// Attention of a batch of query tokens of one sequence against its paged K/V (contract in
// backend/backend.hpp): logits scale * q.k over the visible keys (causal, sliding window or same
// chunk), optional soft-cap, softmax in fp32 with the optional sink logit in the denominator, the
// weighted sum of v; GQA/MQA by head groups; qk_dim and v_dim may differ (MLA). Kernel choice
// `attention` (backend/kernel_choices.hpp):
//   flash / auto: prefill (16+ queries) over bf16/fp16 pools with head dim 64 or 128 runs the
//     tensor-core kernel (attention/flash_fa2.cu, FlashAttention-2 style; attention/flash_tc.cu
//     where the former's shared memory is not granted); up to 8 queries with head dim 32/64/128 the
//     decode kernel (attention/decode.cu, one warp per query head, 32-key splits); everything
//     else the general split-K kernel (attention/split.cu). All but the tensor-core kernel in
//     fp32, which serves fp32 pools exactly.
//   fp32: the same without the tensor-core kernel (fp32 arithmetic for every pool type).
//   naive: attention/naive.cu.
// int8 / fp8 pools (KvView elem I8 / E4M3): every kernel but the tensor-core ones reads them,
// dequantizing each element as value(code) * its vector's fp32 scale (kernels/kv_quant.cuh).
#include "backend/op_contracts.hpp"
#include "cuda/attention/attention_args.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kv_layout.hpp"

namespace archscope::cuda {

void CudaBackend::attention(Stream& s, const Tensor& q, const Tensor& q_positions,
                            const KvBlocks& kv, const Tensor& sinks, Tensor& out,
                            const AttentionParams& ap) {
  const char* op = "attention";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_attention(q, q_positions, kv, sinks, out, ap);
  AttentionArgs a;
  a.q = in_f32(q, op, "q");
  a.qpos = in_i32(q_positions, op, "q_positions");
  a.out = out_f32(out, op, "out");
  require(q.rank() == 3, op, "q must be [T, heads, qk_dim]");
  a.T = q.dim(0);
  a.Hq = q.dim(1);
  const int64_t Dqk = q.dim(2);
  check_shape(q_positions, {a.T}, op, "q_positions");
  require(kv.length >= 0, op, "negative kv length");
  const KvView v = kv_view(kv, op);
  require_f(kv.length <= v.table_len * v.block_size, op, [&] {
    return "position " + std::to_string(kv.length - 1) + " beyond the block table (" +
           std::to_string(v.table_len * v.block_size) + " tokens)";
  });
  require(v.qk_dim == Dqk, op, "q head dim differs from the k pool");
  require(v.kv_heads > 0 && a.Hq % v.kv_heads == 0, op, "kv heads do not divide query heads");
  check_shape(out, {a.T, a.Hq, v.v_dim}, op, "out");
  if (sinks.defined()) {
    a.sinks = in_f32(sinks, op, "sinks");
    check_shape(sinks, {a.Hq}, op, "sinks");
  }
  require(ap.mask == AttentionMask::Causal || ap.window > 0, op,
          "sliding/chunked attention needs window > 0");
  check_no_overlap(out, q, op, "out must not overlap q");
  if (a.T == 0) return;
  a.mask = static_cast<int>(ap.mask);
  a.window = ap.window;
  a.scale = ap.scale != 0.0f ? ap.scale : 1.0f / sqrtf(static_cast<float>(Dqk));
  a.softcap = ap.softcap;
  const AttentionKernel choice = kernels().attention;
  // Pools of two element types (the contract allows it): only the naive kernel reads each pool in
  // its own type.
  if (choice == AttentionKernel::Naive || v.elem != v.velem) return attention_naive(be, a, v);
  // int8 / fp8 pools: the fp32 kernels dequantize on load (the tensor-core kernels stage 16-bit
  // K/V tiles only), so prefill over them runs the split-K kernel.
  const bool coded = v.elem == FElem::I8 || v.elem == FElem::E4M3;
  if (choice != AttentionKernel::Fp32 && !coded && a.T >= 16 &&
      (attention_flash_fa2(be, a, v) || attention_flash_tc(be, a, v)))
    return;
  if (a.T <= 8 && attention_decode(be, a, v)) return;
  attention_split(be, a, v);
}

}  // namespace archscope::cuda
