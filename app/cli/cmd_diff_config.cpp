// `archscope diff-config A B`: two configurations side by side with the differing fields
// highlighted and the analytic deltas. A and B are preset names or files (archscope model files or
// Hugging Face config.json).
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/analysis_options.hpp"
#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "report/config_diff.hpp"

namespace archscope::cli {

namespace {
struct DiffOptions {
  std::string a;
  std::string b;
  AnalysisFlags flags;
  bool all = false;
  bool json = false;
};
}  // namespace

Command add_diff_config_command(CLI::App& root) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* sub = root.add_subcommand(
      "diff-config", "Show two configurations side by side with the analytic deltas");
  sub->add_option("A", options->a, "Preset name, archscope model file or HF config.json")->required();
  sub->add_option("B", options->b, "Preset name, archscope model file or HF config.json")->required();
  add_analysis_flags(*sub, options->flags);
  sub->add_flag("--all", options->all, "List every field, not only the differing ones");
  sub->add_flag("--json", options->json, "Print one JSON object");
  return {sub, [options] {
            const AnalysisOptions analysis = analysis_options(options->flags);
            const auto hardware = analysis_hardware(options->flags);
            const Analysis a = summarize(load_model_argument(options->a, "A"), analysis, hardware);
            const Analysis b = summarize(load_model_argument(options->b, "B"), analysis, hardware);
            ConfigDiffInput in{options->a, options->b, &a, &b, options->all,
                               !options->json && ::isatty(STDOUT_FILENO) != 0};
            if (options->json) {
              std::cout << config_diff_json(in).dump(2) << "\n";
            } else {
              std::cout << render_config_diff_text(in);
            }
            return 0;
          }};
}

}  // namespace archscope::cli
