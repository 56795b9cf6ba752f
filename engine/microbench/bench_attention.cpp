// Microbenchmark of CpuBackend::attention on bench-1b's head shape (not part of ctest):
//   bench_attention [--threads 2] [--dtype f32|bf16|f16] [--reps 7] [--rounds 3] [--layers 16]
//                   [--ctx 512,2048] [--prefill 512] [--block 16] [--heads 32] [--kv-heads 8]
// Decode: one query token (32 query heads, 8 kv heads, head dim 64) at position ctx - 1 against a
// paged cache of ctx tokens (16-token blocks), one call per layer over --layers separate caches in
// layer order, as the decode step does (16 layers of K/V at 2048 tokens are 128 MiB of fp32, over
// the L3, so most rows come from memory as in the model where the weights flush the caches between
// layers). Prefill: --prefill query tokens at positions 0..N-1 against their own N keys, one layer.
// Best of rounds x reps with the median and worst, in microseconds per layer call. --heads and
// --kv-heads change the head shape (e.g. 4/1 with 8x the context: the same bytes, contiguous rows).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/half.hpp"

using namespace archscope;
using Clock = std::chrono::steady_clock;

namespace {

int64_t kHq = 32, kHkv = 8, kD = 64;

Tensor random_tensor(cpu::CpuBackend& be, Elem e, Shape shape, uint64_t seed, float lo, float hi) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  int64_t count = 1;
  for (int64_t x : shape) count *= x;
  Tensor t = be.alloc(e, shape);
  if (e == Elem::F32) {
    std::vector<float> v(static_cast<size_t>(count));
    for (auto& x : v) x = d(gen);
    be.upload(be.default_stream(), v.data(), t);
  } else {
    std::vector<uint16_t> v(static_cast<size_t>(count));
    for (auto& x : v) x = e == Elem::BF16 ? cpu::f32_to_bf16(d(gen)) : cpu::f32_to_f16(d(gen));
    be.upload(be.default_stream(), v.data(), t);
  }
  return t;
}

Tensor i32(cpu::CpuBackend& be, const std::vector<int32_t>& v) {
  Tensor t = be.alloc(Elem::I32, {static_cast<int64_t>(v.size())});
  be.upload(be.default_stream(), v.data(), t);
  return t;
}

KvBlocks make_cache(cpu::CpuBackend& be, Elem e, int64_t len, int64_t bs, uint64_t seed) {
  const int64_t nb = (len + bs - 1) / bs;
  std::vector<int32_t> table(static_cast<size_t>(nb));
  for (int64_t i = 0; i < nb; ++i) table[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  return KvBlocks{random_tensor(be, e, {nb, bs, kHkv, kD}, seed, -1, 1),
                  random_tensor(be, e, {nb, bs, kHkv, kD}, seed + 1, -1, 1), i32(be, table), bs, len};
}

struct Stats {
  double best, median, worst;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v.back()};
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2, reps = 7, rounds = 3, layers = 16;
  int64_t prefill = 512, bs = 16;
  std::vector<int64_t> ctxs = {512, 2048};
  Elem e = Elem::F32;  // the KV cache dtype of `archscope bench`
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--threads") threads = std::stoi(v);
    else if (a == "--reps") reps = std::stoi(v);
    else if (a == "--rounds") rounds = std::stoi(v);
    else if (a == "--layers") layers = std::stoi(v);
    else if (a == "--prefill") prefill = std::stoll(v);
    else if (a == "--block") bs = std::stoll(v);
    else if (a == "--heads") kHq = std::stoll(v);
    else if (a == "--kv-heads") kHkv = std::stoll(v);
    else if (a == "--dtype") e = v == "f32" ? Elem::F32 : v == "f16" ? Elem::F16 : Elem::BF16;
    else if (a == "--ctx") {
      ctxs.clear();
      std::stringstream ss(v);
      std::string item;
      while (std::getline(ss, item, ',')) ctxs.push_back(std::stoll(item));
    } else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  cpu::CpuBackend be(threads);
  auto& s = be.default_stream();
  const AttentionParams p{};

  for (int64_t ctx : ctxs) {
    std::vector<KvBlocks> caches;
    for (int l = 0; l < layers; ++l) caches.push_back(make_cache(be, e, ctx, bs, 100 + 2 * l));
    Tensor q = random_tensor(be, Elem::F32, {1, kHq, kD}, 7, -2, 2);
    Tensor pos = i32(be, {static_cast<int32_t>(ctx - 1)});
    Tensor out = be.alloc(Elem::F32, {1, kHq, kD});
    for (int l = 0; l < layers; ++l) be.attention(s, q, pos, caches[l], Tensor(), out, p);  // warm-up
    std::vector<double> t;
    for (int r = 0; r < rounds * reps; ++r) {
      const auto t0 = Clock::now();
      for (int l = 0; l < layers; ++l) be.attention(s, q, pos, caches[l], Tensor(), out, p);
      t.push_back(std::chrono::duration<double>(Clock::now() - t0).count() / layers);
    }
    const Stats st = stats(t);
    std::printf("decode  ctx %5lld: %8.1f us/layer best, %8.1f median, %8.1f worst  (x16 layers: %.2f ms)\n",
                static_cast<long long>(ctx), st.best * 1e6, st.median * 1e6, st.worst * 1e6, st.best * 16e3);
  }
  if (prefill > 0) {
    KvBlocks kv = make_cache(be, e, prefill, bs, 5);
    Tensor q = random_tensor(be, Elem::F32, {prefill, kHq, kD}, 9, -2, 2);
    std::vector<int32_t> all(static_cast<size_t>(prefill));
    for (int64_t j = 0; j < prefill; ++j) all[static_cast<size_t>(j)] = static_cast<int32_t>(j);
    Tensor pos = i32(be, all);
    Tensor out = be.alloc(Elem::F32, {prefill, kHq, kD});
    be.attention(s, q, pos, kv, Tensor(), out, p);
    std::vector<double> t;
    for (int r = 0; r < rounds * std::max(1, reps / 2); ++r) {
      const auto t0 = Clock::now();
      be.attention(s, q, pos, kv, Tensor(), out, p);
      t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    const Stats st = stats(t);
    std::printf("prefill T %5lld: %8.2f ms/layer best, %8.2f median, %8.2f worst  (x16 layers: %.1f ms)\n",
                static_cast<long long>(prefill), st.best * 1e3, st.median * 1e3, st.worst * 1e3, st.best * 16e3);
  }
  return 0;
}
