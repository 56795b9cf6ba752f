// The profiler commands end to end through the real binary: run (stored in a fresh database),
// runs list / show / delete, compare, export in every format and the HTML / Markdown report, with
// their outputs parsed; unknown ids, bad database files and bad formats fail with one line, exit 2.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::read_all;
using archscope::test::run_cli;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A temporary directory holding the run database, removed at the end of the test.
struct Workspace {
  fs::path dir = fs::temp_directory_path() / ("archscope-prof-cli-" + std::to_string(::getpid()));
  std::string db = (dir / "runs.db").string();
  Workspace() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Workspace() { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

CliResult run_in(const Workspace& w, std::vector<std::string> args) {
  args.push_back("--db");
  args.push_back(w.db);
  return run_cli(args);
}

int64_t profiled_run(const Workspace& w, const std::string& name, const std::string& batch) {
  const CliResult r = run_in(w, {"run", "--preset", "mixtral-mini", "--prompt", "9", "--new", "4", "--batch", batch,
                                 "--threads", "1", "--name", name, "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json j = json::parse(r.out);
  BOOST_TEST(j.at("status") == "complete");
  BOOST_TEST(j.at("summary").at("decode_steps") == 4);
  return j.at("run_id").get<int64_t>();
}

void expect_bad_input(const CliResult& r, const std::string& mentions) {
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(is_one_line(r.err), r.err);
  BOOST_TEST(r.err.find(mentions) != std::string::npos, r.err);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(profiler_commands)

BOOST_AUTO_TEST_CASE(run_list_show_compare_export_report) {
  Workspace w;
  const int64_t a = profiled_run(w, "first", "1");
  const int64_t b = profiled_run(w, "second", "2");
  BOOST_TEST(b > a);

  // runs list: oldest first, with id, name and status.
  const CliResult list = run_in(w, {"runs", "list", "--json"});
  BOOST_TEST_REQUIRE(list.exit_code == 0, list.err);
  const json runs = json::parse(list.out);
  BOOST_TEST_REQUIRE(runs.size() == 2u);
  BOOST_TEST(runs[0].at("id") == a);
  BOOST_TEST(runs[0].at("name") == "first");
  BOOST_TEST(runs[1].at("id") == b);
  BOOST_TEST(runs[1].at("status") == "complete");

  // runs show: the run with its summaries; mixtral-mini has four MoE layers.
  const CliResult show = run_in(w, {"runs", "show", std::to_string(b), "--json"});
  BOOST_TEST_REQUIRE(show.exit_code == 0, show.err);
  const json s = json::parse(show.out);
  BOOST_TEST(s.at("status") == "complete");
  BOOST_TEST(s.at("batch") == 2);
  BOOST_TEST(s.at("summary").at("prefill_tokens") == 18);
  BOOST_TEST(s.at("expert_load").size() == 4u);
  BOOST_TEST(run_in(w, {"runs", "show", std::to_string(a)}).out.find("first") != std::string::npos);

  // compare: both runs, deltas against the first (zero for the baseline itself).
  const CliResult cmp = run_in(w, {"compare", std::to_string(a), std::to_string(b), "--json"});
  BOOST_TEST_REQUIRE(cmp.exit_code == 0, cmp.err);
  const json c = json::parse(cmp.out);
  BOOST_TEST_REQUIRE(c.at("runs").size() == 2u);
  const auto figure = [&](const std::string& key) {
    for (const json& f : c.at("figures"))
      if (f.at("key") == key) return f;
    BOOST_FAIL("no figure " << key);
    return json();
  };
  BOOST_TEST(figure("decode_tokens_per_s").at("delta")[0].at("abs") == 0.0);
  BOOST_TEST(figure("kv_allocated_bytes").at("values")[1].get<double>() >
             figure("kv_allocated_bytes").at("values")[0].get<double>());  // two sequences' cache
  bool experts = false;
  for (const json& k : c.at("kinds")) experts = experts || k.at("key") == "decode experts";
  BOOST_TEST(experts);
  BOOST_TEST(
      run_in(w, {"compare", std::to_string(a), std::to_string(b)}).out.find("decode throughput") !=
      std::string::npos);

  // export: CSV spans, the run as JSON, a Chrome trace; the span counts agree.
  BOOST_TEST_REQUIRE(run_in(w, {"export", std::to_string(b), "--format", "json", "--out", w.path("run.json")}).exit_code == 0);
  const json rj = json::parse(read_all(w.path("run.json")));
  BOOST_TEST(rj.at("format") == "archscope.run/1");
  const size_t spans = rj.at("spans").size();
  BOOST_TEST(spans > 0u);
  BOOST_TEST(rj.at("steps").size() == 5u);
  BOOST_TEST_REQUIRE(run_in(w, {"export", std::to_string(b), "--format", "csv", "--out", w.path("spans.csv")}).exit_code == 0);
  std::ifstream csv(w.path("spans.csv"));
  std::string line;
  std::getline(csv, line);
  BOOST_TEST(line.rfind("step,phase,layer,op,kind", 0) == 0u);
  size_t rows = 0;
  while (std::getline(csv, line))
    if (!line.empty() && line != "\r") ++rows;
  BOOST_TEST(rows == spans);
  BOOST_TEST_REQUIRE(run_in(w, {"export", std::to_string(b), "--format", "chrome-trace", "--out", w.path("t.json")}).exit_code == 0);
  const json trace = json::parse(read_all(w.path("t.json")));
  size_t complete = 0;
  for (const json& e : trace.at("traceEvents"))
    if (e.at("ph") == "X") ++complete;
  BOOST_TEST(complete == spans + 5u);  // every span and every step

  // report: HTML and Markdown (with its figure files).
  BOOST_TEST_REQUIRE(run_in(w, {"report", std::to_string(a), std::to_string(b), "--out", w.path("r.html")}).exit_code == 0);
  const std::string html = read_all(w.path("r.html"));
  BOOST_TEST(html.find("<html") != std::string::npos);
  BOOST_TEST(html.find("second") != std::string::npos);
  BOOST_TEST_REQUIRE(run_in(w, {"report", std::to_string(a), "--out", w.path("r.md")}).exit_code == 0);
  const std::string md = read_all(w.path("r.md"));
  BOOST_TEST(md.find("first") != std::string::npos);
  BOOST_TEST(md.find(".svg") != std::string::npos);

  // delete: gone from the list.
  BOOST_TEST(run_in(w, {"runs", "delete", std::to_string(a)}).exit_code == 0);
  const json after = json::parse(run_in(w, {"runs", "list", "--json"}).out);
  BOOST_TEST_REQUIRE(after.size() == 1u);
  BOOST_TEST(after[0].at("id") == b);
}

BOOST_AUTO_TEST_CASE(plain_output_when_not_a_terminal) {
  Workspace w;
  const CliResult r = run_in(w, {"run", "--preset", "llama3-mini", "--prompt", "5", "--new", "3", "--threads", "1"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find('\x1b') == std::string::npos);  // no ANSI redraws into a pipe
  BOOST_TEST(r.out.find("prefill:") != std::string::npos);
  BOOST_TEST(r.out.find("complete") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_ids_files_and_formats_exit_2_with_one_line) {
  Workspace w;
  profiled_run(w, "only", "1");
  expect_bad_input(run_in(w, {"runs", "show", "999"}), "999");
  expect_bad_input(run_in(w, {"runs", "show", "abc"}), "abc");
  expect_bad_input(run_in(w, {"runs", "delete", "999"}), "999");
  expect_bad_input(run_in(w, {"compare", "1", "999"}), "999");
  expect_bad_input(run_in(w, {"export", "999", "--format", "csv", "--out", w.path("x.csv")}), "999");
  expect_bad_input(run_in(w, {"export", "1", "--format", "xml", "--out", w.path("x.xml")}), "--format");
  expect_bad_input(run_in(w, {"report", "1", "--out", w.path("r.pdf")}), "--out");
  expect_bad_input(run_in(w, {"report", "999", "--out", w.path("r.html")}), "999");

  const std::string garbage = w.path("garbage.db");
  std::ofstream(garbage) << "this is not a database\n";
  const CliResult r = run_cli({"runs", "list", "--db", garbage});
  expect_bad_input(r, "garbage.db");
  const CliResult missing_dir = run_cli({"runs", "list", "--db", w.path("no/such/dir/runs.db")});
  BOOST_TEST(missing_dir.exit_code == 2);
  BOOST_TEST(is_one_line(missing_dir.err), missing_dir.err);
}

BOOST_AUTO_TEST_SUITE_END()
