// Router reference: scores (softmax with the max subtracted, or sigmoid), choice = score + bias,
// DeepSeek-V3 group limiting (group score = sum of its two best choices), top-k by choice value
// with ties to the lower id, weights = the selected unbiased scores (/ (sum + 1e-20) when
// renormalised) * routed_scaling. The selection is exact arithmetic on the float64 values;
// `decisive` says whether rounding could have changed it (see reference.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "reference.hpp"

namespace archscope::test {

namespace {
// (a - b) / (their error bounds): how many bounds apart two compared values are.
double separation(Tracked a, Tracked b) {
  const double e = a.e + b.e;
  return e > 0.0 ? std::abs(a.v - b.v) / e
                 : (a.v == b.v ? 0.0 : std::numeric_limits<double>::infinity());
}
}  // namespace

Routing ref_router(const Floats& logits, const Floats& bias, int64_t T, int64_t E,
                   const RouterParams& p) {
  Routing r;
  r.decisive = std::numeric_limits<double>::infinity();
  const int64_t K = p.top_k, per_group = E / p.groups;
  for (int64_t t = 0; t < T; ++t) {
    const float* l = logits.data() + t * E;
    std::vector<Tracked> score(static_cast<size_t>(E)), choice(static_cast<size_t>(E));
    if (p.score == RouterScore::Softmax) {
      const double m = *std::max_element(l, l + E);
      for (int64_t e = 0; e < E; ++e) score[e] = exp(stored(l[e]) - stored(m));
      const Tracked total = sum(score);
      for (Tracked& s : score) s = s / total;
    } else {
      for (int64_t e = 0; e < E; ++e) score[e] = sigmoid(stored(l[e]));
    }
    for (int64_t e = 0; e < E; ++e)
      choice[e] = bias.empty() ? score[e] : score[e] + stored(bias[e]);

    std::vector<char> eligible(static_cast<size_t>(E), 1);
    if (p.groups > 1) {
      std::vector<Tracked> gscore(static_cast<size_t>(p.groups));
      for (int64_t g = 0; g < p.groups; ++g) {
        std::vector<int64_t> m(static_cast<size_t>(per_group));
        std::iota(m.begin(), m.end(), g * per_group);
        std::stable_sort(m.begin(), m.end(),
                         [&](int64_t a, int64_t b) { return choice[a].v > choice[b].v; });
        gscore[g] = per_group > 1 ? choice[m[0]] + choice[m[1]] : choice[m[0]];
      }
      std::vector<int64_t> gorder(static_cast<size_t>(p.groups));
      std::iota(gorder.begin(), gorder.end(), 0);
      std::stable_sort(gorder.begin(), gorder.end(),
                       [&](int64_t a, int64_t b) { return gscore[a].v > gscore[b].v; });
      std::fill(eligible.begin(), eligible.end(), 0);
      for (int64_t i = 0; i < p.top_groups; ++i)
        std::fill_n(eligible.begin() + gorder[i] * per_group, per_group, 1);
      if (p.top_groups < p.groups)
        r.decisive = std::min(
            r.decisive, separation(gscore[gorder[p.top_groups - 1]], gscore[gorder[p.top_groups]]));
    }
    std::vector<int64_t> order;
    for (int64_t e = 0; e < E; ++e)
      if (eligible[e]) order.push_back(e);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return choice[a].v > choice[b].v; });
    // The order of the selected ones and the first one left out are what the output depends on.
    for (size_t i = 0; i + 1 < order.size() && i < static_cast<size_t>(K); ++i)
      r.decisive = std::min(r.decisive, separation(choice[order[i]], choice[order[i + 1]]));
    std::vector<Tracked> picked;
    for (int64_t k = 0; k < K; ++k) picked.push_back(score[order[k]]);
    const Tracked norm =
        p.renormalize ? stored(1.0) / (sum(picked) + fp32_literal(1e-20)) : stored(1.0);
    for (int64_t k = 0; k < K; ++k) {
      r.ids.push_back(static_cast<int32_t>(order[k]));
      r.weights.push(picked[k] * norm * stored(p.routed_scaling));
    }
  }
  return r;
}

}  // namespace archscope::test
