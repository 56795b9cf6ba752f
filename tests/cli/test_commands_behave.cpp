// Commands that behave (issue 7 §2-3), through the real binary: read-only commands never create
// or change a database file; export and report keep existing files unless --force; every error
// class is one line "archscope: error: ..." naming what the user typed, exit 2 for bad input and
// 1 for a failure of the machine; decode figures per step and per token at batch 2 and 3 follow
// from the stored step times; warm-up, repeats and checks as documented; Ctrl-C in a long prefill
// ends it mid-prefill as interrupted; import-hf names the model; sizes in human units with the
// exact bytes; analyze and diff-config print a figure the same way.
#define BOOST_TEST_DYN_LINK
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::read_all;
using archscope::test::run_cli;
using nlohmann::json;
namespace fs = std::filesystem;
namespace tt = boost::test_tools;

namespace {

struct Dir {
  fs::path path = fs::temp_directory_path() / ("archscope-behave-" + std::to_string(::getpid()));
  Dir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// Every file in the directory with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    out[e.path().filename().string()] = read_all(e.path());
  return out;
}

void expect_error(const CliResult& r, int code, const std::string& mentions,
                  const std::string& what) {
  BOOST_TEST(r.exit_code == code, what << ": exit " << r.exit_code << ", stderr " << r.err);
  BOOST_TEST(is_one_line(r.err), what << ": " << r.err);
  BOOST_TEST(r.err.rfind("archscope: error: ", 0) == 0u, what << ": " << r.err);
  BOOST_TEST(r.err.find(mentions) != std::string::npos,
             what << ": expected '" << mentions << "' in " << r.err);
}

int64_t stored_run(const std::string& db, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"run",   "--preset", "mixtral-mini", "--prompt", "7",
                                   "--new", "4",        "--threads",    "1",        "--db",
                                   db,      "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CliResult r = run_cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return json::parse(r.out).at("run_id").get<int64_t>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(commands_behave)

BOOST_AUTO_TEST_CASE(read_only_commands_create_and_change_nothing) {
  Dir d;
  // A typo'd --db: an error naming the file, and no file appears.
  expect_error(run_cli({"runs", "list", "--db", d / "typo.db"}), 2, "typo.db: does not exist",
               "runs list typo");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"runs", "show", "1"},
        {"compare", "1", "2"},
        {"export", "1", "--format", "csv", "--out", d / "x.csv"},
        {"report", "1", "--out", d / "r.html"}}) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--db", d / "typo.db"});
    expect_error(run_cli(a), 2, "does not exist", args.front());
  }
  BOOST_TEST(fs::is_empty(d.path));

  // An empty file reads as no runs and stays an empty file, alone.
  std::ofstream(d / "empty.db").close();
  const CliResult empty = run_cli({"runs", "list", "--db", d / "empty.db"});
  BOOST_TEST(empty.exit_code == 0, empty.err);
  BOOST_TEST(empty.out.find("no runs") != std::string::npos);
  expect_error(run_cli({"runs", "show", "1", "--db", d / "empty.db"}), 2, "no run with id 1",
               "show on empty");
  BOOST_TEST(fs::file_size(d / "empty.db") == 0u);
  BOOST_TEST(snapshot(d.path).size() == 1u);

  // A real store: every read-only command leaves every file byte for byte as it was.
  const std::string db = d / "runs.db";
  const int64_t a = stored_run(db, {});
  const int64_t b = stored_run(db, {"--batch", "2"});
  const auto before = snapshot(d.path);
  BOOST_TEST(before.count("runs.db") == 1u);
  BOOST_TEST(before.count("runs.db-wal") == 0u);  // at rest the store is one file
  const std::string sa = std::to_string(a), sb = std::to_string(b);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"runs", "list"},
                                               {"runs", "show", sb},
                                               {"runs", "show", sb, "--json"},
                                               {"compare", sa, sb},
                                               {"compare", sa, sb, "--json"},
                                               {"runs", "follow", sb}}) {
    std::vector<std::string> x = args;
    x.insert(x.end(), {"--db", db});
    const CliResult r = run_cli(x);
    BOOST_TEST(r.exit_code == 0, args.front() << ": " << r.err);
    BOOST_TEST((snapshot(d.path) == before), args.front() << " changed the directory");
  }
  // export and report write their output, and only that.
  BOOST_TEST(
      run_cli({"export", sb, "--format", "json", "--out", d / "out.json", "--db", db}).exit_code ==
      0);
  BOOST_TEST(run_cli({"report", sa, sb, "--out", d / "out.html", "--db", db}).exit_code == 0);
  auto after = snapshot(d.path);
  after.erase("out.json");
  after.erase("out.html");
  BOOST_TEST((after == before));
}

BOOST_AUTO_TEST_CASE(export_and_report_keep_existing_files_unless_forced) {
  Dir d;
  const std::string db = d / "runs.db";
  const std::string id = std::to_string(stored_run(db, {}));
  for (const std::string name : {"kept.csv", "kept.html", "kept.md"}) {
    std::ofstream(d / name) << "precious";
    const bool csv = name.find(".csv") != std::string::npos;
    std::vector<std::string> args =
        csv ? std::vector<std::string>{"export", id, "--format", "csv", "--out", d / name}
            : std::vector<std::string>{"report", id, "--out", d / name};
    args.insert(args.end(), {"--db", db});
    expect_error(run_cli(args), 2, "--force", name);
    BOOST_TEST(read_all(d / name) == "precious");
    args.push_back("--force");
    const CliResult forced = run_cli(args);
    BOOST_TEST(forced.exit_code == 0, forced.err);
    BOOST_TEST(read_all(d / name) != "precious");
  }
  // A Markdown report also refuses to replace one of its figure files.
  const std::string md = d / "fig.md";
  BOOST_TEST_REQUIRE(run_cli({"report", id, "--out", md, "--db", db}).exit_code == 0);
  fs::remove(md);
  expect_error(run_cli({"report", id, "--out", md, "--db", db}), 2, ".svg", "figure file");
  BOOST_TEST(!fs::exists(md));
}

BOOST_AUTO_TEST_CASE(every_error_is_one_line_naming_what_the_user_typed) {
  Dir d;
  std::ofstream(d / "broken-hf.json")
      << "{\"model_type\": \"llama\",\n  \"hidden_size\": 64,\n  oops\n}";
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
    std::string absent;  // must not appear (the wrong option, a library's raw message)
  };
  const std::vector<Case> cases = {
      {{"analyze", "--bogus"}, "unknown option '--bogus'", ""},
      {{"analyze", "--preset", "llama3-8b", "--context", "abc"},
       "--context: 'abc' is not an integer",
       ""},
      {{"analyze", "--preset", "llama3-8b", "--batch", "1.5"},
       "--batch: '1.5' is not an integer",
       ""},
      {{"analyze", "--preset", "llama3-8b", "--context"}, "--context needs a value", ""},
      {{"analyze", "--preset", "llama3-8b", "--config", "x.json"},
       "--preset and --config cannot be given together",
       ""},
      {{"nosuch"}, "unknown command 'nosuch'", ""},
      {{}, "name a command", ""},
      {{"export"}, "'id' is required", ""},
      {{"runs", "show", "1", "extra", "--db", d / "x.db"}, "unexpected argument 'extra'", ""},
      {{"diff-config", "llama3-8b", "nosuch"}, "B: unknown preset 'nosuch'", "--preset"},
      {{"diff-config", "nosuch", "llama3-8b"}, "A: unknown preset 'nosuch'", "--preset"},
      {{"analyze", "--hf-config", d / "broken-hf.json"}, "broken-hf.json:3:", "json.exception"},
      {{"run", "--preset", "llama3-mini", "--checks", "maybe", "--db", d / "x.db"}, "--checks", ""},
      {{"run", "--preset", "llama3-mini", "--repeat", "0", "--db", d / "x.db"}, "--repeat", ""},
      {{"bench", "--preset", "llama3-mini", "--warmup", "-1"}, "--warmup", ""},
  };
  for (const Case& c : cases) {
    const CliResult r = run_cli(c.args);
    const std::string what = c.args.empty() ? "(no arguments)" : c.args.front() + " " + c.mentions;
    expect_error(r, 2, c.mentions, what);
    if (!c.absent.empty())
      BOOST_TEST(r.err.find(c.absent) == std::string::npos, what << ": " << r.err);
    BOOST_TEST(r.out.empty(), what);
  }
  BOOST_TEST(!fs::exists(d / "x.db"));  // bad options fail before the database is touched
}

// A write the machine cannot complete (/dev/full: every write fails with ENOSPC) exits 1.
BOOST_AUTO_TEST_CASE(a_failure_of_the_machine_exits_1) {
  if (!fs::exists("/dev/full")) return;
  Dir d;
  const std::string db = d / "runs.db";
  const std::string id = std::to_string(stored_run(db, {}));
  expect_error(
      run_cli({"export", id, "--format", "json", "--out", "/dev/full", "--force", "--db", db}), 1,
      "write failed", "export to /dev/full");
}

// decode figures at batch 2 and 3: per step is the measured step time, per token that over the
// batch, and tokens/s follows; all from the stored step durations (`export --format json`).
BOOST_AUTO_TEST_CASE(ms_per_step_and_per_token_at_batch_2_and_3) {
  Dir d;
  const std::string db = d / "runs.db";
  std::vector<std::string> ids;
  std::vector<double> step_means;  // from the exported step durations, per run
  for (const int batch : {2, 3}) {
    const CliResult r =
        run_cli({"run", "--preset", "llama3-mini", "--prompt", "6", "--new", "5", "--batch",
                 std::to_string(batch), "--threads", "1", "--warmup", "0", "--db", db, "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const json j = json::parse(r.out);
    const json& s = j.at("summary");
    const std::string id = std::to_string(j.at("run_id").get<int64_t>());
    BOOST_TEST_REQUIRE(
        run_cli({"export", id, "--format", "json", "--out", d / ("b" + id + ".json"), "--db", db})
            .exit_code == 0);
    const json run = json::parse(read_all(d / ("b" + id + ".json")));
    std::vector<double> step_ms;
    int64_t tokens = 0;
    for (const json& st : run.at("steps"))
      if (st.at("phase") == "decode") {
        step_ms.push_back(st.at("duration_ns").get<double>() / 1e6);
        tokens += st.at("tokens").get<int64_t>();
        BOOST_TEST(st.at("tokens") == batch);  // one token per sequence per step
      }
    BOOST_TEST_REQUIRE(step_ms.size() == 5u);
    const double mean = std::accumulate(step_ms.begin(), step_ms.end(), 0.0) / 5;
    BOOST_TEST(s.at("tokens_per_decode_step") == batch);
    BOOST_TEST(s.at("decode_ms_per_step_mean").get<double>() == mean, tt::tolerance(1e-9));
    BOOST_TEST(s.at("decode_ms_per_token_mean").get<double>() == mean / batch, tt::tolerance(1e-9));
    BOOST_TEST(s.at("decode_ms_per_token_p50").get<double>() * batch ==
                   s.at("decode_ms_per_step_p50").get<double>(),
               tt::tolerance(1e-9));
    BOOST_TEST(s.at("decode_tokens_per_s").get<double>() == tokens * 1e3 / (5 * mean),
               tt::tolerance(1e-9));
    // runs show and compare print the same figures.
    const json shown = json::parse(run_cli({"runs", "show", id, "--json", "--db", db}).out);
    BOOST_TEST(shown.at("summary").at("decode_ms_per_token_mean").get<double>() == mean / batch,
               tt::tolerance(1e-9));
    const std::string text = run_cli({"runs", "show", id, "--db", db}).out;
    BOOST_TEST(text.find("ms/token at batch " + std::to_string(batch)) != std::string::npos, text);
    ids.push_back(id);
    step_means.push_back(mean);
  }
  // compare (JSON) and report (Markdown) of the batch-2 and batch-3 runs: per step the stored
  // step time, per token that over each run's own batch.
  const json c = json::parse(run_cli({"compare", ids[0], ids[1], "--json", "--db", db}).out);
  const auto figure = [&](const std::string& key) {
    for (const json& f : c.at("figures"))
      if (f.at("key") == key) return f.at("values");
    BOOST_FAIL("compare has no figure " << key);
    return json();
  };
  const char fmt[] = "%.3f ms";
  std::string report_cells[2][2];
  for (size_t i = 0; i < 2; ++i) {
    const double batch = 2.0 + static_cast<double>(i);
    BOOST_TEST(c.at("runs")[i].at("batch") == batch);
    BOOST_TEST(figure("decode_ms_per_step_mean")[i].get<double>() == step_means[i],
               tt::tolerance(1e-9));
    BOOST_TEST(figure("decode_ms_per_token_mean")[i].get<double>() == step_means[i] / batch,
               tt::tolerance(1e-9));
    char cell[32];
    std::snprintf(cell, sizeof cell, fmt, step_means[i]);
    report_cells[0][i] = cell;
    std::snprintf(cell, sizeof cell, fmt, step_means[i] / batch);
    report_cells[1][i] = cell;
  }
  BOOST_TEST_REQUIRE(
      run_cli({"report", ids[0], ids[1], "--out", d / "r.md", "--db", db}).exit_code == 0);
  const std::string md = read_all(d / "r.md");
  const char* rows[2] = {"| decode time per step, mean ", "| decode time per token, mean "};
  for (int r = 0; r < 2; ++r) {
    const size_t at = md.find(rows[r]);
    BOOST_TEST_REQUIRE(at != std::string::npos, rows[r]);
    const std::string line = md.substr(at, md.find('\n', at) - at);
    const size_t first = line.find(report_cells[r][0]);
    BOOST_TEST(first != std::string::npos, line << " lacks " << report_cells[r][0]);
    BOOST_TEST(line.find(report_cells[r][1], first + 1) != std::string::npos,
               line << " lacks " << report_cells[r][1]);
  }
}

// generate at batch 2 and 3 prints both: per token is the decode time over the tokens decoded,
// per step that time over the steps, a batch's worth of tokens each.
BOOST_AUTO_TEST_CASE(generate_prints_ms_per_step_and_per_token) {
  for (const char* tokens : {"3,1,4,1;9,2,6", "3,1,4;9,2,6;5,3,5"}) {
    const CliResult r = run_cli({"generate", "--preset", "llama3-mini", "--tokens", tokens,
                                 "--new-tokens", "6", "--temperature", "0", "--threads", "1"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const size_t at = r.out.find("decode ");
    BOOST_TEST_REQUIRE(at != std::string::npos, r.out);
    long long decoded = 0;
    double s = 0, tps = 0, step = 0, token = 0;
    int batch = 0;
    BOOST_TEST_REQUIRE(std::sscanf(r.out.c_str() + at,
                                   "decode %lld tokens in %lf s (%lf tokens/s, %lf ms/step, %lf "
                                   "ms/token, batch %d)",
                                   &decoded, &s, &tps, &step, &token, &batch) == 6,
                       r.out);
    const std::string list = tokens;
    BOOST_TEST(batch == 1 + std::count(list.begin(), list.end(), ';'));
    // Printed to 3 decimals of a second, 2 of ms/step and 3 of ms/token.
    BOOST_TEST(std::abs(token * decoded - 1e3 * s) <= 0.0005 * decoded + 0.5, r.out);
    BOOST_TEST(std::abs(token * batch - step) <= 0.005 + batch * 0.0005, r.out);
  }
}

// bench at batch 2 with three timed repeats: per token is per step over the batch, tokens/s its
// inverse, the step figure the median of the repeats' own figures.
BOOST_AUTO_TEST_CASE(bench_medians_over_repeats_per_step_and_per_token) {
  const CliResult r =
      run_cli({"bench", "--preset", "llama3-mini", "--prompt", "8", "--new", "4", "--batch", "2",
               "--threads", "1", "--warmup", "1", "--repeat", "3", "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json j = json::parse(r.out);
  const json& dec = j.at("decode");
  BOOST_TEST(j.at("repeat") == 3);
  std::vector<double> per = dec.at("ms_per_step_per_repeat").get<std::vector<double>>();
  BOOST_TEST_REQUIRE(per.size() == 3u);
  std::sort(per.begin(), per.end());
  BOOST_TEST(dec.at("ms_per_step").get<double>() == per[1], tt::tolerance(1e-12));
  BOOST_TEST(dec.at("ms_per_token").get<double>() * 2 == dec.at("ms_per_step").get<double>(),
             tt::tolerance(1e-12));
  BOOST_TEST(dec.at("tokens_per_s").get<double>() * dec.at("ms_per_token").get<double>() == 1000.0,
             tt::tolerance(1e-9));
  BOOST_TEST(j.at("prefill").at("seconds_per_repeat").size() == 3u);
  // The text at batch 3: "decode   N steps: S ms/step, T ms/token (step median M), R tokens/s".
  const CliResult t = run_cli({"bench", "--preset", "llama3-mini", "--prompt", "8", "--new", "4",
                               "--batch", "3", "--threads", "1", "--warmup", "0"});
  BOOST_TEST_REQUIRE(t.exit_code == 0, t.err);
  const size_t at = t.out.find("decode   4 steps: ");
  BOOST_TEST_REQUIRE(at != std::string::npos, t.out);
  double step = 0, token = 0, median = 0, tps = 0;
  BOOST_TEST_REQUIRE(std::sscanf(t.out.c_str() + at,
                                 "decode   4 steps: %lf ms/step, %lf ms/token (step median %lf), "
                                 "%lf tokens/s",
                                 &step, &token, &median, &tps) == 4,
                     t.out);
  // Printed to 2 and 3 decimals: equal up to that rounding (a per-step figure would be 3x off).
  BOOST_TEST(std::abs(token * 3 - step) <= 0.005 + 3 * 0.0005, t.out);
  // The prefill's ceilings beside our own kernel's rate.
  BOOST_TEST(t.out.find("prefill ceilings fp32 (not archscope's kernels): OpenBLAS sgemm ") !=
                 std::string::npos,
             t.out);
  BOOST_TEST(t.out.find("theoretical FMA peak ") != std::string::npos, t.out);
  BOOST_TEST(std::abs(tps * token / 1000.0 - 1.0) <= 0.0005 / token + 0.05 / tps, t.out);
}

BOOST_AUTO_TEST_CASE(warmup_repeat_and_checks_do_what_help_says) {
  Dir d;
  const std::string db = d / "runs.db";
  const std::string id =
      std::to_string(stored_run(db, {"--warmup", "2", "--repeat", "3", "--checks", "off"}));
  const json shown = json::parse(run_cli({"runs", "show", id, "--json", "--db", db}).out);
  BOOST_TEST(shown.at("warmup") == 2);
  BOOST_TEST(shown.at("repeat") == 3);
  BOOST_TEST(shown.at("checks") == false);
  BOOST_TEST(shown.at("summary").at("passes") == 3);
  BOOST_TEST(shown.at("summary").at("decode_steps") ==
             12);  // 3 recorded passes of 4; warm-up unrecorded
  BOOST_TEST_REQUIRE(
      run_cli({"export", id, "--format", "json", "--out", d / "r.json", "--db", db}).exit_code ==
      0);
  const json run = json::parse(read_all(d / "r.json"));
  BOOST_TEST(run.at("steps").size() == 15u);
  BOOST_TEST(run.at("activations").empty());  // checks off: no residual records
  const CliResult help = run_cli({"run", "--help"});
  for (const char* opt : {"--warmup", "--repeat", "--checks", "--prefill-chunk"})
    BOOST_TEST(help.out.find(opt) != std::string::npos, opt);
  const CliResult bench_help = run_cli({"bench", "--help"});
  for (const char* opt : {"--warmup", "--repeat"})
    BOOST_TEST(bench_help.out.find(opt) != std::string::npos, opt);
}

// A long prefill shows its progress (layers done), and Ctrl-C while it runs ends the run before
// the prefill does (the stored reason says where), as interrupted, exit 130. No timing is
// asserted: the run must stop inside the prefill, whatever the machine's speed.
BOOST_AUTO_TEST_CASE(ctrl_c_in_a_long_prefill_interrupts_it) {
  Dir d;
  const std::string db = d / "runs.db";
  int out[2];
  BOOST_REQUIRE(pipe(out) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    if (std::FILE* null = std::fopen("/dev/null", "w")) dup2(fileno(null), STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<std::string> args = {
        ARCHSCOPE_CLI, "run", "--preset",  "llama3-mini", "--prompt",        "16384", "--new", "1",
        "--warmup",    "0",   "--threads", "1",           "--prefill-chunk", "2048",  "--db",  db};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  // Wait for the first progress line of the prefill ("prefill step 0: 1 of 4 layers done"), then
  // interrupt.
  std::string seen;
  char buf[256];
  bool signalled = false;
  while (true) {
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
    if (!signalled && seen.find("layers done") != std::string::npos) {
      kill(pid, SIGINT);
      signalled = true;
    }
  }
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST_REQUIRE(signalled, seen);
  BOOST_TEST(WIFEXITED(status), "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                                    << "; output: " << seen);
  BOOST_TEST(WEXITSTATUS(status) == 130);
  const json shown = json::parse(run_cli({"runs", "show", "1", "--json", "--db", db}).out);
  BOOST_TEST(shown.at("status") == "interrupted");
  const std::string why = shown.at("failure").get<std::string>();
  BOOST_TEST(why.find("prefill") != std::string::npos, why);
  BOOST_TEST(seen.find("prefill step ") != std::string::npos, seen);
  // Fewer than the 8 chunks of the prompt were recorded: it stopped inside the prefill.
  BOOST_TEST(shown.at("summary").at("prefill_steps").get<int64_t>() < 8);
  BOOST_TEST(shown.at("summary").at("decode_steps") == 0);
}

BOOST_AUTO_TEST_CASE(import_hf_names_the_model_after_model_type_and_directory) {
  Dir d;
  const fs::path ckpt = d.path / "Meta-Llama-3-8B";
  fs::create_directories(ckpt);
  fs::copy_file(fs::path(ARCHSCOPE_FIXTURES) / "hf_configs" / "llama3-8b.json",
                ckpt / "config.json");
  const CliResult a = run_cli({"import-hf", (ckpt / "config.json").string()});
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.err);
  BOOST_TEST(json::parse(a.out).at("name") == "llama (Meta-Llama-3-8B)");
  BOOST_TEST(json::parse(a.out).at("family") == "llama");
  const CliResult b = run_cli(
      {"import-hf", (fs::path(ARCHSCOPE_FIXTURES) / "hf_configs" / "llama3-8b.json").string()});
  BOOST_TEST(json::parse(b.out).at("name") == "llama (llama3-8b)");
  const CliResult named = run_cli({"import-hf", (ckpt / "config.json").string(), "--name", "mine"});
  BOOST_TEST(json::parse(named.out).at("name") == "mine");
  // The same name where a run records its model.
  BOOST_TEST(run_cli({"analyze", "--hf-config", (ckpt / "config.json").string()})
                 .out.find("llama (Meta-Llama-3-8B)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sizes_in_human_units_and_one_number_style) {
  // diff-config's figures are printed exactly as analyze prints them.
  const std::string analyze = run_cli({"analyze", "--preset", "llama3-8b"}).out;
  const std::string diff = run_cli({"diff-config", "llama3-8b", "qwen3-8b"}).out;
  for (const char* figure : {"8.03B", "14.96 GiB", "128.00 KiB", "4,096 tokens"}) {
    BOOST_TEST(analyze.find(figure) != std::string::npos, figure);
    BOOST_TEST(diff.find(figure) != std::string::npos, figure);
  }
  BOOST_TEST(diff.find("FLOP") != std::string::npos);
  // Sizes with their exact bytes beside them, as analyze's totals give them: Llama 3 8B's
  // 8,030,261,248 parameters (model card) at 2 bytes each; counts grouped as analyze groups them.
  BOOST_TEST(diff.find("14.96 GiB (16,060,522,496 B)") != std::string::npos, diff);
  BOOST_TEST(analyze.find("16,060,522,496 B") != std::string::npos);
  BOOST_TEST(diff.find("8,192") != std::string::npos, diff);  // max_context of llama3-8b
  BOOST_TEST(diff.find(" 8192 ") == std::string::npos, diff);
  // KV per token is qualified as analyze qualifies it once a side has sliding windows: Gemma 3
  // 27B stores 496 KiB per token at first (62 layers x 16 KV heads x 128 x 2 x bf16), 80 KiB
  // once its 1,024-token windows are full (the 10 global layers only).
  const std::string windowed = run_cli({"diff-config", "llama3-8b", "gemma3-27b"}).out;
  const std::string gemma = run_cli({"analyze", "--preset", "gemma3-27b"}).out;
  for (const char* figure : {"KV cache per token, first tokens", "KV cache per token, windows full",
                             "496.00 KiB (507,904 B)", "80.00 KiB (81,920 B)"}) {
    BOOST_TEST(windowed.find(figure) != std::string::npos, figure << " in " << windowed);
    const std::string human = std::string(figure).substr(0, std::string(figure).find(" ("));
    BOOST_TEST(gemma.find(human) != std::string::npos, human);
  }
  const json windowed_json =
      json::parse(run_cli({"diff-config", "llama3-8b", "gemma3-27b", "--json"}).out);
  BOOST_TEST(windowed_json.at("figures").at("kv_cache.bytes_per_token_steady").at("b") == 81920.0);
  BOOST_TEST(windowed_json.at("figures").at("kv_cache.bytes_per_token_steady").at("a") == 131072.0);
  // Stored runs: KiB / MiB with the exact bytes beside them, never a bare byte count.
  Dir d;
  const std::string db = d / "runs.db";
  const std::string id = std::to_string(stored_run(db, {}));
  const std::string shown = run_cli({"runs", "show", id, "--db", db}).out;
  BOOST_TEST(shown.find(" KiB (") != std::string::npos, shown);
  BOOST_TEST(shown.find(" B)") != std::string::npos, shown);
  const std::string log = run_cli({"run", "--preset", "llama3-mini", "--prompt", "5", "--new", "2",
                                   "--threads", "1", "--db", db})
                              .out;
  BOOST_TEST(log.find(" bytes used") == std::string::npos, log);
  BOOST_TEST(log.find(" KiB (") != std::string::npos, log);
}

BOOST_AUTO_TEST_SUITE_END()
