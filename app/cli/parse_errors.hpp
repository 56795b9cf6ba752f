// CLI11's parse errors in archscope's words: one line that names the option or command the user
// typed and says what was wrong with it ("--batch: '1.5' is not an integer", "unknown command
// 'nosuch'", "--preset and --config cannot be given together"), with where to look for help.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace archscope::cli {

// `root` is the parsed (or partly parsed) app; `args` the command line without the program name.
std::string describe_parse_error(const CLI::ParseError& e, const CLI::App& root,
                                 const std::vector<std::string>& args);

}  // namespace archscope::cli
