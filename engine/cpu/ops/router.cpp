// MoE routing per token:
//   scores  = softmax(logits) or sigmoid(logits)
//   choice  = scores + bias (bias only steers selection; DeepSeek-V3's e_score_correction_bias)
//   groups  : with groups > 1, a group's score is the sum of its two best choice values; only
//             experts of the best top_groups groups stay eligible (DeepSeek-V3)
//   select  : top_k eligible experts by choice value (ties: lower id), best first
//   weights : the unbiased scores of the selected experts, optionally divided by their sum
//             (+ 1e-20, as transformers), then times routed_scaling.
// Ineligible experts are excluded outright (DeepSeek's reference masks them with -inf;
// transformers fills 0.0, which differs only if every eligible choice value is negative).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "cpu/activation_math.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids,
                        Tensor& weights, const RouterParams& p) {
  const char* op = "router";
  check_stream(*this, s, op);
  const contract::RouterDims d = contract::check_router(logits, bias, ids, weights, p);
  check_cpu(logits, op, "logits");
  check_cpu_optional(bias, op, "bias");
  check_cpu(ids, op, "ids");
  check_cpu(weights, op, "weights");
  const int64_t T = d.tokens, E = d.experts, K = p.top_k;
  const float* lp = host<const float>(logits);
  int32_t* ip = host<int32_t>(ids);
  float* wp = host<float>(weights);
  const float* bp = host_or_null<const float>(bias);
  const int64_t per_group = E / p.groups;

  pool_.parallel_for(T, 4, [&](int64_t t0, int64_t t1) {
    std::vector<float> score(static_cast<size_t>(E)), choice(static_cast<size_t>(E));
    std::vector<int64_t> order(static_cast<size_t>(E)), gorder(static_cast<size_t>(p.groups));
    std::vector<float> gscore(static_cast<size_t>(p.groups));
    std::vector<char> eligible(static_cast<size_t>(E));
    for (int64_t t = t0; t < t1; ++t) {
      const float* l = lp + t * E;
      if (p.score == RouterScore::Softmax) {
        const float m = *std::max_element(l, l + E);
        float sum = 0.0f;
        for (int64_t e = 0; e < E; ++e) sum += score[e] = std::exp(l[e] - m);
        for (int64_t e = 0; e < E; ++e) score[e] /= sum;
      } else {
        for (int64_t e = 0; e < E; ++e) score[e] = sigmoid(l[e]);
      }
      for (int64_t e = 0; e < E; ++e) choice[e] = score[e] + (bp ? bp[e] : 0.0f);

      std::fill(eligible.begin(), eligible.end(), 1);
      if (p.groups > 1) {
        for (int64_t g = 0; g < p.groups; ++g) {
          const float* c = choice.data() + g * per_group;
          float best = c[0], second = 0.0f;  // sum of the top two (the only one if a group has one)
          bool has_second = false;
          for (int64_t i = 1; i < per_group; ++i) {
            if (c[i] > best) { second = best; best = c[i]; has_second = true; }
            else if (!has_second || c[i] > second) { second = c[i]; has_second = true; }
          }
          gscore[g] = best + (has_second ? second : 0.0f);
        }
        std::iota(gorder.begin(), gorder.end(), 0);
        std::stable_sort(gorder.begin(), gorder.end(), [&](int64_t a, int64_t b) { return gscore[a] > gscore[b]; });
        std::fill(eligible.begin(), eligible.end(), 0);
        for (int64_t i = 0; i < p.top_groups; ++i)
          std::fill_n(eligible.begin() + gorder[i] * per_group, per_group, 1);
      }

      std::iota(order.begin(), order.end(), 0);
      // Eligible first, then by choice value, ties to the lower id (stable).
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        if (eligible[a] != eligible[b]) return eligible[a] > eligible[b];
        return choice[a] > choice[b];
      });
      float sum = 0.0f;
      for (int64_t k = 0; k < K; ++k) sum += score[order[k]];
      const float norm = p.renormalize ? 1.0f / (sum + 1e-20f) : 1.0f;
      for (int64_t k = 0; k < K; ++k) {
        ip[t * K + k] = static_cast<int32_t>(order[k]);
        wp[t * K + k] = score[order[k]] * norm * p.routed_scaling;
      }
    }
  });
}

}  // namespace archscope::cpu
