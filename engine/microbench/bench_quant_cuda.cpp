// Benchmark of the packed quantized decode GEMVs (engine/cuda/quant, issue 12 §2) on bench-1b's
// matrices, run by hand on the GPU machine, not part of ctest:
//   bench_quant_cuda [--json FILE] [--formats q8_0,q4_0,...] [--rows T] [--kernels auto,...]
//                    [--matrices q/o,k/v,gate_up,down,lm_head] (only those; no step sequence)
// In one process: the device's read ceiling (cuda/ceilings.cu, the same measurement as
// bench_cuda), then for each format and each bench-1b matrix (q/o 2048x2048, k/v 512x2048, the
// fused gate|up 16384x2048 the engine runs, down 2048x8192, LM head 32000x2048) the time per
// call, the GB/s of the packed bytes it must read (values + scales; the activations are not
// counted) and that as a fraction of the read ceiling; bf16 through the engine's linear op is
// the baseline row. Each matrix is timed over enough distinct copies (>= 256 MiB together) that
// every call reads its weights from HBM, not from the 50 MB L2; calls are recorded through the
// backend's launch queue and replayed as CUDA graphs with programmatic dependent launch, as in
// a decode step. Then the whole-step estimate: the 16 layers' GEMVs (q, k, v, o, gate|up, down
// per layer, 16 distinct layers' weights) timed as one sequence, against the format's byte floor
// for those bytes (bytes / read ceiling).
// --kernels auto,direct,staged,direct64,stream (default auto,direct,staged): which of
// launch_packed_gemv's kernels to time, each as its own row ("q8_0" for the default dispatch,
// "q8_0/direct" etc. for a kernel forced where it applies), so they are compared in one process
// on the same device. --matrices: only those matrices (prefixes of the names), no sequence.
// Weights: random bytes with valid scales (the timing does not depend on the values, but zeros
// stream faster on this hardware: METHOD.md), replicated on the device from a packed pool.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "backend/cuda_entry.hpp"
#include "common/error.hpp"
#include "cuda/check.hpp"
#include "cuda/cuda_backend.hpp"
#include "cuda/quant/packed_gemv.hpp"

using namespace archscope;
using cuda::PackedFormat;

namespace {

struct Shape2 {
  const char* name;
  int64_t n, k;
};
const Shape2 kShapes[] = {{"q/o 2048x2048", 2048, 2048},
                          {"k/v 512x2048", 512, 2048},
                          {"gate_up 16384x2048", 16384, 2048},
                          {"down 2048x8192", 2048, 8192},
                          {"lm_head 32000x2048", 32000, 2048}};
constexpr int kLayers = 16;

uint64_t rng_state = 88172645463325252ull;
uint64_t next_random() {
  rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
  return rng_state;
}

// `rows` rows of random packed bytes with valid, finite scales.
std::vector<uint8_t> random_rows(PackedFormat f, int64_t rows, int64_t K) {
  const int64_t rb = cuda::packed_row_bytes(f, K), bb = cuda::packed_block_bytes(f, K);
  std::vector<uint8_t> b(static_cast<size_t>(rows * rb));
  for (auto& v : b) v = static_cast<uint8_t>(next_random() >> 24);
  const float absmax = 0.05f;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t off = 0; off + bb <= rb; off += bb) {
      uint8_t* blk = b.data() + r * rb + off;
      switch (f) {
        case PackedFormat::Q8_0:
        case PackedFormat::Q4_0:
        case PackedFormat::Int4G128:
          blk[0] = 0x1f, blk[1] = 0x21;  // fp16 0.0101
          if (f == PackedFormat::Int4G128) blk[2] &= 15, blk[3] = 0;
          break;
        case PackedFormat::Nf4:
          std::memcpy(blk, &absmax, 4);
          break;
        case PackedFormat::Mxfp4:
          blk[0] = static_cast<uint8_t>(118 + blk[0] % 8);
          break;
        default:
          break;
      }
    }
  if (f == PackedFormat::Fp8E4M3Channel || f == PackedFormat::Fp8E4M3Block128)
    for (auto& v : b)
      if ((v & 0x7f) == 0x7f) v &= 0xfe;  // no NaN codes
  return b;
}

struct PackedMatrix {
  Tensor values, scales;
  double bytes = 0;
};

class Bench {
 public:
  explicit Bench(cuda::CudaBackend& be) : be_(be), s_(be.default_stream()) {}

  // `copies` matrices of format f, [N, K], filled from one pool of packed rows.
  std::vector<PackedMatrix> matrices(PackedFormat f, int64_t N, int64_t K, int copies) {
    const int64_t rb = cuda::packed_row_bytes(f, K), pool_rows = std::min<int64_t>(N, 512);
    std::vector<uint8_t> pool = random_rows(f, pool_rows, K);
    pool.resize((pool.size() + 3) / 4 * 4);
    Tensor tp = be_.alloc(Elem::F32, {static_cast<int64_t>(pool.size() / 4)});
    be_.upload(s_, pool.data(), tp);
    const int64_t nsc = cuda::packed_scale_count(f, N, K);
    std::vector<float> sc(static_cast<size_t>(std::max<int64_t>(nsc, 1)), 0.01f);
    std::vector<PackedMatrix> out;
    for (int c = 0; c < copies; ++c) {
      PackedMatrix m;
      m.values = be_.alloc(Elem::F32, {(N * rb + 3) / 4 + 4});
      for (int64_t r = 0; r < N; r += pool_rows)
        be_.queue().copy(static_cast<char*>(cuda::dptr(m.values)) + r * rb, cuda::dptr(tp),
                         static_cast<size_t>(std::min(pool_rows, N - r) * rb),
                         cudaMemcpyDeviceToDevice);
      m.scales = be_.alloc(Elem::F32, {static_cast<int64_t>(sc.size())});
      be_.upload(s_, sc.data(), m.scales);
      m.bytes = static_cast<double>(N * rb + nsc * 4);
      out.push_back(std::move(m));
    }
    be_.synchronize(s_);
    return out;
  }

  // A bf16 [N, K] matrix of random values in about [-0.03, 0.03] (the baseline rows).
  Tensor bf16_matrix(int64_t N, int64_t K) {
    if (!bf16_pool_.defined()) {
      std::vector<uint16_t> v(1 << 20);
      for (auto& e : v) e = static_cast<uint16_t>(0x3c00u | (next_random() >> 48 & 0x80ffu));
      bf16_pool_ = be_.alloc(Elem::BF16, {static_cast<int64_t>(v.size())});
      be_.upload(s_, v.data(), bf16_pool_);
      be_.synchronize(s_);
    }
    Tensor t = be_.alloc(Elem::BF16, {N, K});
    const size_t bytes = t.bytes(), piece = bf16_pool_.bytes();
    for (size_t off = 0; off < bytes; off += piece)
      be_.queue().copy(static_cast<char*>(cuda::dptr(t)) + off, cuda::dptr(bf16_pool_),
                       std::min(piece, bytes - off), cudaMemcpyDeviceToDevice);
    return t;
  }

  // Microseconds per pass of `call` (median-free: the last of 3 passes, graphs replaying).
  double time_us(const std::function<void()>& pass, int calls_per_pass) {
    auto timer = be_.create_timer();
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
      be_.synchronize(s_);
      timer->start(s_);
      pass();
      timer->stop(s_);
      be_.synchronize(s_);
      if (rep >= 2) best = std::min(best, 1e3 * timer->elapsed_ms() / calls_per_pass);
    }
    return best;
  }

  cuda::CudaBackend& be_;
  Stream& s_;
  Tensor bf16_pool_;
};

void gemv(cuda::CudaBackend& be, PackedFormat f, const PackedMatrix& m, const Tensor& x,
          Tensor& out, int64_t T, int64_t N, int64_t K) {
  cuda::PackedGemvArgs a;
  a.format = f;
  a.x = static_cast<const float*>(cuda::dptr(x));
  a.w = cuda::dptr(m.values);
  a.scales = static_cast<const float*>(cuda::dptr(m.scales));
  a.out = static_cast<float*>(cuda::dptr(out));
  a.T = T;
  a.N = N;
  a.K = K;
  cuda::launch_packed_gemv(be, a);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) v.push_back(item);
  return v;
}

PackedFormat parse(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(PackedFormat::Fp8E4M3Block128); ++i)
    if (name == cuda::packed_format_name(static_cast<PackedFormat>(i)))
      return static_cast<PackedFormat>(i);
  throw Error(ErrorKind::Validation, "--formats", "unknown format '" + name + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string json_path,
        formats_arg =
            "bf16,q8_0,q4_0,int4-g128,nf4,mxfp4,int8-channel,fp8-e4m3-channel,fp8-e4m3-block128";
    int64_t T = 1;
    std::string kernels_arg = "auto,direct,staged", matrices_arg;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw Error(ErrorKind::Validation, a, "needs a value");
        return argv[++i];
      };
      if (a == "--json")
        json_path = next();
      else if (a == "--formats")
        formats_arg = next();
      else if (a == "--kernels")
        kernels_arg = next();
      else if (a == "--matrices")
        matrices_arg = next();
      else if (a == "--rows")
        T = std::stoll(next());
      else
        throw Error(ErrorKind::Validation, a,
                    "unknown option (see the header of engine/microbench/bench_quant_cuda.cpp)");
    }
    if (T < 1 || T > 8) throw Error(ErrorKind::Validation, "--rows", "1..8 token rows");
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    cuda::CudaBackend be(0);
    Bench b(be);
    Stream& s = be.default_stream();
    const DeviceCeilings c = cuda::measure_device_ceilings(be);
    nlohmann::json out;
    out["device"] = be.device_name();
    out["read_gbs"] = c.read_gbs;
    out["rows"] = T;
    std::printf("%s: read ceiling %.0f GB/s; packed decode GEMVs, %lld token row(s)\n",
                be.device_name().c_str(), c.read_gbs, static_cast<long long>(T));
    std::printf("%-18s %-20s %9s %8s %7s\n", "format", "matrix", "us/call", "GB/s", "%ceil");
    std::vector<std::pair<std::string, cuda::PackedGemvKernel>> runs;
    for (const std::string& fmt : split(formats_arg)) {
      if (fmt == "bf16") {
        runs.emplace_back(fmt, cuda::PackedGemvKernel::Auto);
        continue;
      }
      parse(fmt);
      for (const std::string& k : split(kernels_arg)) {
        if (k == "auto")
          runs.emplace_back(fmt, cuda::PackedGemvKernel::Auto);
        else if (k == "staged")
          runs.emplace_back(fmt + "/staged", cuda::PackedGemvKernel::Staged);
        else if (k == "direct")
          runs.emplace_back(fmt + "/direct", cuda::PackedGemvKernel::Direct);
        else if (k == "stream")
          runs.emplace_back(fmt + "/stream", cuda::PackedGemvKernel::Stream);
        else if (k == "direct64")
          runs.emplace_back(fmt + "/direct64", cuda::PackedGemvKernel::Direct64);
        else
          throw Error(ErrorKind::Validation, "--kernels",
                      "unknown kernel '" + k + "' (auto, staged, direct, direct64, stream)");
      }
    }
    for (const auto& [fname, kernel] : runs) {
      const bool bf16 = fname == "bf16";
      const PackedFormat f = bf16 ? PackedFormat::Q8_0 : parse(fname.substr(0, fname.find('/')));
      cuda::set_packed_gemv_kernel(kernel);
      nlohmann::json fj;
      fj["format"] = fname.substr(0, fname.find('/'));
      fj["kernel"] =
          fname.find('/') == std::string::npos ? "auto" : fname.substr(fname.find('/') + 1);
      double sum_layer_us = 0, layer_bytes = 0;
      const std::vector<std::string> only = split(matrices_arg);
      for (const Shape2& sh : kShapes) {
        if (!only.empty() && std::none_of(only.begin(), only.end(), [&](const std::string& m) {
              return std::string(sh.name).rfind(m + " ", 0) == 0;
            }))
          continue;
        const double one = bf16 ? 2.0 * static_cast<double>(sh.n * sh.k)
                                : static_cast<double>(sh.n * cuda::packed_row_bytes(f, sh.k) +
                                                      cuda::packed_scale_count(f, sh.n, sh.k) * 4);
        const int copies = static_cast<int>(std::max(4.0, std::ceil(256.0 * (1 << 20) / one)));
        Tensor x = be.alloc(Elem::F32, {T, sh.k}), y = be.alloc(Elem::F32, {T, sh.n});
        be.fill(s, x, 0.5f);
        double us = 0;
        if (bf16) {
          std::vector<Tensor> ws;
          for (int i = 0; i < copies; ++i) {
            ws.push_back(b.bf16_matrix(sh.n, sh.k));
          }
          us = b.time_us(
              [&] {
                for (auto& w : ws) be.linear(s, x, w, Tensor(), y);
              },
              copies);
        } else {
          const auto ms = b.matrices(f, sh.n, sh.k, copies);
          us = b.time_us(
              [&] {
                for (auto& m : ms) gemv(be, f, m, x, y, T, sh.n, sh.k);
              },
              copies);
        }
        const double gbs = one / (us * 1e3);
        std::printf("%-18s %-20s %9.2f %8.0f %6.1f%%\n", fname.c_str(), sh.name, us, gbs,
                    100.0 * gbs / c.read_gbs);
        fj["matrices"].push_back({{"matrix", sh.name},
                                  {"us", us},
                                  {"bytes", one},
                                  {"gbs", gbs},
                                  {"fraction_of_read", gbs / c.read_gbs},
                                  {"copies", copies}});
        // A layer: q, k, v, o, gate|up, down (the LM head is once per step, not per layer).
        const double per_layer = sh.n == 512 || (sh.n == 2048 && sh.k == 2048) ? 2 : 1;
        if (sh.n != 32000) sum_layer_us += per_layer * us, layer_bytes += per_layer * one;
      }
      // The 16 layers as one sequence, each layer's own weights (not with --matrices).
      double seq_us = 0;
      if (only.empty()) {
        struct LayerW {
          std::vector<PackedMatrix> p;
          std::vector<Tensor> bf;
        };
        const int64_t ns[6] = {2048, 512, 512, 2048, 16384, 2048},
                      ks[6] = {2048, 2048, 2048, 2048, 2048, 8192};
        std::vector<LayerW> layers(kLayers);
        for (auto& l : layers)
          for (int i = 0; i < 6; ++i) {
            if (bf16) {
              l.bf.push_back(b.bf16_matrix(ns[i], ks[i]));
            } else {
              l.p.push_back(b.matrices(f, ns[i], ks[i], 1)[0]);
            }
          }
        Tensor x = be.alloc(Elem::F32, {T, 8192}), y = be.alloc(Elem::F32, {T, 16384});
        be.fill(s, x, 0.5f);
        Tensor x2 = x.reshape({T * 4, 2048}).slice_rows(0, T);
        seq_us = b.time_us(
            [&] {
              for (auto& l : layers)
                for (int i = 0; i < 6; ++i) {
                  Tensor xi = ks[i] == 2048 ? x2 : x;
                  Tensor yi = y.reshape({T * 16384 / ns[i], ns[i]}).slice_rows(0, T);
                  if (bf16)
                    be.linear(s, xi, l.bf[static_cast<size_t>(i)], Tensor(), yi);
                  else
                    gemv(be, f, l.p[static_cast<size_t>(i)], xi, yi, T, ns[i], ks[i]);
                }
            },
            1);
      }
      const double floor_us = kLayers * layer_bytes / (c.read_gbs * 1e3);
      if (only.empty()) {
        std::printf(
            "%-18s 16 layers: %.1f MB, floor %.1f us; sum of per-call times %.1f us (%.1f%% of "
            "floor speed); one 96-call sequence %.1f us (%.1f%%)\n",
            fname.c_str(), kLayers * layer_bytes / 1e6, floor_us, kLayers * sum_layer_us,
            100.0 * floor_us / (kLayers * sum_layer_us), seq_us, 100.0 * floor_us / seq_us);
        fj["step"] = {{"layer_bytes", layer_bytes},
                      {"floor_us", floor_us},
                      {"sum_of_calls_us", kLayers * sum_layer_us},
                      {"sequence_us", seq_us}};
      }
      out["formats"].push_back(fj);
    }
    if (!json_path.empty()) std::ofstream(json_path) << out.dump(2) << "\n";
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "bench_quant_cuda: error: %s: %s\n", e.where().c_str(),
                 e.message().c_str());
    return e.kind() == ErrorKind::Validation ? 2 : 1;
  }
}
