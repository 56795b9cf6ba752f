// Router choices grouped by expert: a stable counting sort of the T*k (token, expert) slots, so
// each expert's rows are contiguous for grouped_linear and the combine can scatter them back.
#include <span>
#include <vector>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts, Tensor& token_of,
                           Tensor& weight_of, Tensor& offsets) {
  const char* op = "moe_group";
  check_stream(*this, s, op);
  const contract::MoeGroupDims d = contract::check_moe_group(ids, weights, experts, token_of, weight_of, offsets);
  check_cpu(ids, op, "ids");
  check_cpu(weights, op, "weights");
  check_cpu(token_of, op, "token_of");
  check_cpu(weight_of, op, "weight_of");
  check_cpu(offsets, op, "offsets");
  const int64_t k = d.k, n = d.tokens * d.k;
  const int32_t* idp = host<const int32_t>(ids);
  const float* wp = host<const float>(weights);
  int32_t* tp = host<int32_t>(token_of);
  float* gw = host<float>(weight_of);
  int32_t* op_ = host<int32_t>(offsets);
  contract::check_indices(std::span(idp, static_cast<size_t>(n)), experts, op, "expert id");
  std::vector<int64_t> count(static_cast<size_t>(experts) + 1, 0);
  for (int64_t i = 0; i < n; ++i) ++count[static_cast<size_t>(idp[i]) + 1];
  for (int64_t e = 0; e < experts; ++e) count[static_cast<size_t>(e) + 1] += count[static_cast<size_t>(e)];
  for (int64_t e = 0; e <= experts; ++e) op_[e] = static_cast<int32_t>(count[static_cast<size_t>(e)]);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t slot = count[static_cast<size_t>(idp[i])]++;
    tp[slot] = static_cast<int32_t>(i / k);
    gw[slot] = wp[i];
  }
}

}  // namespace archscope::cpu
