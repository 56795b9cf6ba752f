// Shared by the CUDA model tests: the -mini presets, one forward recipe run on any backend (full
// forward, prefill + decode, chunked prefill, batched ragged sequences), and the relative
// difference rule max |a - b| / max |b|.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.hpp"
#include "kv/paged_kv_cache.hpp"
#include "model/forward.hpp"
#include "model/load.hpp"
#include "presets/preset_catalog.hpp"

namespace archscope::test {

inline std::vector<std::string> mini_presets() {
  std::vector<std::string> out;
  for (const std::string& n : preset_names(ARCHSCOPE_PRESETS))
    if (n.size() > 5 && n.compare(n.size() - 5, 5, "-mini") == 0) out.push_back(n);
  return out;
}

inline double rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0.0, ref = 0.0;
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - b[i]);
    m = std::max(m, std::isfinite(d) ? d : 1e30);
    ref = std::max(ref, static_cast<double>(std::fabs(b[i])));
  }
  return a.size() == b.size() ? m / ref : 1e30;
}

inline std::vector<int32_t> prompt(int64_t n, int64_t vocab, uint64_t seed) {
  std::vector<int32_t> t(static_cast<size_t>(n));
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  for (auto& v : t) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    v = static_cast<int32_t>(x % static_cast<uint64_t>(vocab));
  }
  return t;
}

// Every logit row a recipe produces, concatenated, for one backend. The recipes cover the
// forward pass's paths: a full forward of 37 tokens; a prefill of 30 then 7 one-token decode
// steps; a chunked prefill of 10 + 15 + 12 (steps continuing a cached sequence); three sequences
// of 23, 9 and 31 tokens prefilled in one batch, then 4 batched decode steps.
struct Recipes {
  std::vector<float> full, decode, chunked, batched;
};

inline KvCacheOptions cache_options(Elem kv) {
  KvCacheOptions o;
  o.dtype = kv;
  o.block_size = 8;
  o.max_tokens = 256;
  o.max_sequences = 4;
  return o;
}

inline Recipes run_recipes(Backend& be, const ModelConfig& c, Elem weights, Elem kv,
                           std::optional<quant::Format> scheme = std::nullopt) {
  const ModelWeights w = random_weights(be, c, RandomInitOptions{.seed = 7}, weights, scheme);
  Model model(be, c, w);
  const auto p = prompt(37, c.vocab_size, 3);
  Recipes r;
  {
    PagedKvCache cache(be, c, cache_options(kv));
    r.full = model.forward_host(cache, {{cache.add_sequence(), p}});
  }
  {
    PagedKvCache cache(be, c, cache_options(kv));
    const int64_t s = cache.add_sequence();
    r.decode = model.forward_host(cache, {{s, std::vector<int32_t>(p.begin(), p.begin() + 30)}});
    for (size_t t = 30; t < p.size(); ++t) {
      const auto l = model.forward_host(cache, {{s, {p[t]}}});
      r.decode.insert(r.decode.end(), l.begin(), l.end());
    }
  }
  {
    PagedKvCache cache(be, c, cache_options(kv));
    const int64_t s = cache.add_sequence();
    size_t at = 0;
    for (size_t n : {10u, 15u, 12u}) {
      const auto l = model.forward_host(
          cache, {{s, std::vector<int32_t>(p.begin() + at, p.begin() + at + n)}});
      r.chunked.insert(r.chunked.end(), l.begin(), l.end());
      at += n;
    }
  }
  {
    PagedKvCache cache(be, c, cache_options(kv));
    const int64_t a = cache.add_sequence(), b = cache.add_sequence(), d = cache.add_sequence();
    const auto pa = prompt(23, c.vocab_size, 11), pb = prompt(9, c.vocab_size, 12),
               pd = prompt(31, c.vocab_size, 13);
    r.batched = model.forward_host(cache, {{a, pa}, {b, pb}, {d, pd}});
    const auto next = prompt(12, c.vocab_size, 14);
    for (size_t step = 0; step < 4; ++step) {
      const auto l = model.forward_host(
          cache, {{a, {next[3 * step]}}, {b, {next[3 * step + 1]}}, {d, {next[3 * step + 2]}}});
      r.batched.insert(r.batched.end(), l.begin(), l.end());
    }
  }
  return r;
}

}  // namespace archscope::test
