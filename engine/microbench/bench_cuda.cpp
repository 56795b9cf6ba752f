// Benchmark of the CUDA engine on one model (default: the bench-1b preset; --model HF_DIR for a
// checkpoint such as the one shared/tools/make_bench1b.py writes), run by hand or by
// tests/gpu/run.sh, not part of ctest:
//   bench_cuda [--preset NAME | --model DIR] [--weights bf16] [--kv bf16] [--json FILE] [--quick]
//              [--kernels-only [--only NAME]] [--decode-only] [--diagnose]
// (--diagnose: the ceilings, the per-op times of a decode and a prefill step, one decode run)
// (--decode-only: the ceilings and --quick's decode runs, no kernel microbenchmarks, no prefill)
// In one process, as `archscope bench` does on the CPU: the device's ceilings (read and copy
// bandwidth, bf16 and fp32 GEMM rates: cuda/ceilings.cu), then generation runs through the same
// loop as `archscope generate` (engine/generate/generation.hpp, greedy, random prompts), each
// after a warm-up run of the same shape, reported against the analytic plan
// (generate/bench_model.hpp): decode ms/token against the read floor (plan bytes per step / read
// bandwidth), prefill against the bf16 GEMM rate. Runs:
//   - decode at context 512, batch 1, 128 new tokens (the headline), and the same with each kernel
//     variant switched (graphs off, pdl off, linear=cublas, attention=naive; quick runs too:
//     linear=gemv-stream, fuse=off, and the host-sampled step: logits downloaded, greedy pick on
//     the host, as before the device argmax);
//   - prefill of 512 and of 2048 tokens, and 2048 with attention=naive and with linear=gemv;
//   - a batch sweep 1..64 (context 512) and a context sweep 512..32768 (batch 1).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "backend/cuda_entry.hpp"
#include "common/error.hpp"
#include "config/model_config.hpp"
#include "cuda/cuda_backend.hpp"
#include "generate/bench_model.hpp"
#include "generate/generation.hpp"
#include "hf/hf_import.hpp"
#include "kv/paged_kv_cache.hpp"
#include "model/forward.hpp"
#include "model/load.hpp"
#include "microbench/bench_cuda_kernels.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;

namespace {

// The forward pass over one cache as the generation loop's StepModel.
class CacheStep final : public StepModel {
 public:
  CacheStep(Model& m, PagedKvCache& c, int64_t vocab) : model_(m), cache_(c), vocab_(vocab) {}
  int64_t vocab_size() const override { return vocab_; }
  int64_t add_sequence() override { return cache_.add_sequence(); }
  void free_sequence(int64_t s) override { cache_.free_sequence(s); }
  void prefill(int64_t seq, std::span<const int32_t> tokens, bool all_rows,
               std::vector<float>& logits) override {
    logits =
        model_.forward_host(cache_, {{seq, std::vector<int32_t>(tokens.begin(), tokens.end())}},
                            all_rows ? LogitRows::All : LogitRows::LastPerSequence);
  }
  void decode(std::span<const int64_t> seqs, std::span<const int32_t> tokens,
              std::vector<float>& logits) override {
    std::vector<SequenceStep> batch;
    for (size_t i = 0; i < seqs.size(); ++i) batch.push_back({seqs[i], {tokens[i]}});
    logits = model_.forward_host(cache_, batch);
  }
  bool decode_greedy(std::span<const int64_t> seqs, std::span<const int32_t> tokens,
                     std::vector<int32_t>& next) override {
    if (!device_greedy) return false;
    std::vector<SequenceStep> batch;
    for (size_t i = 0; i < seqs.size(); ++i) batch.push_back({seqs[i], {tokens[i]}});
    next = model_.forward_greedy(cache_, batch);
    return true;
  }
  bool device_greedy = true;  // false: logits downloaded and sampled on the host (the old step)

 private:
  Model& model_;
  PagedKvCache& cache_;
  int64_t vocab_;
};

struct Options {
  std::string preset = "bench-1b", model_dir, json_path;
  Elem weights = Elem::BF16, kv = Elem::BF16;
  bool quick = false;
  bool kernels_only = false;  // the kernel microbenchmarks alone (no model)
  bool decode_only = false;   // the ceilings and the decode runs of --quick alone
  bool diagnose_only = false;  // the ceilings, the per-op step times (graphs off) and one decode run
  std::string only;           // kernel microbenchmarks whose name contains this
};

Elem parse_elem(const std::string& s) {
  if (s == "bf16") return Elem::BF16;
  if (s == "fp16" || s == "f16") return Elem::F16;
  if (s == "fp32" || s == "f32") return Elem::F32;
  throw Error(ErrorKind::Validation, "--weights/--kv", "'" + s + "' is not fp32, bf16 or fp16");
}

DType dtype(Elem e) {
  return dtype_of(e);
}

struct Bench {
  cuda::CudaBackend& be;
  const ModelConfig& config;
  Model& model;
  Options opt;
  DeviceCeilings ceil;

  // One generation run of `batch` prompts of `prompt` tokens and `new_tokens` new ones, after a
  // warm-up of the same shape; the numbers of the second.
  nlohmann::json run(int64_t prompt, int64_t new_tokens, int64_t batch, const KernelChoices& k,
                     const std::string& label, bool device_greedy = true) {
    be.set_kernels(k);
    KvCacheOptions co;
    co.dtype = opt.kv;
    co.block_size = 16;
    co.max_sequences = batch;
    co.max_tokens = batch * ((prompt + new_tokens + 15) / 16 * 16);
    GenerationResult r;
    for (int rep = 0; rep < 2; ++rep) {
      PagedKvCache cache(be, config, co);
      CacheStep step(model, cache, config.vocab_size);
      step.device_greedy = device_greedy;
      GenerationRequest req;
      for (int64_t b = 0; b < batch; ++b) {
        req.prompts.emplace_back();
        uint64_t x = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(b + 1 + rep * 1000);
        for (int64_t i = 0; i < prompt; ++i) {
          x ^= x << 13, x ^= x >> 7, x ^= x << 17;
          req.prompts.back().push_back(
              static_cast<int32_t>(x % static_cast<uint64_t>(config.vocab_size)));
        }
      }
      req.new_tokens = new_tokens;
      req.sampler.temperature = 0.0;
      ProgressLine quiet(std::cerr, false, true);
      r = generate_tokens(step, req, quiet, steady_seconds);
    }
    be.set_kernels(KernelChoices{});
    BenchShape shape;
    shape.prompt = prompt;
    shape.new_tokens = std::max<int64_t>(1, new_tokens - 1);
    shape.batch = batch;
    shape.weights = dtype(opt.weights);
    shape.kv = dtype(opt.kv);
    const BenchModel plan = bench_model(config, shape);
    nlohmann::json j;
    j["label"] = label;
    j["kernels"] = k.to_string();
    j["sampling"] = device_greedy ? "device argmax" : "host (logits downloaded)";
    j["prompt"] = prompt;
    j["batch"] = batch;
    j["prefill_tokens_per_s"] = static_cast<double>(r.prefill_tokens) / r.prefill_s;
    j["prefill_s"] = r.prefill_s;
    const double prefill_tflops =
        static_cast<double>(plan.prefill_flops) * static_cast<double>(batch) / r.prefill_s / 1e12;
    j["prefill_tflops"] = prefill_tflops;
    j["prefill_fraction_of_bf16_gemm"] = prefill_tflops / ceil.bf16_gemm_tflops;
    if (r.decode_steps > 0) {
      std::vector<double> s = r.step_s;
      std::sort(s.begin(), s.end());
      const double median_ms = 1e3 * s[s.size() / 2],
                   mean_ms = 1e3 * r.decode_s / static_cast<double>(r.decode_steps);
      const double floor_ms = 1e3 * plan.decode_bytes_read_per_step / (ceil.read_gbs * 1e9);
      j["decode_steps"] = r.decode_steps;
      j["decode_ms_per_step_median"] = median_ms;
      j["decode_ms_per_step_mean"] = mean_ms;
      j["decode_tokens_per_s"] = static_cast<double>(batch) / (median_ms * 1e-3);
      j["plan_bytes_read_per_step"] = plan.decode_bytes_read_per_step;
      j["decode_floor_ms"] = floor_ms;
      j["fraction_of_read_floor"] = floor_ms / median_ms;
    }
    const cuda::QueueStats q = be.queue().stats();
    j["queue"] = {{"graph_launches", q.graph_launches},
                  {"eager_launches", q.eager_launches},
                  {"graphs_built", q.graphs_built},
                  {"node_updates", q.node_updates}};
    std::fprintf(
        stdout,
        "%-34s prompt %6lld batch %3lld: prefill %9.0f tok/s (%6.1f TFLOP/s, %5.1f%% of GEMM)",
        label.c_str(), static_cast<long long>(prompt), static_cast<long long>(batch),
        j["prefill_tokens_per_s"].get<double>(), prefill_tflops,
        100 * prefill_tflops / ceil.bf16_gemm_tflops);
    if (r.decode_steps > 0)
      std::fprintf(stdout, "; decode %.4f ms/step (mean %.4f), floor %.4f ms = %.1f%%",
                   j["decode_ms_per_step_median"].get<double>(),
                   j["decode_ms_per_step_mean"].get<double>(), j["decode_floor_ms"].get<double>(),
                   100 * j["fraction_of_read_floor"].get<double>());
    std::fprintf(stdout, "\n");
    std::fflush(stdout);
    return j;
  }
};

// Times every op of a step with CUDA events (graphs and pdl off, so each op is its own launches)
// and the host time of each op call, summed over the layers: where a step's time goes.
class OpTimes final : public ForwardObserver {
 public:
  explicit OpTimes(Backend& be) : be_(be) {}
  void before(Stream& s, const OpEvent& /*e*/) override {
    if (timers_.size() <= next_) timers_.push_back(be_.create_timer());
    timers_[next_]->start(s);
    host0_ = steady_seconds();
  }
  void after(Stream& s, const OpEvent& e) override {
    const double host = steady_seconds() - host0_;
    timers_[next_]->stop(s);
    pending_.push_back(
        {std::string(e.op) + (e.also ? std::string("+") + e.also : ""), next_, host});
    ++next_;
  }
  // After the step's synchronisation: fold its timers into the totals.
  void step_done() {
    for (const auto& p : pending_) {
      Row& r = rows_[p.name];
      r.gpu_ms += timers_[p.timer]->elapsed_ms();
      r.host_ms += 1e3 * p.host_s;
      r.calls += 1;
    }
    pending_.clear();
    next_ = 0;
    ++steps_;
  }
  nlohmann::json report(const char* what) const {
    std::vector<std::pair<std::string, Row>> v(rows_.begin(), rows_.end());
    std::sort(v.begin(), v.end(),
              [](const auto& a, const auto& b) { return a.second.gpu_ms > b.second.gpu_ms; });
    nlohmann::json j = nlohmann::json::array();
    double gpu = 0, host = 0;
    for (const auto& [name, r] : v) gpu += r.gpu_ms, host += r.host_ms;
    std::printf("%s: per step, GPU %.4f ms in ops, host %.4f ms in op calls\n", what, gpu / steps_,
                host / steps_);
    for (const auto& [name, r] : v) {
      std::printf("  %-28s %5.0f calls  GPU %8.4f ms  host %8.4f ms\n", name.c_str(),
                  r.calls / steps_, r.gpu_ms / steps_, r.host_ms / steps_);
      j.push_back({{"op", name},
                   {"calls_per_step", r.calls / steps_},
                   {"gpu_ms_per_step", r.gpu_ms / steps_},
                   {"host_ms_per_step", r.host_ms / steps_}});
    }
    return j;
  }

 private:
  struct Row {
    double gpu_ms = 0, host_ms = 0, calls = 0;
  };
  struct Pending {
    std::string name;
    size_t timer;
    double host_s;
  };
  Backend& be_;
  std::vector<std::unique_ptr<Timer>> timers_;
  std::vector<Pending> pending_;
  std::map<std::string, Row> rows_;
  size_t next_ = 0;
  double host0_ = 0, steps_ = 0;
};

nlohmann::json diagnose(cuda::CudaBackend& be, const ModelConfig& config, Model& model,
                        const Options& o) {
  nlohmann::json j;
  KvCacheOptions co;
  co.dtype = o.kv;
  co.block_size = 16;
  co.max_sequences = 1;
  co.max_tokens = 4096;
  std::vector<int32_t> prompt(512);
  for (size_t i = 0; i < prompt.size(); ++i)
    prompt[i] = static_cast<int32_t>((i * 7919) % static_cast<size_t>(config.vocab_size));
  {
    // Host enqueue time of a decode step against its wall time (default kernels, graphs on).
    PagedKvCache cache(be, config, co);
    const int64_t s = cache.add_sequence();
    model.forward_host(cache, {{s, prompt}}, LogitRows::LastPerSequence);
    std::vector<double> enq, total;
    std::vector<float> host(static_cast<size_t>(config.vocab_size));
    for (int step = 0; step < 24; ++step) {
      const double t0 = steady_seconds();
      Tensor logits = model.forward(cache, {{s, {static_cast<int32_t>(step + 1)}}});
      const double t1 = steady_seconds();
      be.download(be.default_stream(), logits, host.data());
      be.synchronize(be.default_stream());
      const double t2 = steady_seconds();
      if (step >= 4) enq.push_back(1e3 * (t1 - t0)), total.push_back(1e3 * (t2 - t0));
    }
    std::sort(enq.begin(), enq.end());
    std::sort(total.begin(), total.end());
    j["decode_host_enqueue_ms_median"] = enq[enq.size() / 2];
    j["decode_step_ms_median"] = total[total.size() / 2];
    std::printf("decode step (graphs on): host enqueue %.4f ms of %.4f ms wall (median of 20)\n",
                enq[enq.size() / 2], total[total.size() / 2]);
  }
  be.set_kernels(parse_kernel_choices({"graphs=off", "pdl=off"}));
  {
    PagedKvCache cache(be, config, co);
    const int64_t s = cache.add_sequence();
    model.forward_host(cache, {{s, prompt}}, LogitRows::LastPerSequence);
    OpTimes times(be);
    model.set_observer(&times);
    for (int step = 0; step < 8; ++step) {
      model.forward_host(cache, {{s, {static_cast<int32_t>(step + 1)}}});
      times.step_done();
    }
    model.set_observer(nullptr);
    j["decode_ops"] = times.report("decode ctx 512 (graphs off, pdl off)");
  }
  {
    std::vector<int32_t> p2(2048);
    for (size_t i = 0; i < p2.size(); ++i)
      p2[i] = static_cast<int32_t>((i * 104729) % static_cast<size_t>(config.vocab_size));
    OpTimes times(be);
    for (int rep = 0; rep < 2; ++rep) {
      PagedKvCache cache(be, config, co);
      const int64_t s = cache.add_sequence();
      if (rep == 1) model.set_observer(&times);
      model.forward_host(cache, {{s, p2}}, LogitRows::LastPerSequence);
      model.set_observer(nullptr);
    }
    times.step_done();
    j["prefill2048_ops"] = times.report("prefill 2048 (graphs off, pdl off)");
  }
  be.set_kernels(KernelChoices{});
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw Error(ErrorKind::Validation, a, "needs a value");
        return argv[++i];
      };
      if (a == "--preset")
        o.preset = next();
      else if (a == "--model")
        o.model_dir = next();
      else if (a == "--weights")
        o.weights = parse_elem(next());
      else if (a == "--kv")
        o.kv = parse_elem(next());
      else if (a == "--json")
        o.json_path = next();
      else if (a == "--quick")
        o.quick = true;
      else if (a == "--decode-only")
        o.decode_only = o.quick = true;
      else if (a == "--diagnose")
        o.diagnose_only = o.decode_only = o.quick = true;
      else if (a == "--kernels-only")
        o.kernels_only = true;
      else if (a == "--only")
        o.only = next();
      else
        throw Error(ErrorKind::Validation, a,
                    "unknown option (see the header of engine/microbench/bench_cuda.cpp)");
    }
    ModelConfig config;
    if (!o.model_dir.empty()) {
      std::ifstream in(o.model_dir + "/config.json");
      config = import_hf_config(nlohmann::json::parse(in), o.model_dir + "/config.json");
    } else {
      config = load_preset(o.preset);
    }
    cuda::CudaBackend be(0);
    nlohmann::json out;
    out["device"] = be.device_name();
    out["model"] = o.model_dir.empty() ? o.preset : o.model_dir;
    out["weights_dtype"] = to_string(o.weights);
    out["kv_dtype"] = to_string(o.kv);
    const DeviceCeilings c = cuda::measure_device_ceilings(be);
    out["ceilings"] = {{"read_gbs", c.read_gbs},
                       {"copy_gbs", c.copy_gbs},
                       {"bf16_gemm_tflops", c.bf16_gemm_tflops},
                       {"fp32_gemm_tflops", c.fp32_gemm_tflops},
                       {"buffer_bytes", c.buffer_bytes}};
    std::printf(
        "%s: read %.0f GB/s, copy %.0f GB/s, bf16 GEMM %.1f TFLOP/s, fp32 GEMM %.1f TFLOP/s\n",
        be.device_name().c_str(), c.read_gbs, c.copy_gbs, c.bf16_gemm_tflops, c.fp32_gemm_tflops);
    if (!o.decode_only) out["kernels"] = microbench::kernel_bench(be, o.only);
    if (o.kernels_only) {
      if (!o.json_path.empty()) std::ofstream(o.json_path) << out.dump(2) << "\n";
      return 0;
    }
    const double t0 = steady_seconds();
    const ModelWeights w = o.model_dir.empty()
                               ? random_weights(be, config, RandomInitOptions{.seed = 1}, o.weights)
                               : load_hf_weights(be, config, o.model_dir, o.weights);
    be.synchronize(be.default_stream());
    out["load_s"] = steady_seconds() - t0;
    std::printf("weights loaded in %.1f s (%s)\n", out["load_s"].get<double>(),
                to_string(o.weights));
    Model model(be, config, w);
    Bench b{be, config, model, o, c};
    const KernelChoices def;
    auto variant = [](const char* text) { return parse_kernel_choices({text}); };
    auto& runs = out["runs"];
    if (!o.decode_only || o.diagnose_only) out["diagnose"] = diagnose(be, config, model, o);
    runs.push_back(b.run(512, 129, 1, def, "decode ctx512 b1"));
    if (o.diagnose_only) {
      if (!o.json_path.empty()) std::ofstream(o.json_path) << out.dump(2) << "\n";
      return 0;
    }
    if (!o.decode_only) runs.push_back(b.run(2048, 1, 1, def, "prefill 2048"));
    // What the persistent GEMV is worth, in the same process (quick runs too).
    runs.push_back(b.run(512, 129, 1, variant("linear=gemv-stream"), "decode linear=gemv-stream"));
    // What fusion and the device-side greedy pick are worth, in the same process.
    runs.push_back(b.run(512, 129, 1, variant("fuse=off"), "decode fuse=off"));
    runs.push_back(b.run(512, 129, 1, def, "decode host sampling", false));
    runs.push_back(b.run(512, 129, 1, variant("fuse=off"), "decode fuse=off host sampling", false));
    if (!o.quick) {
      runs.push_back(b.run(512, 129, 1, variant("graphs=off"), "decode graphs=off"));
      runs.push_back(b.run(512, 129, 1, variant("pdl=off"), "decode pdl=off"));
      runs.push_back(b.run(512, 129, 1, variant("linear=cublas"), "decode linear=cublas"));
      runs.push_back(b.run(512, 129, 1, variant("attention=naive"), "decode attention=naive"));
      runs.push_back(b.run(2048, 1, 1, variant("attention=naive"), "prefill 2048 attention=naive"));
      runs.push_back(b.run(2048, 1, 1, variant("linear=gemv"), "prefill 2048 linear=gemv"));
      for (int64_t bs : {2, 4, 8, 16, 32, 64})
        runs.push_back(b.run(512, 33, bs, def, "batch sweep"));
      for (int64_t ctx : {1024, 2048, 4096, 8192, 16384, 32768})
        runs.push_back(b.run(ctx, 33, 1, def, "context sweep"));
    }
    const cuda::PoolStats ps = be.memory_stats();
    out["device_memory"] = {{"reserved_bytes", ps.reserved_bytes},
                            {"peak_in_use_bytes", ps.peak_in_use_bytes}};
    if (!o.json_path.empty()) std::ofstream(o.json_path) << out.dump(2) << "\n";
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "bench_cuda: error: %s: %s\n", e.where().c_str(), e.message().c_str());
    return e.kind() == ErrorKind::Validation ? 2 : 1;
  }
}
