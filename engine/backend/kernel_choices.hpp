// Kernel variants a backend can be asked to use (`--kernel NAME=VARIANT`, repeatable), recorded
// with a run so two runs can show what a kernel choice is worth. The documented list:
//   attention = auto | flash | fp32 | naive
//                                      auto: flash. flash: tiled online-softmax kernels (tensor
//                                      cores for bf16/fp16 K/V prefill with head dim 64 or 128,
//                                      split-K flash-decoding otherwise). fp32: flash without the
//                                      tensor cores (fp32 arithmetic on every pool type). naive:
//                                      one block per query row and head, all scores materialised.
//   linear    = auto | cublas | gemv | gemv-stream
//                                      auto: gemv up to 8 token rows, cuBLASLt above. gemv: the
//                                      weight-streaming kernel for every row count (fp32
//                                      arithmetic on any weight dtype; 8-warp blocks, a warp per
//                                      row, long rows split over up to 8 warps). gemv-stream:
//                                      gemv with a persistent pipelined grid where a row is one
//                                      pass (K <= 2048 bf16), each warp walking several rows with
//                                      the next row's loads in flight. cublas:
//                                      cuBLASLt for every row count (bf16/fp16 weights: tensor
//                                      cores on activations rounded to the weight type; fp32:
//                                      plain fp32, no TF32).
//   experts   = auto | gemv | tensor | tiles
//                                      the MoE experts (grouped_linear). auto: gemv up to 4 rows
//                                      per expert on average (decode, small batches), tensor above
//                                      for bf16 experts; gemv everywhere with linear=gemv or
//                                      gemv-stream (fp32 arithmetic throughout). gemv: each tile of
//                                      up to 8 rows of an expert streams that expert's weights
//                                      once, one launch for all experts (fp32 arithmetic). tensor:
//                                      tensor-core tiles of 64 rows of one expert (bf16 weights,
//                                      activations rounded to bf16, fp32 accumulation; other dtypes
//                                      take gemv). tiles: the first kernel (8 outputs x 8 rows per
//                                      block, one load in flight per lane), kept to compare.
//   graphs    = on | off               replay repeated launch sequences as CUDA graphs.
//   pdl       = on | off               programmatic dependent launch between kernels.
//   fuse      = on | off               several adjacent plan ops as one call where the forward
//                                      pass can (Backend::fuses_ops: the attention residual +
//                                      pre-FFN norm as add_norm; for a decode row also q|k|v as
//                                      one linear, rope(q, k) + KV write as rope_kv_store, gate|up
//                                      + GLU as linear_glu, down + FFN residual as
//                                      linear_residual). off: one call per plan op.
// The CPU backend has one kernel per op and accepts only the defaults.
#pragma once

#include <string>
#include <vector>

namespace archscope {

enum class AttentionKernel { Auto, Flash, Fp32, Naive };
enum class LinearKernel { Auto, Cublas, Gemv, GemvStream };
enum class ExpertsKernel { Auto, Gemv, Tensor, Tiles };

struct KernelChoices {
  AttentionKernel attention = AttentionKernel::Auto;
  LinearKernel linear = LinearKernel::Auto;
  ExpertsKernel experts = ExpertsKernel::Auto;
  bool graphs = true;
  bool pdl = true;
  bool fuse = true;

  bool is_default() const;
  bool operator==(const KernelChoices&) const = default;
  // "attention=auto,linear=auto,experts=auto,graphs=on,pdl=on,fuse=on": what a run records.
  std::string to_string() const;
};

// Applies one "NAME=VARIANT" to `choices`. Throws Error(Validation, "--kernel", ...) naming the
// valid names or variants.
void apply_kernel_choice(KernelChoices& choices, const std::string& text);
KernelChoices parse_kernel_choices(const std::vector<std::string>& texts);

}  // namespace archscope
