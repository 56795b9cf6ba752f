// Router choices grouped by expert: a stable counting sort of the T*k (token, expert) slots, so
// each expert's rows are contiguous for grouped_linear and the combine can scatter them back.
#include <vector>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts, Tensor& token_of,
                           Tensor& weight_of, Tensor& offsets) {
  const char* op = "moe_group";
  check_stream(*this, s, op);
  const int32_t* idp = in_i32(ids, op, "ids");
  const float* wp = in_f32(weights, op, "weights");
  require(ids.rank() == 2, op, "ids must be [T, k]");
  require(experts >= 1, op, "experts must be >= 1");
  const int64_t T = ids.dim(0), k = ids.dim(1), n = T * k;
  check_shape(weights, {T, k}, op, "weights");
  int32_t* tp = out_i32(token_of, op, "token_of");
  check_shape(token_of, {n}, op, "token_of");
  float* gw = out_f32(weight_of, op, "weight_of");
  check_shape(weight_of, {n}, op, "weight_of");
  int32_t* op_ = out_i32(offsets, op, "offsets");
  check_shape(offsets, {experts + 1}, op, "offsets");
  std::vector<int64_t> count(static_cast<size_t>(experts) + 1, 0);
  for (int64_t i = 0; i < n; ++i) {
    require(idp[i] >= 0 && idp[i] < experts, op,
            "expert id " + std::to_string(idp[i]) + " outside [0, " + std::to_string(experts) + ")");
    ++count[static_cast<size_t>(idp[i]) + 1];
  }
  for (int64_t e = 0; e < experts; ++e) count[static_cast<size_t>(e) + 1] += count[static_cast<size_t>(e)];
  for (int64_t e = 0; e <= experts; ++e) op_[e] = static_cast<int32_t>(count[static_cast<size_t>(e)]);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t slot = count[static_cast<size_t>(idp[i])]++;
    tp[slot] = static_cast<int32_t>(i / k);
    gw[slot] = wp[i];
  }
}

}  // namespace archscope::cpu
