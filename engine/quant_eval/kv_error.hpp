// The KV-cache part of `archscope quant` (--kv-dtypes): the SQNR of what an int8 / fp8 cache holds
// against the fp32 keys and values kv_store was given, per layer, 10·log10(Σx² / Σ(x − x̂)²) over
// every cached K and V element (MLA: the latent and rope key rows), each vector quantized as the
// cache does it (engine/quant/kv_rows.hpp, the same functions the CPU kv_store runs). Rows are
// counted once per (layer, position): a windowed layer's first step stores a staged copy and then
// the part the pool keeps.
#pragma once

#include <cstdint>
#include <set>
#include <tuple>
#include <vector>

#include "quant/eval_result.hpp"
#include "quant/kv_rows.hpp"

namespace archscope::quant_eval {

class KvErrorSums {
 public:
  explicit KvErrorSums(quant::KvCode code) : code_(code) {}
  // rows [T, heads, dim] fp32 at positions[T] of layer `layer`, its K (part 0) or V (part 1)
  // rows, quantized per (token, head) with `groups` scales split at `split` (op_params.hpp
  // KvBlocks). Both parts join the layer's sums.
  void add(int64_t layer, int part, const float* rows, const int32_t* positions, int64_t T,
           int64_t heads, int64_t dim, int64_t groups, int64_t split);
  // One TensorError per layer that stored rows: name "layers.<i>.kv_cache".
  std::vector<quant::TensorError> layers() const;

 private:
  quant::KvCode code_;
  std::vector<quant::TensorError> sums_;              // per layer
  std::set<std::tuple<int64_t, int, int32_t>> seen_;  // (layer, part, position)
};

}  // namespace archscope::quant_eval
