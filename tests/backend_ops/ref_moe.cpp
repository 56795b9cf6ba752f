// References of scale, index_add (the MoE combine) and grouped_linear. The combine's additions
// into one output row happen in an order the backend chooses (backend.hpp): the bound is the sum
// bound, which holds for any order: base + sum_r w_r src_r is a (count + 1)-term dot.
#include "reference.hpp"

namespace archscope::test {

Expected ref_scale(const Floats& x, float scale, const Floats& row_scale, int64_t W) {
  Expected y;
  for (size_t i = 0; i < x.size(); ++i) {
    const Tracked f = row_scale.empty()
                          ? stored(scale)
                          : stored(scale) * stored(row_scale[i / static_cast<size_t>(W)]);
    y.push(f * stored(x[i]));
  }
  return y;
}

Expected ref_index_add(const Floats& base, const Floats& src, const Ints& index,
                       const Floats& weight, int64_t W) {
  Expected y;
  const int64_t N = static_cast<int64_t>(base.size()) / W;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t j = 0; j < W; ++j) {
      std::vector<Tracked> w, s;
      for (size_t r = 0; r < index.size(); ++r)
        if (index[r] == n) {
          w.push_back(stored(weight.empty() ? 1.0f : weight[r]));
          s.push_back(stored(src[r * W + j]));
        }
      y.push(w.empty() ? stored(base[n * W + j]) : dot(w, s, stored(base[n * W + j])));
    }
  return y;
}

Expected ref_grouped_linear(const Floats& x, const Floats& w, const Floats& b, const Ints& offsets,
                            int64_t K, int64_t N) {
  Expected y;
  for (size_t e = 0; e + 1 < offsets.size(); ++e) {
    const int64_t r0 = offsets[e], rows = offsets[e + 1] - offsets[e];
    const Floats xe(x.begin() + r0 * K, x.begin() + (r0 + rows) * K);
    const Floats we(w.begin() + e * N * K, w.begin() + (e + 1) * N * K);
    const Floats be = b.empty() ? Floats{} : Floats(b.begin() + e * N, b.begin() + (e + 1) * N);
    const Expected part = ref_linear(xe, we, be, rows, K, N);
    y.value.insert(y.value.end(), part.value.begin(), part.value.end());
    y.bound.insert(y.bound.end(), part.bound.begin(), part.bound.end());
  }
  return y;
}

}  // namespace archscope::test
