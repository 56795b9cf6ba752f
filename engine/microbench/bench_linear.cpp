// Microbenchmark of CpuBackend::linear on the bench-1b shapes (not part of ctest):
//   bench_linear [--threads 2] [--dtype bf16|f16|f32|q8_0|q4_0] [--mode decode|prefill|all] [--reps
//   7]
//                [--rounds 3] [--tokens 1] [--prefill-tokens 512] [--only NAME] [--no-head]
//                [--no-host]
// Decode: --tokens rows against one layer's weights plus the LM head, run in layer order so that
// every matrix has left the caches before it is read again (about 250 MB of bf16 weights, far
// over a 32 MiB L3); GB/s of weight bytes per matrix and for the whole pass, best of
// rounds x reps with the spread (median, worst). Prefill: --prefill-tokens rows, GFLOP/s
// (2*T*N*K per linear), best of --rounds. The ceilings measure_read_bandwidth() and
// measure_fp32_gemm_peak() (what `archscope bench` reports against) are re-measured with the same
// thread count before every round, and each round's pass is also given as a fraction of its own
// round's ceiling: on a shared machine that ratio is steadier than either number alone.
// --only keeps the shapes whose name starts with NAME (mind the 32 MiB L3 when fewer remain).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/half.hpp"
#include "presets/measure_host.hpp"
#include "quant/pack.hpp"

using namespace archscope;
using Clock = std::chrono::steady_clock;

namespace {

struct Shape2 {
  const char* name;
  int64_t n, k;
};

// One bench-1b layer (d_model 2048, 32/8 heads of 64, SwiGLU 8192) and the untied head.
const Shape2 kLayer[] = {{"q 2048x2048", 2048, 2048},   {"k 512x2048", 512, 2048},
                         {"v 512x2048", 512, 2048},     {"o 2048x2048", 2048, 2048},
                         {"gate 8192x2048", 8192, 2048}, {"up 8192x2048", 8192, 2048},
                         {"down 2048x8192", 2048, 8192}};
const Shape2 kHead = {"head 32000x2048", 32000, 2048};

Tensor random_weights(cpu::CpuBackend& be, Elem e, int64_t n, int64_t k, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<float> d(-0.05f, 0.05f);
  const size_t count = static_cast<size_t>(n * k);
  Tensor t = be.alloc(e, {n, k});
  if (elem_is_packed(e)) {  // packed blocks (quant/pack.hpp): GB/s counts the packed bytes
    std::vector<float> v(count);
    for (auto& x : v) x = d(gen);
    const quant::Format f = e == Elem::Q8_0 ? quant::Format::Q8_0 : quant::Format::Q4_0;
    std::vector<uint8_t> bytes(quant::packed_bytes(f, n, k));
    quant::pack_rows(f, v, n, k, bytes);
    be.upload(be.default_stream(), bytes.data(), t);
  } else if (e == Elem::F32) {
    std::vector<float> v(count);
    for (auto& x : v) x = d(gen);
    be.upload(be.default_stream(), v.data(), t);
  } else {
    std::vector<uint16_t> v(count);
    for (auto& x : v) x = e == Elem::BF16 ? cpu::f32_to_bf16(d(gen)) : cpu::f32_to_f16(d(gen));
    be.upload(be.default_stream(), v.data(), t);
  }
  return t;
}

Tensor random_acts(cpu::CpuBackend& be, int64_t t, int64_t k, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(t * k));
  for (auto& x : v) x = d(gen);
  Tensor x = be.alloc(Elem::F32, {t, k});
  be.upload(be.default_stream(), v.data(), x);
  return x;
}

struct Stats {
  double best = 0, median = 0, worst = 0;  // seconds
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v.back()};
}

// CPU seconds of the whole process: with wall time it tells how much of the threads' time the
// run actually got on a shared machine.
double process_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Elem parse_elem(const std::string& s) {
  if (s == "bf16") return Elem::BF16;
  if (s == "f16") return Elem::F16;
  if (s == "f32") return Elem::F32;
  if (s == "q8_0") return Elem::Q8_0;
  if (s == "q4_0") return Elem::Q4_0;
  std::fprintf(stderr, "unknown dtype %s\n", s.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2, reps = 7, rounds = 3;
  int64_t tokens = 1, prefill_tokens = 512;
  std::string mode = "all", dtype = "bf16";
  bool head = true, host = true;
  std::string only;  // run only the shapes whose name starts with this
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) { std::fprintf(stderr, "%s needs a value\n", a.c_str()); std::exit(2); }
      return argv[++i];
    };
    if (a == "--threads") threads = std::stoi(next());
    else if (a == "--reps") reps = std::max(1, std::stoi(next()));
    else if (a == "--rounds") rounds = std::max(1, std::stoi(next()));
    else if (a == "--tokens") tokens = std::stoll(next());
    else if (a == "--prefill-tokens") prefill_tokens = std::stoll(next());
    else if (a == "--mode") mode = next();
    else if (a == "--dtype") dtype = next();
    else if (a == "--no-head") head = false;
    else if (a == "--only") only = next();
    else if (a == "--no-host") host = false;
    else { std::fprintf(stderr, "unknown argument %s\n", a.c_str()); return 2; }
  }
  const Elem we = parse_elem(dtype);
  // Bytes of an n x k weight matrix at the chosen element type (packed: whole blocks).
  const auto matrix_bytes = [we](int64_t n, int64_t k) {
    return static_cast<double>(n) * static_cast<double>(elem_row_bytes(we, k));
  };

  // The ceilings are re-measured before every round (the machine may be shared): the best of
  // the rounds is reported, and each round's pass is also set against its own round's ceiling.
  HostMeasureOptions o;
  o.threads = threads;
  o.min_seconds = 0.3;
  std::printf("host: %s, %d threads, %d rounds\n", describe_host().cpu_model.c_str(), threads, rounds);
  double bw = 0, peak = 0;

  cpu::CpuBackend be(threads);
  Stream& s = be.default_stream();
  std::vector<Shape2> shapes(std::begin(kLayer), std::end(kLayer));
  if (head) shapes.push_back(kHead);
  if (!only.empty())
    std::erase_if(shapes, [&](const Shape2& sh) { return std::string(sh.name).rfind(only, 0) != 0; });
  std::vector<Tensor> ws;
  for (size_t i = 0; i < shapes.size(); ++i)
    ws.push_back(random_weights(be, we, shapes[i].n, shapes[i].k, 100 + i));

  if (mode == "decode" || mode == "all") {
    Tensor x2048 = random_acts(be, tokens, 2048, 1), x8192 = random_acts(be, tokens, 8192, 2);
    std::vector<Tensor> ys;
    for (auto& sh : shapes) ys.push_back(be.alloc(Elem::F32, {tokens, sh.n}));
    std::vector<std::vector<double>> times(shapes.size());
    std::vector<double> total, round_ratio;
    for (int round = 0; round < rounds; ++round) {
      const double bw_r = host ? measure_read_bandwidth(o) : 0.0;
      bw = std::max(bw, bw_r);
      double best_sum = 1e30, wall = 0;
      const double cpu0 = process_cpu_seconds();
      for (int r = 0; r < reps + 1; ++r) {  // first pass warms page tables and the pool
        double sum = 0;
        for (size_t i = 0; i < shapes.size(); ++i) {
          const Tensor& x = shapes[i].k == 8192 ? x8192 : x2048;
          auto t0 = Clock::now();
          be.linear(s, x, ws[i], Tensor(), ys[i]);
          double dt = seconds_since(t0);
          sum += dt;
          if (r) times[i].push_back(dt);
        }
        if (r) total.push_back(sum), best_sum = std::min(best_sum, sum);
        wall += sum;
      }
      const double cpu_use = (process_cpu_seconds() - cpu0) / (wall * threads);
      double bytes = 0;
      for (auto& sh : shapes) bytes += matrix_bytes(sh.n, sh.k);
      if (host) {
        round_ratio.push_back(bytes / best_sum / 1e9 / bw_r);
        std::printf("  round %d: read bw %.1f GB/s, pass %.1f GB/s (%.1f%%), CPU use %.0f%%\n", round,
                    bw_r, bytes / best_sum / 1e9, 100.0 * round_ratio.back(), 100.0 * cpu_use);
      }
    }
    std::printf("decode: T=%lld, %s weights, %d threads, best of %d (median, worst) GB/s of weights;"
                " best read bw %.1f GB/s\n",
                static_cast<long long>(tokens), dtype.c_str(), threads, reps * rounds, bw);
    double all_bytes = 0;
    for (size_t i = 0; i < shapes.size(); ++i) {
      const double bytes = matrix_bytes(shapes[i].n, shapes[i].k);
      all_bytes += bytes;
      Stats st = stats(times[i]);
      std::printf("  %-17s %8.1f us  %6.1f GB/s (%5.1f, %5.1f)", shapes[i].name, st.best * 1e6,
                  bytes / st.best / 1e9, bytes / st.median / 1e9, bytes / st.worst / 1e9);
      if (bw > 0) std::printf("  %5.1f%% of read bw", 100.0 * bytes / st.best / 1e9 / bw);
      std::printf("\n");
    }
    Stats st = stats(total);
    std::printf("  %-17s %8.1f us  %6.1f GB/s (%5.1f, %5.1f)", "all (sum)", st.best * 1e6,
                all_bytes / st.best / 1e9, all_bytes / st.median / 1e9, all_bytes / st.worst / 1e9);
    if (bw > 0) std::printf("  %5.1f%% of read bw", 100.0 * all_bytes / st.best / 1e9 / bw);
    std::printf("\n");
  }

  if (mode == "prefill" || mode == "all") {
    const int64_t T = prefill_tokens;
    Tensor x2048 = random_acts(be, T, 2048, 3), x8192 = random_acts(be, T, 8192, 4);
    std::vector<Tensor> ys;
    for (auto& sh : shapes) ys.push_back(be.alloc(Elem::F32, {T, sh.n}));
    for (size_t i = 0; i < shapes.size(); ++i)  // warm-up
      be.linear(s, shapes[i].k == 8192 ? x8192 : x2048, ws[i], Tensor(), ys[i]);
    double all_flops = 0;
    for (auto& sh : shapes) all_flops += 2.0 * T * sh.n * sh.k;
    std::vector<std::vector<double>> times(shapes.size());
    std::vector<double> total;
    for (int round = 0; round < rounds; ++round) {
      const double peak_r = host ? measure_fp32_gemm_peak(o) * 1e3 : 0.0;
      peak = std::max(peak, peak_r);
      double sum = 0;
      const double cpu0 = process_cpu_seconds();
      for (size_t i = 0; i < shapes.size(); ++i) {
        auto t0 = Clock::now();
        be.linear(s, shapes[i].k == 8192 ? x8192 : x2048, ws[i], Tensor(), ys[i]);
        times[i].push_back(seconds_since(t0));
        sum += times[i].back();
      }
      total.push_back(sum);
      const double cpu_use = (process_cpu_seconds() - cpu0) / (sum * threads);
      if (host)
        std::printf("  round %d: gemm peak %.1f GFLOP/s, pass %.1f GFLOP/s (%.1f%%), CPU use %.0f%%\n",
                    round, peak_r, all_flops / sum / 1e9, 100.0 * all_flops / sum / 1e9 / peak_r,
                    100.0 * cpu_use);
    }
    std::printf("prefill: T=%lld, %s weights, %d threads, best of %d (median, worst) GFLOP/s;"
                " best gemm peak %.1f GFLOP/s\n",
                static_cast<long long>(T), dtype.c_str(), threads, rounds, peak);
    for (size_t i = 0; i < shapes.size(); ++i) {
      const double flops = 2.0 * T * shapes[i].n * shapes[i].k;
      Stats st = stats(times[i]);
      std::printf("  %-17s %8.2f ms  %6.1f GFLOP/s (%5.1f, %5.1f)", shapes[i].name, st.best * 1e3,
                  flops / st.best / 1e9, flops / st.median / 1e9, flops / st.worst / 1e9);
      if (peak > 0) std::printf("  %5.1f%% of gemm peak", 100.0 * flops / st.best / 1e9 / peak);
      std::printf("\n");
    }
    Stats st = stats(total);
    std::printf("  %-17s %8.2f ms  %6.1f GFLOP/s (%5.1f, %5.1f)", "all (sum)", st.best * 1e3,
                all_flops / st.best / 1e9, all_flops / st.median / 1e9, all_flops / st.worst / 1e9);
    if (peak > 0) std::printf("  %5.1f%% of gemm peak", 100.0 * all_flops / st.best / 1e9 / peak);
    std::printf("\n");
  }
  return 0;
}
