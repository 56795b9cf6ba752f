// --help tells every command: the subcommands `archscope --help` lists are exactly those the CLI's
// sources register (every `add_subcommand` under app/cli, so a new command is covered the moment
// it exists), each with a description, and every command's own --help (nested ones included)
// exits 0 with a usage line and a description for every positional and option.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using namespace archscope::test;

namespace {

namespace fs = std::filesystem;

struct Registered {
  std::set<std::string> top;
  std::map<std::string, std::set<std::string>> nested;  // parent -> its subcommands
};

// `root.add_subcommand("name"` registers a command; `x->add_subcommand("name"` one under the
// file's command (a file registering nested commands registers one top-level command).
Registered registered_commands() {
  Registered r;
  const fs::path cli = fs::path(ARCHSCOPE_FIXTURES).parent_path().parent_path() / "app" / "cli";
  BOOST_TEST_REQUIRE(fs::is_directory(cli));
  const std::regex add(R"((\w+)\s*(\.|->)\s*add_subcommand\(\s*"([^"]+)\")");
  for (const auto& entry : fs::directory_iterator(cli)) {
    if (entry.path().extension() != ".cpp") continue;
    const std::string src = read_all(entry.path());
    std::vector<std::string> top, nested;
    for (auto it = std::sregex_iterator(src.begin(), src.end(), add); it != std::sregex_iterator();
         ++it)
      ((*it)[2] == "." ? top : nested).push_back((*it)[3]);
    for (const std::string& t : top) r.top.insert(t);
    if (nested.empty()) continue;
    BOOST_TEST_REQUIRE(top.size() == 1u, entry.path().filename()
                                             << " registers nested commands under several");
    for (const std::string& n : nested) r.nested[top.front()].insert(n);
  }
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The entries of a help section ("Subcommands:", "Options:", "Positionals:"): name -> description.
// CLI11 prints "  <spec>" padded to column 30 and the description after it, or on the next lines
// from column 30 when the spec is longer.
std::map<std::string, std::string> section(const std::string& help, const std::string& title) {
  std::map<std::string, std::string> out;
  const std::vector<std::string> ls = lines(help);
  size_t i = 0;
  while (i < ls.size() && ls[i] != title) ++i;
  for (++i; i < ls.size() && !ls[i].empty(); ++i) {
    if (ls[i].rfind("  ", 0) != 0 || ls[i].size() < 3 || ls[i][2] == ' ') continue;  // continuation
    const std::string& first = ls[i];
    const std::string name = first.substr(2, first.find(' ', 2) - 2);
    std::string desc;
    if (first.size() > 30 && first.compare(28, 2, "  ") == 0) desc = first.substr(30);
    for (size_t j = i + 1; j < ls.size() && ls[j].rfind(std::string(30, ' '), 0) == 0; ++j)
      desc += ls[j].substr(30);
    out[name] = desc;
  }
  return out;
}

void check_command_help(const std::vector<std::string>& path) {
  std::vector<std::string> args = path;
  args.push_back("--help");
  std::string name;
  for (const std::string& p : path) name += (name.empty() ? "" : " ") + p;
  const CliResult r = run_cli(args);
  BOOST_TEST_CONTEXT("archscope " << name << " --help") {
    BOOST_TEST(r.exit_code == 0);
    const std::vector<std::string> ls = lines(r.out);
    BOOST_TEST_REQUIRE(ls.size() >= 2u);
    BOOST_TEST(!ls[0].empty());  // the command's description
    BOOST_TEST(ls[1].find("Usage: ") == 0u);
    BOOST_TEST(ls[1].find(" " + path.back()) != std::string::npos);
    for (const char* title : {"Positionals:", "Options:"})
      for (const auto& [entry, desc] : section(r.out, title))
        BOOST_TEST(desc.find_first_not_of(' ') != std::string::npos,
                   entry << " has no description");
    BOOST_TEST(section(r.out, "Options:").count("-h,--help") == 1u);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_help)

BOOST_AUTO_TEST_CASE(help_tells_every_command) {
  const Registered reg = registered_commands();
  BOOST_TEST_REQUIRE(reg.top.size() >= 13u);  // analyze ... report, as of this test
  const CliResult r = run_cli({"--help"});
  BOOST_TEST(r.exit_code == 0);
  const auto listed = section(r.out, "Subcommands:");
  std::set<std::string> names;
  for (const auto& [name, desc] : listed) {
    names.insert(name);
    BOOST_TEST(desc.find_first_not_of(' ') != std::string::npos,
               name << " is listed without a description");
  }
  BOOST_TEST(names == reg.top, boost::test_tools::per_element());
  for (const std::string& cmd : reg.top) check_command_help({cmd});
  for (const auto& [parent, subs] : reg.nested) {
    const auto nested = section(run_cli({parent, "--help"}).out, "Subcommands:");
    std::set<std::string> got;
    for (const auto& [name, desc] : nested) {
      got.insert(name);
      BOOST_TEST(desc.find_first_not_of(' ') != std::string::npos,
                 parent << " " << name << " has no description");
    }
    BOOST_TEST(got == subs, boost::test_tools::per_element());
    for (const std::string& s : subs) check_command_help({parent, s});
  }
}

// The parser above against CLI11's layout, so an option without a description cannot slip by.
BOOST_AUTO_TEST_CASE(section_parser_sees_missing_descriptions) {
  const std::string help =
      "Does things\nUsage: archscope x [OPTIONS]\n\nOptions:\n"
      "  -h,--help                   Print this help message and exit\n"
      "  --preset TEXT Excludes: --config --hf-config --model\n"
      "                              Preset name\n"
      "  --bare INT\n"
      "  --long-spec-without-text TEXT Excludes: --a --b\n"
      "  --seed UINT                 Seed\n\n";
  const auto s = section(help, "Options:");
  BOOST_TEST(s.size() == 5u);
  BOOST_TEST(s.at("--preset") == "Preset name");
  BOOST_TEST(s.at("--seed") == "Seed");
  BOOST_TEST(s.at("--bare").empty());
  BOOST_TEST(s.at("--long-spec-without-text").empty());
}

BOOST_AUTO_TEST_SUITE_END()
