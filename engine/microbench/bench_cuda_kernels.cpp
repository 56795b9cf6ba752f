// Kernel microbenchmarks of bench_cuda (bench_cuda.cpp says how it is run): the CUDA ops on
// bench-1b's shapes, without a model.
#include "microbench/bench_cuda_kernels.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace archscope::microbench {

// Kernel microbenchmarks on bench-1b's shapes without a model (no weights to generate): each op
// called 50 times back to back on random data and timed with CUDA events, eager (graphs off) and
// as replayed graphs; GB/s counts the weight (or K/V) bytes each call must read.
nlohmann::json kernel_bench(cuda::CudaBackend& be, const std::string& only) {
  nlohmann::json j = nlohmann::json::array();
  Stream& s = be.default_stream();
  const int64_t chunk = 1 << 22;
  std::vector<uint16_t> bits(static_cast<size_t>(chunk));
  std::vector<float> f32(static_cast<size_t>(chunk));
  uint64_t x = 88172645463325252ull;
  for (int64_t i = 0; i < chunk; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const float v = static_cast<float>(static_cast<int64_t>(x % 2000001) - 1000000) * 2e-8f;
    f32[static_cast<size_t>(i)] = v;
    uint32_t u;
    std::memcpy(&u, &v, 4);
    bits[static_cast<size_t>(i)] = static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
  }
  Tensor rb = be.alloc(Elem::BF16, {chunk}), rf = be.alloc(Elem::F32, {chunk});
  be.upload(s, bits.data(), rb);
  be.upload(s, f32.data(), rf);
  be.synchronize(s);
  auto random = [&](Elem e, Shape shape) {
    Tensor t = be.alloc(e, shape);
    const size_t bytes = t.bytes(), piece = e == Elem::BF16 ? rb.bytes() : rf.bytes();
    for (size_t off = 0; off < bytes; off += piece)
      be.queue().copy(static_cast<char*>(t.buffer()->handle()) + off,
                      (e == Elem::BF16 ? rb : rf).buffer()->handle(), std::min(piece, bytes - off),
                      cudaMemcpyDeviceToDevice);
    return t;
  };
  auto time_calls = [&](const std::function<void()>& call, bool graphs) {
    KernelChoices k;
    k.graphs = graphs;
    be.set_kernels(k);
    auto timer = be.create_timer();
    double us = 0;
    for (int rep = 0; rep < 3; ++rep) {  // graphs: the second sighting builds, the third replays
      be.synchronize(s);
      timer->start(s);
      for (int i = 0; i < 50; ++i) call();
      timer->stop(s);
      be.synchronize(s);
      us = 1e3 * timer->elapsed_ms() / 50;
    }
    be.set_kernels(KernelChoices{});
    return us;
  };
  auto row = [&](const std::string& name, double bytes, const std::function<void()>& call) {
    if (!only.empty() && name.find(only) == std::string::npos) return;
    const double eager = time_calls(call, false), graph = time_calls(call, true);
    std::printf("  %-34s eager %8.2f us (%6.0f GB/s)   graph %8.2f us (%6.0f GB/s)\n", name.c_str(),
                eager, bytes / (eager * 1e3), graph, bytes / (graph * 1e3));
    j.push_back({{"kernel", name}, {"eager_us", eager}, {"graph_us", graph}, {"bytes", bytes}});
  };
  std::printf("kernel microbenchmarks (50 calls each):\n");
  struct Lin {
    const char* name;
    int64_t n, k;
  };
  for (int64_t T : {1, 8})
    for (const Lin& l : {Lin{"q/o 2048x2048", 2048, 2048}, Lin{"k/v 512x2048", 512, 2048},
                         Lin{"q|k|v 3072x2048", 3072, 2048},
                         Lin{"gate_up 16384x2048", 16384, 2048}, Lin{"down 2048x8192", 2048, 8192},
                         Lin{"lm_head 32000x2048", 32000, 2048}}) {
      // Enough copies of the weights that the calls stream >= 256 MiB before one repeats: the
      // 50 MB L2 would otherwise serve the small matrices and flatter them.
      const int64_t bytes = 2 * l.n * l.k,
                    copies = std::clamp<int64_t>(((int64_t{256} << 20) + bytes - 1) / bytes, 1, 50);
      std::vector<Tensor> ws;
      for (int64_t c = 0; c < copies; ++c) ws.push_back(random(Elem::BF16, {l.n, l.k}));
      Tensor xin = random(Elem::F32, {T, l.k}), out = be.alloc(Elem::F32, {T, l.n});
      size_t next = 0,
             calls = 0;  // each round of 50 calls starts at copy 0: graphs replay as built
      row(std::string("linear T=") + std::to_string(T) + " " + l.name,
          2.0 * static_cast<double>(l.n * l.k), [&] {
            be.linear(s, xin, ws[next], Tensor(), out);
            next = ++calls % 50 == 0 ? 0 : (next + 1) % ws.size();
          });
    }
  for (int64_t ctx : {512, 4096, 32768}) {
    const int64_t bs = 16, blocks = (ctx + bs - 1) / bs;
    KvBlocks kv;
    kv.k = random(Elem::BF16, {blocks, bs, 8, 64});
    kv.v = random(Elem::BF16, {blocks, bs, 8, 64});
    std::vector<int32_t> table(static_cast<size_t>(blocks));
    for (int64_t i = 0; i < blocks; ++i)
      table[static_cast<size_t>(i)] = static_cast<int32_t>((i * 7) % blocks);
    kv.block_table = be.alloc(Elem::I32, {blocks});
    be.upload(s, table.data(), kv.block_table);
    kv.block_size = bs;
    kv.length = ctx;
    const int32_t last = static_cast<int32_t>(ctx - 1);
    Tensor pos = be.alloc(Elem::I32, {1});
    be.upload(s, &last, pos);
    be.synchronize(s);
    Tensor q = random(Elem::F32, {1, 32, 64}), out = be.alloc(Elem::F32, {1, 32, 64});
    row("attention decode ctx " + std::to_string(ctx),
        2.0 * 2.0 * static_cast<double>(ctx * 8 * 64),
        [&] { be.attention(s, q, pos, kv, Tensor(), out, AttentionParams{}); });
  }
  // Prefill attention: T queries of a fresh sequence (causal), 32 query heads over 8 KV heads:
  // bench-1b's head size 64 at 512, 2048 and 8192 queries, and 128 (llama3-8b's) at 2048.
  for (auto [T, D] : {std::pair<int64_t, int64_t>{512, 64}, {2048, 64}, {8192, 64}, {2048, 128}}) {
    const int64_t bs = 16, blocks = T / bs;
    KvBlocks kv;
    kv.k = random(Elem::BF16, {blocks, bs, 8, D});
    kv.v = random(Elem::BF16, {blocks, bs, 8, D});
    std::vector<int32_t> table(static_cast<size_t>(blocks)), pos(static_cast<size_t>(T));
    for (int64_t i = 0; i < blocks; ++i) table[static_cast<size_t>(i)] = static_cast<int32_t>(i);
    for (int64_t i = 0; i < T; ++i) pos[static_cast<size_t>(i)] = static_cast<int32_t>(i);
    kv.block_table = be.alloc(Elem::I32, {blocks});
    be.upload(s, table.data(), kv.block_table);
    kv.block_size = bs;
    kv.length = T;
    Tensor tp = be.alloc(Elem::I32, {T});
    be.upload(s, pos.data(), tp);
    be.synchronize(s);
    Tensor q = random(Elem::F32, {T, 32, D}), out = be.alloc(Elem::F32, {T, 32, D});
    // bytes column: FLOPs / 1000 here (causal: 4 * T^2 / 2 * D * 32), so "GB/s" reads TFLOP/s.
    row("attention prefill " + std::to_string(T) + (D == 64 ? "" : " D=128") + " (TFLOP/s)",
        4.0 * T * T / 2 * static_cast<double>(D) * 32 / 1e3,
        [&] { be.attention(s, q, tp, kv, Tensor(), out, AttentionParams{}); });
  }
  {
    Tensor h = random(Elem::F32, {1, 2048}), o = be.alloc(Elem::F32, {1, 2048}),
           w = random(Elem::BF16, {2048});
    NormParams np;
    np.width = 2048;
    np.eps = 1e-5f;
    row("norm 1x2048", 3.0 * 2048 * 4, [&] { be.norm(s, h, w, Tensor(), o, np); });
    row("add 1x2048", 3.0 * 2048 * 4, [&] { be.add(s, h, o, 1.0f, o); });
    Tensor r = random(Elem::F32, {1, 2048});
    row("add_norm 1x2048", 4.0 * 2048 * 4, [&] { be.add_norm(s, h, r, w, Tensor(), o, np); });
    Tensor gu = random(Elem::F32, {1, 16384}), act = be.alloc(Elem::F32, {1, 8192});
    row("glu 1x8192", 3.0 * 8192 * 4, [&] { be.glu(s, gu, act, GluParams{}); });
    Tensor q3 = random(Elem::F32, {1, 32, 64}), cs = random(Elem::F32, {4096, 32}),
           sn = random(Elem::F32, {4096, 32});
    const int32_t p0 = 100;
    Tensor pos = be.alloc(Elem::I32, {1});
    be.upload(s, &p0, pos);
    be.synchronize(s);
    RopeApplyParams rp;
    rp.head_dim = 64;
    rp.rot_dim = 64;
    row("rope 1x32x64", 2.0 * 2048 * 4, [&] { be.rope(s, q3, pos, cs, sn, rp); });
  }
  {
    // Prefill-shaped producers and their GEMMs, with the activation in fp32 (the GEMM converts it
    // to bf16 in a pass of its own) and in bf16 (written so by the norm or GLU:
    // Backend::linear_input_elem): bytes moved by the producer, FLOPs / 1000 for the GEMMs.
    const int64_t T = 2048;
    Tensor h = random(Elem::F32, {T, 2048}), w = random(Elem::BF16, {2048});
    Tensor n32 = be.alloc(Elem::F32, {T, 2048}), n16 = be.alloc(Elem::BF16, {T, 2048});
    NormParams np;
    np.width = 2048;
    np.eps = 1e-5f;
    row("norm 2048x2048 -> fp32", 2.0 * T * 2048 * 4, [&] { be.norm(s, h, w, Tensor(), n32, np); });
    row("norm 2048x2048 -> bf16", T * 2048 * 6.0, [&] { be.norm(s, h, w, Tensor(), n16, np); });
    Tensor gu = random(Elem::F32, {T, 16384});
    Tensor a32 = be.alloc(Elem::F32, {T, 8192}), a16 = be.alloc(Elem::BF16, {T, 8192});
    row("glu 2048x8192 -> fp32", T * (16384 + 8192) * 4.0,
        [&] { be.glu(s, gu, a32, GluParams{}); });
    row("glu 2048x8192 -> bf16", T * (16384 * 4.0 + 8192 * 2),
        [&] { be.glu(s, gu, a16, GluParams{}); });
    Tensor wd = random(Elem::BF16, {2048, 8192}), y = be.alloc(Elem::F32, {T, 2048});
    const double down_flops = 2.0 * T * 2048 * 8192 / 1e3;
    row("down 2048 rows, x fp32 (TFLOP/s)", down_flops,
        [&] { be.linear(s, a32, wd, Tensor(), y); });
    row("down 2048 rows, x bf16 (TFLOP/s)", down_flops,
        [&] { be.linear(s, a16, wd, Tensor(), y); });
  }
  return j;
}

}  // namespace archscope::microbench
