// What the attention kernels take, validated by ops/attention.cu; one struct for the kernel
// families (split-K flash-decoding, decode, tensor-core flash prefill, naive), each in its own
// file.
#pragma once

#include <cstdint>

#include "cuda/kernels/elem.hpp"

namespace archscope::cuda {

class CudaBackend;
struct KvView;

struct AttentionArgs {
  const float* q = nullptr;       // [T, Hq, qk_dim]
  const int32_t* qpos = nullptr;  // [T]
  const float* sinks = nullptr;   // [Hq] or null
  float* out = nullptr;           // [T, Hq, v_dim]
  int64_t T = 0, Hq = 0;
  int mask = 0;  // AttentionMask
  int64_t window = 0;
  float scale = 0.0f, softcap = 0.0f;
};

// Split-K over the keys (flash-decoding) with fp32 math on any pool type and head sizes: used for
// decode, for fp32 pools and for head sizes the tensor-core kernel does not take.
void attention_split(CudaBackend& be, const AttentionArgs& a, const KvView& kv);
// Decode (up to 8 query tokens) with qk_dim == v_dim in {32, 64, 128}: one warp per query head,
// 32-key splits merged by the last block. Returns false when it does not apply.
bool attention_decode(CudaBackend& be, const AttentionArgs& a, const KvView& kv);
// Tensor-core (mma.sync bf16/fp16, fp32 accumulation) flash attention for prefill over bf16/fp16
// pools with qk_dim == v_dim in {64, 128}, FlashAttention-2 style (cp.async double-buffered K/V,
// ldmatrix). Returns false when it does not apply.
bool attention_flash_fa2(CudaBackend& be, const AttentionArgs& a, const KvView& kv);
// The first tensor-core kernel (K/V through registers, V transposed by hand, 2 blocks per SM):
// the same domain, the fallback where the other's 37/70 KB of shared memory cannot be granted.
bool attention_flash_tc(CudaBackend& be, const AttentionArgs& a, const KvView& kv);
// One block per (query, head), all visible scores in shared memory: the reference variant.
void attention_naive(CudaBackend& be, const AttentionArgs& a, const KvView& kv);

}  // namespace archscope::cuda
