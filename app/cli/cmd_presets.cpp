// `archscope presets` and `archscope hardware`: what the catalog holds; `hardware --measure`
// measures the host into a profile file that --hardware accepts.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/stored_runs.hpp"
#include "common/error.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/host_profile.hpp"
#include "presets/preset_catalog.hpp"
#include "report/text_format.hpp"

namespace archscope::cli {

Command add_presets_command(CLI::App& root) {
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = root.add_subcommand("presets", "List model presets with their parameter counts");
  sub->add_flag("--json", *json,
                "Print a JSON list of {name, family, params_total, params_active}");
  return {sub, [json] {
            const auto presets = list_presets();
            if (*json) {
              nlohmann::json out = nlohmann::json::array();
              for (const auto& p : presets) {
                out.push_back({{"name", p.name},
                               {"family", p.family},
                               {"params_total", p.params_total},
                               {"params_active", p.params_active}});
              }
              std::cout << out.dump(2) << "\n";
              return 0;
            }
            text::Table table({"preset", "family", "params total", "params active", "exact total"});
            for (const auto& p : presets) {
              table.add({p.name, p.family, text::params_short(p.params_total),
                         text::params_short(p.params_active), text::grouped(p.params_total)});
            }
            table.render(std::cout);
            return 0;
          }};
}

namespace {

struct MeasureOptions {
  bool measure = false;
  std::string out;
  std::string name = "host";
  bool force = false;
  double seconds = 2.0;
  int threads = 0;
};

int measure_hardware(const MeasureOptions& o) {
  if (!(o.seconds > 0) || o.seconds > 600)
    throw Error(ErrorKind::Validation, "--seconds", "must be above 0 and at most 600");
  if (o.threads < 0) throw Error(ErrorKind::Validation, "--threads", "must be at least 1");
  if (!o.out.empty()) {
    check_output_file(o.out, o.force, "--out");
    const std::filesystem::path dir = std::filesystem::path(o.out).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))  // before minutes of measuring
      throw Error(ErrorKind::Validation, "--out",
                  "directory '" + dir.string() + "' does not exist");
  }
  std::cerr << "measuring read bandwidth, FP32 GEMM (archscope's kernel, OpenBLAS) for about "
            << text::fixed(3 * o.seconds, 1) << " s...\n";
  const HostProfileMeasurement m =
      measure_host_profile({.threads = o.threads, .min_seconds = o.seconds});
  const nlohmann::json j = host_profile_json(m, o.name);
  const HardwareProfile checked =
      hardware_from_json(j, "measured profile");  // what --hardware reads
  if (o.out.empty()) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  {
    std::ofstream f(o.out, std::ios::binary | std::ios::trunc);
    f << j.dump(2) << "\n";
    f.flush();
    if (!f) throw Error(ErrorKind::System, o.out, "write failed");
  }
  std::cout << "wrote " << o.out << ": " << checked.description << "; read "
            << text::fixed(checked.memory_bandwidth / 1e9, 1) << " GB/s, fp32 "
            << text::fixed(checked.peak(DType::F32) / 1e12, 3) << " TFLOP/s (use --hardware "
            << o.out << ")\n";
  return 0;
}

}  // namespace

Command add_hardware_command(CLI::App& root) {
  auto json = std::make_shared<bool>(false);
  auto mo = std::make_shared<MeasureOptions>();
  CLI::App* sub = root.add_subcommand(
      "hardware", "List hardware profiles used for rooflines, or measure this host into one");
  sub->add_flag("--json", *json, "Print a JSON list");
  sub->add_flag("--measure", mo->measure,
                "Measure this host (read bandwidth, FP32 GEMM of archscope's kernel and of "
                "OpenBLAS, the CPU's theoretical FMA peak) and print it as a profile file");
  sub->add_option("--out", mo->out,
                  "With --measure: write the profile here (then --hardware FILE uses it)");
  sub->add_option("--name", mo->name, "With --measure: the profile's name")->capture_default_str();
  sub->add_option("--seconds", mo->seconds,
                  "With --measure: each measurement repeats at least this long (best run kept)")
      ->capture_default_str();
  sub->add_option("--threads", mo->threads,
                  "With --measure: threads (default: one per logical CPU)");
  add_force_flag(*sub, mo->force);
  return {sub, [json, mo] {
            if (mo->measure) return measure_hardware(*mo);
            if (!mo->out.empty())
              throw Error(ErrorKind::Validation, "--out", "only with --measure");
            const auto profiles = list_hardware();
            static const DType kShown[] = {DType::F32, DType::BF16, DType::FP8, DType::INT8};
            if (*json) {
              nlohmann::json out = nlohmann::json::array();
              for (const auto& h : profiles) {
                nlohmann::json peaks = nlohmann::json::object();
                for (DType t :
                     {DType::F32, DType::BF16, DType::F16, DType::FP8, DType::INT8, DType::INT4}) {
                  if (h.peak(t) > 0) peaks[to_string(t)] = h.peak(t);
                }
                out.push_back({{"name", h.name},
                               {"description", h.description},
                               {"memory_bandwidth_bytes_per_s", h.memory_bandwidth},
                               {"memory_bytes", h.memory_bytes},
                               {"peak_flops", peaks},
                               {"source", h.source}});
              }
              std::cout << out.dump(2) << "\n";
              return 0;
            }
            text::Table table(
                {"profile", "description", "memory", "bandwidth", "fp32", "bf16", "fp8", "int8"});
            for (const auto& h : profiles) {
              std::vector<std::string> row = {h.name, h.description,
                                              text::binary_bytes(double(h.memory_bytes)),
                                              text::si(h.memory_bandwidth, "B/s")};
              for (DType t : kShown)
                row.push_back(h.peak(t) > 0 ? text::si(h.peak(t), "FLOP/s") : "-");
              table.add(row);
            }
            table.render(std::cout);
            return 0;
          }};
}

}  // namespace archscope::cli
