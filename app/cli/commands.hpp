// Each CLI subcommand registers itself on the app and returns the function that runs it.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace archscope::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_analyze_command(CLI::App& root);
Command add_presets_command(CLI::App& root);
Command add_hardware_command(CLI::App& root);
Command add_diff_config_command(CLI::App& root);
Command add_import_hf_command(CLI::App& root);
Command add_logits_command(CLI::App& root);
Command add_generate_command(CLI::App& root);
Command add_bench_command(CLI::App& root);
Command add_run_command(CLI::App& root);
Command add_runs_command(CLI::App& root);
Command add_compare_command(CLI::App& root);
Command add_export_command(CLI::App& root);
Command add_report_command(CLI::App& root);
Command add_devices_command(CLI::App& root);
Command add_tokenize_command(CLI::App& root);
Command add_detokenize_command(CLI::App& root);
Command add_perplexity_command(CLI::App& root);
Command add_quant_command(CLI::App& root);

}  // namespace archscope::cli
