// archscope CLI entry point: parses the command line, runs one subcommand, and turns every error
// into one line on stderr with a non-zero exit code (2 for bad input, 1 for internal failures).
#include <exception>
#include <iostream>
#include <new>
#include <vector>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/version.hpp"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 1;

int run(int argc, char** argv) {
  CLI::App app{"archscope: explore, run and profile LLM architectures"};
  app.set_version_flag("--version", std::string(archscope::archscope_version()) + " (" +
                                        archscope::archscope_git_revision() + ")");
  app.require_subcommand(1);
  app.fallthrough(false);

  std::vector<archscope::cli::Command> commands = {
      archscope::cli::add_analyze_command(app),     archscope::cli::add_presets_command(app),
      archscope::cli::add_hardware_command(app),    archscope::cli::add_diff_config_command(app),
      archscope::cli::add_import_hf_command(app),
      archscope::cli::add_logits_command(app),
      archscope::cli::add_generate_command(app),
      archscope::cli::add_bench_command(app),
      archscope::cli::add_run_command(app),
      archscope::cli::add_runs_command(app),
      archscope::cli::add_compare_command(app),
      archscope::cli::add_export_command(app),
      archscope::cli::add_report_command(app),
      archscope::cli::add_tokenize_command(app),
      archscope::cli::add_detokenize_command(app),
      archscope::cli::add_perplexity_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help/version (code 0) or the parse error
    return code == 0 ? 0 : kExitBadInput;
  }
  for (auto& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const archscope::Error& e) {
    std::cerr << "archscope: error: " << e.what() << "\n";
    return e.kind() == archscope::ErrorKind::Internal ? kExitInternal : kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "archscope: error: out of memory\n";
    return kExitInternal;
  } catch (const std::exception& e) {
    std::cerr << "archscope: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
