#include "cli/parse_errors.hpp"

#include <regex>

namespace archscope::cli {

namespace {

// The deepest subcommand the parser entered ("archscope runs show" -> show), or the root.
const CLI::App* deepest(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* a) { return a->parsed(); }))
    return deepest(*sub);
  return &app;
}

std::string command_path(const CLI::App* app) {
  std::string path;
  for (const CLI::App* a = app; a && a->get_parent(); a = a->get_parent())
    path = a->get_name() + (path.empty() ? "" : " " + path);
  return "archscope" + (path.empty() ? "" : " " + path);
}

std::string help_hint(const CLI::App* app) {
  return " (" + command_path(app) + " --help lists them)";
}

// "an integer" for CLI11's INT, ... from the option's type name.
std::string expected_value(const CLI::App* app, const std::string& name) {
  const CLI::Option* opt = nullptr;
  try {
    opt = app->get_option(name);
  } catch (const CLI::OptionNotFound&) {
  }
  const std::string type = opt ? opt->get_type_name() : "";
  if (type.rfind("UINT", 0) == 0) return "a non-negative integer";
  if (type.rfind("INT", 0) == 0) return "an integer";
  if (type.rfind("FLOAT", 0) == 0) return "a number";
  return "a valid value";
}

bool is_option(const std::string& s) {
  return !s.empty() && s[0] == '-';
}

}  // namespace

std::string describe_parse_error(const CLI::ParseError& e, const CLI::App& root,
                                 const std::vector<std::string>& args) {
  const CLI::App* at = deepest(root);
  const std::string what = e.what();
  std::smatch m;
  static const std::regex convert(R"(Could not convert: (\S+) = (.*))");
  static const std::regex extras(R"(The following arguments? (?:was|were) not expected: (.*))");
  static const std::regex excludes(R"((\S+) excludes (\S+))");
  static const std::regex required(R"((\S+) is required)");
  static const std::regex missing_value(R"((\S+): \d+ required \S+ missing)");
  static const std::regex exactly(R"(Expected exactly (\d+) arguments? to (\S+), got (\d+))");
  if (std::regex_match(what, m, convert))
    return m[1].str() + ": '" + m[2].str() + "' is not " + expected_value(at, m[1].str());
  if (std::regex_match(what, m, extras)) {
    // CLI11 lists the extras last-first; the first one typed is the one to name.
    std::string first = m[1].str();
    if (const size_t space = first.rfind(' '); space != std::string::npos)
      first = first.substr(space + 1);
    if (is_option(first)) return "unknown option '" + first + "'" + help_hint(at);
    if (at == &root) return "unknown command '" + first + "'" + help_hint(at);
    return "unexpected argument '" + first + "' (" + command_path(at) + " --help)";
  }
  if (std::regex_match(what, m, excludes))
    return m[1].str() + " and " + m[2].str() + " cannot be given together";
  if (std::regex_match(what, m, missing_value)) return m[1].str() + " needs a value";
  if (std::regex_match(what, m, exactly))
    return m[2].str() + " takes " + m[1].str() + " value(s), got " + m[3].str();
  if (what == "A subcommand is required") {
    // `archscope nosuch`: the word the user typed is no command.
    for (const std::string& a : args)
      if (!is_option(a)) return "unknown command '" + a + "'" + help_hint(at);
    return "name a command" + help_hint(at);
  }
  if (std::regex_match(what, m, required)) {
    const std::string name = m[1].str();
    return (is_option(name) ? name : "the argument '" + name + "'") + " is required (" +
           command_path(at) + " --help)";
  }
  std::string out = what;
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace archscope::cli
