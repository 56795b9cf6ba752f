// `archscope bench`: times prefill and decode of a model on this machine and, in the same run,
// measures the machine's limits (sustained read bandwidth, FP32 GEMM rate) so the result says how
// close the engine gets: decode against the bytes-per-step floor of the analytic plan, prefill
// against the GEMM peak, peak RSS against weights + KV cache. The prefill also gets ceilings none
// of archscope's kernels take part in: OpenBLAS's sgemm measured in the same run (when Debian's
// libopenblas0 is installed) and the CPU's theoretical FP32 FMA peak (engine/presets/cpu_peak). The
// generation runs --warmup times untimed, then --repeat times; figures are medians over the
// repeats. On a GPU backend the limits are the device's (cuda_entry::measure_ceilings: read and
// copy bandwidth, bf16 or fp32 GEMM rate by the weights' dtype), measured in the same process
// before the model loads; the host's CPU ceilings do not apply there and are left out.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "backend/cuda_entry.hpp"
#include "cli/bench_slice.hpp"
#include "cli/commands.hpp"
#include "cli/engine_options.hpp"
#include "cli/layers_option.hpp"
#include "cli/model_source.hpp"
#include "common/error.hpp"
#include "generate/bench_model.hpp"
#include "generate/engine_model.hpp"
#include "generate/generation.hpp"
#include "generate/host_load.hpp"
#include "generate/memory_budget.hpp"
#include "kv/kv_dtype.hpp"
#include "presets/blas_gemm.hpp"
#include "presets/cpu_peak.hpp"
#include "presets/measure_host.hpp"
#include "registry/registry.hpp"
#include "report/text_format.hpp"

namespace archscope::cli {

namespace {
struct BenchOptions {
  ModelSource source;
  std::string backend = "cpu";
  std::vector<std::string> kernels;
  int64_t prompt = 512;
  int64_t new_tokens = 128;
  int64_t batch = 1;
  int threads = 0;
  uint64_t seed = 0;
  std::string weights_dtype = default_weights_dtype();
  std::string weights_quant;
  std::string kv_dtype = "fp32";
  CLI::Option* weights_dtype_option = nullptr;
  int64_t warmup = 1;
  int64_t repeat = 1;
  bool json = false;
  std::string layers;         // --layers A:B
  bool compare_full = false;  // --compare-full
};

struct Measured {
  std::vector<GenerationResult> runs;  // the measured repeats, in order
  std::vector<std::vector<prof::ForwardLayerTimes>> layer_times;  // --layers: per repeat
  std::optional<Generations> full;  // --compare-full: the whole model, after the slice
  double load_s = 0;
  uint64_t load_peak_rss = 0;      // VmHWM once the weights and cache are in place
  uint64_t rss_after_load = 0;     // VmRSS at that point
  uint64_t run_peak_rss = 0;       // VmHWM of prefill + decode alone (reset after the load)
  bool run_peak_separate = false;  // whether the reset worked
  double read_gbs = 0;
  double gemm_tflops = 0;
  // A GPU backend: the device whose ceilings read_gbs / gemm_tflops are (empty on the CPU).
  std::string device;
  double copy_gbs = 0;
  std::string gemm_dtype = "fp32";
  BlasGemmRate openblas;
  CpuPeak cpu;
  WeightQuantization quantization;  // what --weights-quant did at load
};

// A loaded model, with a LayerClock on its forward passes when layers are timed (the same
// observer for a slice and its whole model, so both carry its cost).
struct TimedModel {
  std::unique_ptr<prof::LayerClock> clock;  // declared first: outlives the model it observes
  std::unique_ptr<StepModel> model;
};

TimedModel open_timed(const BenchOptions& o, const ModelConfig& config, EngineModelOptions eo,
                      bool time_layers) {
  TimedModel t;
  if (time_layers)
    eo.observer = [&t, &config](Backend& be) {
      t.clock = std::make_unique<prof::LayerClock>(be, config.n_layers);
      return t.clock.get();
    };
  t.model = open_engine_model(config, eo, o.source.describe());
  return t;
}

// One generation; a measured one (not warm-up) is added to `into` with its layer times.
void generate_once(TimedModel& t, const GenerationRequest& request, bool measured,
                   Generations& into) {
  ProgressLine progress(std::cerr, stderr_is_terminal());
  GenerationResult r = generate_tokens(*t.model, request, progress, steady_seconds);
  std::vector<prof::ForwardLayerTimes> layers;
  if (t.clock) layers = t.clock->take();  // forward_host synchronised after every pass
  if (!measured) return;
  into.runs.push_back(std::move(r));
  into.layer_times.push_back(std::move(layers));
}

Measured measure(const BenchOptions& o, const ModelConfig& config, const EngineModelOptions& eo,
                 int threads) {
  Measured m;
  GenerationRequest request;
  SplitMix64 rng(o.seed ^ 0x62656e6368ULL);  // "bench": prompts apart from the weights' stream
  for (int64_t s = 0; s < o.batch; ++s) {
    request.prompts.emplace_back();
    for (int64_t i = 0; i < o.prompt; ++i) {
      request.prompts.back().push_back(
          static_cast<int32_t>(rng.next() % static_cast<uint64_t>(config.vocab_size)));
    }
  }
  request.new_tokens = o.new_tokens + 1;  // the first new token comes from the prefill
  request.sampler.temperature = 0.0;
  // The roofline is measured before loading and again after the run. Its 512 MiB buffer is freed
  // before the weights come and the peak RSS is reset, so it never counts in the memory figures.
  const HostMeasureOptions host{.threads = threads, .min_seconds = 1.0};
  const bool on_device = eo.backend.kind != BackendKind::Cpu;
  if (on_device) {
    // The device's own limits, on a backend of the same spec that is gone before the model loads
    // (the measurement streams ~4 GiB of device memory).
    std::unique_ptr<Backend> be = make_backend(eo.backend);
    const DeviceCeilings c = cuda_entry::measure_ceilings(*be);
    const DType w = dtype_of(eo.weights);
    const bool half = w == DType::BF16 || w == DType::F16;
    m.read_gbs = c.read_gbs;
    m.copy_gbs = c.copy_gbs;
    m.gemm_tflops = half ? c.bf16_gemm_tflops : c.fp32_gemm_tflops;
    m.gemm_dtype = half ? "bf16" : "fp32";
    m.device = eo.backend.text();
    for (const DeviceInfo& d : devices())
      if (d.spec == m.device) m.device += " (" + d.name + ")";
  } else {
    m.read_gbs = measure_read_bandwidth(host);
    m.gemm_tflops = measure_fp32_gemm_peak(host);
  }
  reset_peak_rss();
  {
    const double t0 = steady_seconds();
    TimedModel model = open_timed(o, config, eo, eo.layers.has_value());
    m.load_s = steady_seconds() - t0;
    if (const WeightQuantization* q = model.model->weight_quantization()) m.quantization = *q;
    m.load_peak_rss = peak_rss_bytes();
    m.rss_after_load = current_rss_bytes();
    // --compare-full: the whole model, loaded beside the slice after the slice's load figures,
    // timed the same way; the two alternate repeat by repeat, so a change in the machine's load
    // during the call falls on both alike.
    TimedModel whole;
    if (o.compare_full) {
      EngineModelOptions full = eo;
      full.layers.reset();
      whole = open_timed(o, config, full, true);
      m.full.emplace();
    }
    m.run_peak_separate = reset_peak_rss();
    Generations slice;
    for (int64_t i = 0; i < o.warmup + o.repeat; ++i) {
      generate_once(model, request, i >= o.warmup, slice);
      if (whole.model) generate_once(whole, request, i >= o.warmup, *m.full);
    }
    m.run_peak_rss = peak_rss_bytes();
    m.runs = std::move(slice.runs);
    m.layer_times = std::move(slice.layer_times);
  }
  // Second roofline measurement, after the model is freed; the best of the two is the machine's
  // capability (each is already a best-of-runs), which a competing process can only lower.
  if (on_device) return m;
  m.read_gbs = std::max(m.read_gbs, measure_read_bandwidth(host));
  m.gemm_tflops = std::max(m.gemm_tflops, measure_fp32_gemm_peak(host));
  // After the run only: OpenBLAS's worker threads spin for a while after a call.
  m.openblas = measure_openblas_sgemm(threads, host.min_seconds);
  m.cpu = host_cpu_peak();
  return m;
}

// Mean cores other processes kept busy during a phase: above ~0.1 the phase's time (and its
// fraction of the roofline) is not this engine's alone. -1 when /proc/stat was unreadable or the
// phase was too short for its 10 ms ticks to say anything.
double other_cores(double machine_cpu_s, double own_cpu_s, double wall_s) {
  if (machine_cpu_s < 0 || wall_s < 0.5) return -1.0;
  return std::max(0.0, (machine_cpu_s - own_cpu_s) / wall_s);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

nlohmann::json report(const BenchOptions& o, const ModelConfig& config, int threads,
                      const BenchModel& plan, const Measured& m) {
  // Per repeat: prefill time and mean decode step; the medians are the figures. CPU shares come
  // from the repeat whose decode time is the median one.
  std::vector<double> prefill_s, step_ms, all_steps;
  for (const GenerationResult& g : m.runs) {
    prefill_s.push_back(g.prefill_s);
    step_ms.push_back(1e3 * g.decode_s / static_cast<double>(g.decode_steps));
    for (double s : g.step_s) all_steps.push_back(1e3 * s);
  }
  std::vector<size_t> order(m.runs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return m.runs[a].decode_s < m.runs[b].decode_s; });
  const GenerationResult& r = m.runs[order[order.size() / 2]];
  const double batch = static_cast<double>(o.batch);
  const double prefill = median(prefill_s);
  const double prefill_tps = static_cast<double>(r.prefill_tokens) / prefill;
  const double prefill_flops_s = static_cast<double>(plan.prefill_flops) / prefill;
  const double decode_ms = median(step_ms);  // per step: one token of every sequence
  const double median_ms = median(all_steps);
  const double floor_ms = 1e3 * plan.decode_bytes_read_per_step / (m.read_gbs * 1e9);
  const double needed = static_cast<double>(plan.weights_bytes + plan.kv_bytes);

  nlohmann::json j;
  j["model"] = config.name;
  j["source"] = o.source.describe();
  j["backend"] = parse_backend_spec(o.backend, o.kernels).description();
  j["weights_dtype"] =
      m.quantization.scheme && o.weights_dtype_option->count() == 0 ? "fp32" : o.weights_dtype;
  if (m.quantization.scheme) {
    // Held packed: the plan's (and so the floor's) bytes are the packed format's. Held
    // dequantized in fp32: the timings and the byte floor are fp32's.
    j["weights_quant"] = {{"scheme", quant::to_string(*m.quantization.scheme)},
                          {"bits_per_weight", m.quantization.bits_per_weight()},
                          {"quantized_tensors", m.quantization.tensors.size()},
                          {"packed_bytes", (m.quantization.quantized_bits() + 7) / 8},
                          {"held_bytes", m.quantization.held_bits() / 8},
                          {"held", m.quantization.packed ? "packed" : "dequantized fp32"}};
  }
  if (const auto& c = m.quantization.checkpoint) {
    // A checkpoint published quantized (gpt-oss mxfp4, DeepSeek-V3 fp8), dequantized at load.
    j["checkpoint_quant"] = {{"format", quant::to_string(c->format)},
                             {"bits_per_weight", c->bits_per_weight()},
                             {"packed_tensors", c->tensors},
                             {"packed_bytes", c->bytes},
                             {"held", "dequantized " + j["weights_dtype"].get<std::string>()}};
  }
  j["kv_dtype"] = to_string(parse_kv_elem(o.kv_dtype, "--kv-dtype"));
  j["threads"] = threads;
  j["batch"] = o.batch;
  j["warmup"] = o.warmup;
  j["repeat"] = o.repeat;
  j["load_s"] = m.load_s;
  j["prefill"] = {{"tokens", r.prefill_tokens},
                  {"seconds", prefill},
                  {"seconds_per_repeat", prefill_s},
                  {"tokens_per_s", prefill_tps},
                  {"plan_flops", plan.prefill_flops},
                  {"tflops_per_s", prefill_flops_s / 1e12},
                  {"fraction_of_gemm_peak", prefill_flops_s / (m.gemm_tflops * 1e12)},
                  {"cpu_utilization", r.prefill_cpu_s / (r.prefill_s * threads)},
                  {"other_processes_cores",
                   other_cores(r.prefill_machine_cpu_s, r.prefill_cpu_s, r.prefill_s)}};
  j["decode"] = {
      {"steps", r.decode_steps},
      {"tokens", r.decode_steps * o.batch},
      {"seconds", decode_ms * 1e-3 * static_cast<double>(r.decode_steps)},
      {"ms_per_step", decode_ms},
      {"ms_per_token", decode_ms / batch},
      {"ms_per_step_per_repeat", step_ms},
      {"median_ms_per_step", median_ms},
      {"median_ms_per_token", median_ms / batch},
      {"tokens_per_s", 1e3 * batch / decode_ms},
      {"plan_bytes_read_per_step", plan.decode_bytes_read_per_step},
      {"achieved_read_gbs", plan.decode_bytes_read_per_step / (decode_ms * 1e-3) / 1e9},
      {"fraction_of_roofline", floor_ms / decode_ms},
      {"cpu_utilization", r.decode_cpu_s / (r.decode_s * threads)},
      {"other_processes_cores", other_cores(r.decode_machine_cpu_s, r.decode_cpu_s, r.decode_s)}};
  if (!m.device.empty()) {
    // The device's ceilings, measured in this process; no host CPU figure applies to its kernels.
    j["roofline"] = {
        {"device", m.device},
        {"read_gbs", m.read_gbs},
        {"copy_gbs", m.copy_gbs},
        {"gemm_peak_tflops", m.gemm_tflops},
        {"gemm_dtype", m.gemm_dtype},
        {"decode_floor_ms_per_step", floor_ms},
        {"decode_floor_ms_per_token", floor_ms / batch},
        {"prefill_floor_s", static_cast<double>(plan.prefill_flops) / (m.gemm_tflops * 1e12)}};
    j["prefill"]["fraction_of_openblas_sgemm"] = nullptr;
    j["prefill"]["fraction_of_fma_peak"] = nullptr;
  } else {
  const double fma_peak = m.cpu.tflops();
  j["prefill"]["fraction_of_openblas_sgemm"] =
      m.openblas.available ? nlohmann::json(prefill_flops_s / (m.openblas.tflops * 1e12))
                           : nlohmann::json(nullptr);
  j["prefill"]["fraction_of_fma_peak"] =
      fma_peak > 0 ? nlohmann::json(prefill_flops_s / (fma_peak * 1e12)) : nlohmann::json(nullptr);
  j["roofline"] = {
      {"read_gbs", m.read_gbs},
      {"gemm_peak_tflops", m.gemm_tflops},
      {"openblas_sgemm_tflops",
       m.openblas.available ? nlohmann::json(m.openblas.tflops) : nlohmann::json(nullptr)},
      {"openblas", m.openblas.available ? m.openblas.library : m.openblas.reason},
      {"fma_peak_tflops", fma_peak > 0 ? nlohmann::json(fma_peak) : nlohmann::json(nullptr)},
      // A kernel above the peak at the reported clock means the part runs faster than reported
      // (a VM's "cpu MHz" is the nominal clock; boost is higher): the least clock that explains it.
      {"clock_at_least_ghz",
       fma_peak > 0 && m.gemm_tflops > fma_peak
           ? nlohmann::json(m.gemm_tflops * 1e3 /
                            (m.cpu.flops_per_cycle_per_core * m.cpu.physical_cores))
           : nlohmann::json(nullptr)},
      {"cpu",
       {{"model_name", describe_host().cpu_model},
        {"vendor", m.cpu.vendor},
        {"family", m.cpu.family},
        {"model", m.cpu.model},
        {"microarchitecture", m.cpu.microarchitecture},
        {"fp32_flops_per_cycle_per_core", m.cpu.flops_per_cycle_per_core},
        {"flops_source", m.cpu.flops_source},
        {"physical_cores", m.cpu.physical_cores},
        {"ghz", m.cpu.ghz},
        {"clock_source", m.cpu.clock_source}}},
      {"decode_floor_ms_per_step", floor_ms},
      {"decode_floor_ms_per_token", floor_ms / batch},
      {"prefill_floor_s", static_cast<double>(plan.prefill_flops) / (m.gemm_tflops * 1e12)}};
  }
  const uint64_t peak = std::max(m.load_peak_rss, m.run_peak_rss);
  j["memory"] = {{"peak_rss_bytes", peak},
                 {"load_peak_rss_bytes", m.load_peak_rss},
                 {"rss_after_load_bytes", m.rss_after_load},
                 {"weights_bytes", plan.weights_bytes},
                 {"kv_bytes", plan.kv_bytes},
                 {"peak_over_weights_plus_kv", static_cast<double>(peak) / needed}};
  if (m.run_peak_separate) {
    j["memory"]["run_peak_rss_bytes"] = m.run_peak_rss;
    j["memory"]["run_peak_over_weights_plus_kv"] = static_cast<double>(m.run_peak_rss) / needed;
  }
  // With --compare-full the whole model is resident beside the slice during the run.
  j["memory"]["run_peak_includes_whole_model"] = o.compare_full;
  if (o.compare_full || !o.layers.empty()) {
    const RunShape shape{o.batch, o.prompt, o.new_tokens, 0,
                         dtype_of(parse_weight_elem(o.weights_dtype, "--weights-dtype"))};
    Generations slice{m.runs, m.layer_times};
    j["slice"] = bench_slice_json(config, *layers_option(o.layers, config), shape, slice,
                                  m.full ? &*m.full : nullptr);
  }
  return j;
}

std::string cores_text(double cores) {
  if (cores < 0) return "n/a (phase too short)";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f cores", cores);
  return text;
}

void print_text(const nlohmann::json& j) {
  char line[512];
  const auto& p = j["prefill"];
  const auto& d = j["decode"];
  const auto& f = j["roofline"];
  const auto& m = j["memory"];
  std::printf(
      "%s: %s weights, %s KV, batch %lld, %d threads (load %.2f s); medians of %lld repeats "
      "after %lld "
      "warm-up\n",
      j["model"].get<std::string>().c_str(), j["weights_dtype"].get<std::string>().c_str(),
      j["kv_dtype"].get<std::string>().c_str(), j["batch"].get<long long>(),
      j["threads"].get<int>(), j["load_s"].get<double>(), j["repeat"].get<long long>(),
      j["warmup"].get<long long>());
  if (j.contains("weights_quant")) {
    const auto& q = j["weights_quant"];
    const bool packed = q["held"].get<std::string>() == "packed";
    std::printf("weights quantized to %s: %.4f bits/weight on %zu tensors, %s\n",
                q["scheme"].get<std::string>().c_str(), q["bits_per_weight"].get<double>(),
                q["quantized_tensors"].get<size_t>(),
                packed ? "held packed (the timings and the decode floor are the packed format's)"
                       : "held dequantized in fp32 (the timings are fp32's)");
  }
  if (j.contains("checkpoint_quant")) {
    const auto& q = j["checkpoint_quant"];
    std::printf("checkpoint published in %s: %.4f bits/weight on %lld tensors, held %s (the timings are the "
                "held dtype's)\n",
                q["format"].get<std::string>().c_str(), q["bits_per_weight"].get<double>(),
                q["packed_tensors"].get<long long>(), q["held"].get<std::string>().c_str());
  }
  std::snprintf(line, sizeof line,
                "prefill  %lld tokens in %.3f s: %.1f tokens/s, %.3f TFLOP/s = %.1f%% of the "
                "GEMM peak (%.3f TFLOP/s); CPU use %.0f%% of the threads, other processes %s",
                p["tokens"].get<long long>(), p["seconds"].get<double>(),
                p["tokens_per_s"].get<double>(), p["tflops_per_s"].get<double>(),
                100 * p["fraction_of_gemm_peak"].get<double>(), f["gemm_peak_tflops"].get<double>(),
                100 * p["cpu_utilization"].get<double>(),
                cores_text(p["other_processes_cores"].get<double>()).c_str());
  std::puts(line);
  if (f.contains("device")) {
    std::snprintf(line, sizeof line,
                  "         device ceilings measured in this process on %s: read %.0f GB/s, copy "
                  "%.0f GB/s, %s GEMM %.1f TFLOP/s",
                  f["device"].get<std::string>().c_str(), f["read_gbs"].get<double>(),
                  f["copy_gbs"].get<double>(), f["gemm_dtype"].get<std::string>().c_str(),
                  f["gemm_peak_tflops"].get<double>());
    std::puts(line);
  } else {
  const auto& cpu = f["cpu"];
  std::string ceilings = "prefill ceilings fp32 (not archscope's kernels): OpenBLAS sgemm ";
  if (f["openblas_sgemm_tflops"].is_null()) {
    ceilings += "n/a (" + f["openblas"].get<std::string>() + ")";
  } else {
    std::snprintf(line, sizeof line, "%.3f TFLOP/s (prefill %.1f%% of it)",
                  f["openblas_sgemm_tflops"].get<double>(),
                  100 * p["fraction_of_openblas_sgemm"].get<double>());
    ceilings += line;
  }
  ceilings += "; theoretical FMA peak ";
  if (f["fma_peak_tflops"].is_null()) {
    ceilings += "n/a (no per-cycle figure for " + cpu["vendor"].get<std::string>() + " family " +
                std::to_string(cpu["family"].get<int>()) + " model " +
                std::to_string(cpu["model"].get<int>()) + ")";
  } else {
    std::snprintf(line, sizeof line,
                  "%.3f TFLOP/s (prefill %.1f%% of it; %s: %d FLOP/cycle x %d cores x %.2f GHz "
                  "as reported)",
                  f["fma_peak_tflops"].get<double>(), 100 * p["fraction_of_fma_peak"].get<double>(),
                  cpu["microarchitecture"].get<std::string>().c_str(),
                  cpu["fp32_flops_per_cycle_per_core"].get<int>(), cpu["physical_cores"].get<int>(),
                  cpu["ghz"].get<double>());
    ceilings += line;
    if (!f["clock_at_least_ghz"].is_null()) {
      std::snprintf(line, sizeof line,
                    "; below the GEMM peak measured above, so the cores run at >= %.2f GHz, "
                    "above the reported clock",
                    f["clock_at_least_ghz"].get<double>());
      ceilings += line;
    }
  }
  std::puts(("         " + ceilings).c_str());
  }
  std::snprintf(
      line, sizeof line,
      "decode   %lld steps: %.2f ms/step, %.3f ms/token (step median %.2f), %.1f tokens/s; floor "
      "%.2f ms/step (%.1f MB/step at %.2f GB/s read) = %.1f%% of the roofline; CPU use %.0f%%, "
      "other processes %s",
      d["steps"].get<long long>(), d["ms_per_step"].get<double>(), d["ms_per_token"].get<double>(),
      d["median_ms_per_step"].get<double>(), d["tokens_per_s"].get<double>(),
      f["decode_floor_ms_per_step"].get<double>(),
      d["plan_bytes_read_per_step"].get<double>() / 1e6, f["read_gbs"].get<double>(),
      100 * d["fraction_of_roofline"].get<double>(), 100 * d["cpu_utilization"].get<double>(),
      cores_text(d["other_processes_cores"].get<double>()).c_str());
  std::puts(line);
  std::snprintf(
      line, sizeof line,
      "memory   peak RSS %s = %.1f%% of weights %s + KV %s (load peak %s, resident "
      "after load %s, run peak %s)",
      text::binary_bytes(static_cast<double>(m["peak_rss_bytes"].get<uint64_t>())).c_str(),
      100 * m["peak_over_weights_plus_kv"].get<double>(),
      text::binary_bytes(static_cast<double>(m["weights_bytes"].get<uint64_t>())).c_str(),
      text::binary_bytes(static_cast<double>(m["kv_bytes"].get<uint64_t>())).c_str(),
      text::binary_bytes(static_cast<double>(m["load_peak_rss_bytes"].get<uint64_t>())).c_str(),
      text::binary_bytes(static_cast<double>(m["rss_after_load_bytes"].get<uint64_t>())).c_str(),
      m.contains("run_peak_rss_bytes")
          ? text::binary_bytes(static_cast<double>(m["run_peak_rss_bytes"].get<uint64_t>())).c_str()
          : "not separable");
  std::puts(line);
  if (j.contains("slice"))
    for (const std::string& l : bench_slice_text(j["slice"])) std::puts(l.c_str());
}

int run_bench(const BenchOptions& o) {
  const BackendSpec backend = backend_spec(o.backend, o.kernels);  // before the model is loaded
  const WeightsChoice weights =
      weights_choice(o.weights_dtype, o.weights_dtype_option->count() > 0, o.weights_quant);
  const ModelConfig config = load_model_config(o.source);
  if (o.threads < 0) throw Error(ErrorKind::Validation, "--threads", "must be at least 1");
  if (o.warmup < 0) throw Error(ErrorKind::Validation, "--warmup", "must be 0 or more");
  if (o.repeat < 1) throw Error(ErrorKind::Validation, "--repeat", "must be at least 1");
  const int threads = o.threads > 0
                          ? o.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  EngineModelOptions eo;
  eo.backend = backend;
  eo.hf_dir = o.source.model_dir;
  eo.seed = o.seed;
  eo.weights = weights.weights;
  eo.weights_quant = weights.quant;
  eo.kv = kv_dtype_option(o.kv_dtype);
  eo.threads = threads;
  eo.max_sequences = o.batch;
  eo.max_tokens = o.prompt + o.new_tokens + 1;
  eo.layers = layers_option(o.layers, config);
  if (o.compare_full && !eo.layers)
    throw Error(ErrorKind::Validation, "--compare-full",
                "needs --layers (it measures the whole model beside a slice)");
  if (eo.layers && !eo.hf_dir.empty())
    throw Error(ErrorKind::Unsupported, "--layers",
                "a layer slice runs seeded random weights only; drop --model-dir");
  // Validates --prompt / --new / --batch before anything is allocated.
  const BenchShape shape{.prompt = o.prompt,
                   .new_tokens = o.new_tokens,
                   .batch = o.batch,
                   .weights = dtype_of(eo.weights),
                   .kv = dtype_of(eo.kv),
                   .activations = DType::F32};
  BenchModel plan = bench_model(config, shape, eo.layers);
  const Measured m = measure(o, config, eo, threads);
  if (m.quantization.packed)  // known once loaded: the backend decides whether it packs
    plan = bench_model(config, shape, eo.layers, m.quantization.scheme);
  const nlohmann::json j = report(o, config, threads, plan, m);
  if (o.json) {
    std::cout << j.dump(2) << '\n';
  } else {
    print_text(j);
  }
  return 0;
}
}  // namespace

Command add_bench_command(CLI::App& root) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* sub = root.add_subcommand(
      "bench", "Time prefill and decode and compare them with this machine's measured roofline");
  add_model_source(*sub, options->source, /*with_model_dir=*/true);
  sub->add_option("--prompt", options->prompt, "Prompt tokens per sequence")->capture_default_str();
  sub->add_option("--new", options->new_tokens, "Decode steps")->capture_default_str();
  sub->add_option("--batch", options->batch, "Sequences decoded together")->capture_default_str();
  add_backend_option(*sub, options->backend);
  add_kernel_option(*sub, options->kernels);
  sub->add_option("--threads", options->threads, "CPU threads (default: one per logical CPU)");
  sub->add_option("--seed", options->seed, "Seed of random weights and prompts");
  options->weights_dtype_option =
      sub->add_option("--weights-dtype", options->weights_dtype, kWeightsDtypeHelp)->capture_default_str();
  add_weights_quant_option(*sub, options->weights_quant);
  add_kv_dtype_option(*sub, options->kv_dtype);
  sub->add_option(
         "--warmup", options->warmup,
         "Generations (prefill + decode of the same shape) run first and not timed, so caches, "
         "pages and thread pools are warm")
      ->capture_default_str();
  sub->add_option("--repeat", options->repeat,
                  "Timed generations; the figures are medians over them")
      ->capture_default_str();
  add_layers_option(*sub, options->layers);
  sub->add_flag("--compare-full", options->compare_full,
                "With --layers: load the whole model beside the slice, alternate their "
                "generations repeat by repeat, and print its measured figures beside the "
                "extrapolated ones with the extrapolation error in percent (the model must fit "
                "whole; the run's peak RSS then includes it)");
  sub->add_flag("--json", options->json,
                "Print one JSON object (with --layers, the estimate under \"slice\")");
  return {sub, [options] { return run_bench(*options); }};
}

}  // namespace archscope::cli
