// `archscope devices`: what the engine can run on here, as the backend registry lists it: the
// CPU (always), then every CUDA device of a build with the CUDA backend.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "backend/cuda_entry.hpp"
#include "cli/commands.hpp"
#include "registry/registry.hpp"
#include "report/text_format.hpp"

namespace archscope::cli {

namespace {

std::string cuda_note(size_t gpus) {
  if (!cuda_entry::compiled()) return "this build has no CUDA backend";
  if (gpus == 0) return "the CUDA backend is built in, but the driver reports no device";
  return "the CUDA backend is built in";
}

int run_devices(bool json) {
  const std::vector<DeviceInfo> all = devices();
  const size_t gpus = all.size() - 1;
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const DeviceInfo& d : all) {
      list.push_back({{"spec", d.spec},
                      {"kind", d.kind},
                      {"index", d.index},
                      {"name", d.name},
                      {"memory_total_bytes", d.memory_total_bytes},
                      {"memory_free_bytes", d.memory_free_bytes},
                      {"compute_capability", d.compute_capability.empty()
                                                 ? nlohmann::json(nullptr)
                                                 : nlohmann::json(d.compute_capability)},
                      {"cores", d.cores}});
    }
    nlohmann::json out = {{"cuda_built", cuda_entry::compiled()}, {"devices", list}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  text::Table t({"backend", "device", "memory", "free", "compute", "cores"}, "llrrlr");
  for (const DeviceInfo& d : all) {
    t.add({d.spec, d.name, text::binary_bytes(static_cast<double>(d.memory_total_bytes)),
           text::binary_bytes(static_cast<double>(d.memory_free_bytes)),
           d.compute_capability.empty() ? "-" : d.compute_capability,
           std::to_string(d.cores) + (d.kind == "cpu" ? " logical CPUs" : " SMs")});
  }
  t.render(std::cout);
  std::cout << "CUDA: " << cuda_note(gpus) << "\n";
  return 0;
}

}  // namespace

Command add_devices_command(CLI::App& root) {
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = root.add_subcommand(
      "devices",
      "List the devices the engine can run on (the --backend values): the CPU, then CUDA GPUs");
  sub->add_flag("--json", *json,
                "Print {cuda_built, devices: [{spec, kind, index, name, memory_total_bytes, "
                "memory_free_bytes, "
                "compute_capability, cores}]}");
  return {sub, [json] { return run_devices(*json); }};
}

}  // namespace archscope::cli
