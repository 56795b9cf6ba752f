// `archscope presets` and `archscope hardware`: what the catalog holds.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/preset_catalog.hpp"
#include "report/text_format.hpp"

namespace archscope::cli {

Command add_presets_command(CLI::App& root) {
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = root.add_subcommand("presets", "List model presets with their parameter counts");
  sub->add_flag("--json", *json, "Print a JSON list of {name, family, params_total, params_active}");
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

Command add_hardware_command(CLI::App& root) {
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = root.add_subcommand("hardware", "List hardware profiles used for rooflines");
  sub->add_flag("--json", *json, "Print a JSON list");
  return {sub, [json] {
            const auto profiles = list_hardware();
            static const DType kShown[] = {DType::F32, DType::BF16, DType::FP8, DType::INT8};
            if (*json) {
              nlohmann::json out = nlohmann::json::array();
              for (const auto& h : profiles) {
                nlohmann::json peaks = nlohmann::json::object();
                for (DType t : {DType::F32, DType::BF16, DType::F16, DType::FP8, DType::INT8, DType::INT4}) {
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
            text::Table table({"profile", "description", "memory", "bandwidth", "fp32", "bf16", "fp8", "int8"});
            for (const auto& h : profiles) {
              std::vector<std::string> row = {h.name, h.description,
                                              text::binary_bytes(double(h.memory_bytes)),
                                              text::si(h.memory_bandwidth, "B/s")};
              for (DType t : kShown) row.push_back(h.peak(t) > 0 ? text::si(h.peak(t), "FLOP/s") : "-");
              table.add(row);
            }
            table.render(std::cout);
            return 0;
          }};
}

}  // namespace archscope::cli
