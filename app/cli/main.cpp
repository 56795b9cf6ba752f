// archscope CLI entry point: parses the command line, runs one subcommand, and turns every error
// into one line `archscope: error: ...` on stderr. Exit codes: 0 success, 2 bad input (a parse
// error, a bad file or value, an unknown name), 1 a failure of the machine or of archscope
// (ErrorKind::System / Internal: a write or allocation that failed, a bug), 130 an interrupted
// run (`run` prints that itself).
#include <exception>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/parse_errors.hpp"
#include "common/error.hpp"
#include "common/version.hpp"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitMachine = 1;

// One line: a library message that spans several lines is joined.
void print_error(const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::cerr << "archscope: error: " << line << "\n";
}

int run(int argc, char** argv) {
  CLI::App app{"archscope: explore, run and profile LLM architectures"};
  app.set_version_flag("--version", std::string(archscope::archscope_version()) + " (" +
                                        archscope::archscope_git_revision() + ")");
  app.require_subcommand(1);
  app.fallthrough(false);
  app.footer(
      "Exit status: 0 success, 2 bad input (options, files, names), 1 a failure of the machine "
      "(I/O, memory) "
      "or of archscope, 130 a run interrupted by Ctrl-C.");

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
      archscope::cli::add_devices_command(app),
      archscope::cli::add_tokenize_command(app),
      archscope::cli::add_detokenize_command(app),
      archscope::cli::add_perplexity_command(app),
      archscope::cli::add_quant_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    print_error(archscope::cli::describe_parse_error(
        e, app, std::vector<std::string>(argv + 1, argv + argc)));
    return kExitBadInput;
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
    print_error(e.what());
    const bool machine =
        e.kind() == archscope::ErrorKind::System || e.kind() == archscope::ErrorKind::Internal;
    return machine ? kExitMachine : kExitBadInput;
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return kExitMachine;
  } catch (const std::filesystem::filesystem_error& e) {
    print_error(e.path1().string() + ": " + e.code().message());
    return kExitMachine;
  } catch (const std::exception& e) {
    print_error(std::string("internal: ") + e.what());
    return kExitMachine;
  }
}
