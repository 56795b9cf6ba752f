// `archscope run --cupti`: the option's values and the combinations it refuses, before any model
// is built or database touched (one line on stderr, exit 2); and --help says what it does.
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>

#include "cli/cli_runner.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::run_cli;
namespace fs = std::filesystem;

namespace {

std::string db_path() {
  return (fs::temp_directory_path() / ("archscope-cupti-cli-" + std::to_string(::getpid()) + ".db"))
      .string();
}

void refused(const std::vector<std::string>& args, const std::string& says) {
  const std::string db = db_path();
  std::vector<std::string> a = {"run",   "--preset", "llama3-mini", "--prompt", "4",
                                "--new", "1",        "--db",        db};
  a.insert(a.end(), args.begin(), args.end());
  const CliResult r = run_cli(a);
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(is_one_line(r.err), r.err);
  BOOST_TEST(r.err.find("--cupti") != std::string::npos, r.err);
  BOOST_TEST(r.err.find(says) != std::string::npos, r.err);
  BOOST_TEST(!fs::exists(db));  // refused before the database is opened
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cupti_cli)

BOOST_AUTO_TEST_CASE(bad_values_and_combinations_are_refused) {
  refused({"--cupti", "maybe"}, "none of auto, on, off");
  refused({"--cupti", "on"}, "--backend cuda");
  refused({"--cupti", "on", "--backend", "cuda", "--no-spans"}, "spans");
  // Sampling what is not recorded: refused when given, whatever the value (the default is not 1).
  refused({"--cupti-sample", "4"}, "needs --cupti on");
  refused({"--cupti-sample", "1", "--cupti", "off"}, "needs --cupti on");
}

BOOST_AUTO_TEST_CASE(auto_and_off_on_the_cpu_record_no_kernels) {
  const std::string db = db_path();
  for (const char* mode : {"auto", "off"}) {
    const CliResult r = run_cli({"run", "--preset", "llama3-mini", "--prompt", "4", "--new", "1",
                                 "--threads", "1", "--cupti", mode, "--db", db, "--json"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.find("CUPTI") == std::string::npos, r.err);  // nothing was asked of CUPTI
  }
  fs::remove(db);
}

BOOST_AUTO_TEST_CASE(help_describes_the_option) {
  const CliResult r = run_cli({"run", "--help"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("--cupti") != std::string::npos);
  BOOST_TEST(r.out.find("kernel records") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
