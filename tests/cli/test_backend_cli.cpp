// `--backend` on logits / generate / bench / run, `archscope devices`, and the one default weights
// dtype (bf16) of those four commands, end to end through the real binary.
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"
#include "io/npy.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::run_cli;
namespace fs = std::filesystem;

namespace {

struct Scratch {
  fs::path dir =
      fs::temp_directory_path() / ("archscope-backend-cli-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};
Scratch& scratch() {
  static Scratch s;
  return s;
}

uint64_t meminfo_bytes(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1)) * 1024;
  return 0;
}

// The engine commands, each with the arguments of a tiny run.
std::vector<std::vector<std::string>> engine_commands() {
  const std::string npy = (scratch().dir / "l.npy").string(),
                    db = (scratch().dir / "runs.db").string();
  return {
      {"logits", "--preset", "llama3-mini", "--tokens", "1,2,3", "--out", npy, "--threads", "2"},
      {"generate", "--preset", "llama3-mini", "--prompt-tokens", "3", "--new-tokens", "2",
       "--threads", "2"},
      {"bench", "--preset", "llama3-mini", "--prompt", "4", "--new", "2", "--threads", "2"},
      {"run", "--preset", "llama3-mini", "--prompt", "4", "--new", "2", "--threads", "2", "--db",
       db, "--json"}};
}

std::vector<std::string> with(std::vector<std::string> args,
                              const std::vector<std::string>& extra) {
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

bool has_gpu() {
  const CliResult r = run_cli({"devices", "--json"});
  return nlohmann::json::parse(r.out).at("devices").size() > 1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_cli)

BOOST_AUTO_TEST_CASE(devices_lists_the_cpu_first) {
  const CliResult j = run_cli({"devices", "--json"});
  BOOST_TEST_REQUIRE(j.exit_code == 0, j.err);
  const nlohmann::json out = nlohmann::json::parse(j.out);
  const nlohmann::json& list = out.at("devices");
  BOOST_TEST_REQUIRE(list.size() >= 1u);
  BOOST_TEST(list[0].at("spec") == "cpu");
  BOOST_TEST(list[0].at("kind") == "cpu");
  BOOST_TEST(list[0].at("memory_total_bytes").get<uint64_t>() == meminfo_bytes("MemTotal"));
  BOOST_TEST(list[0].at("cores").get<long>() == sysconf(_SC_NPROCESSORS_ONLN));
  BOOST_TEST(list[0].at("compute_capability").is_null());
  BOOST_TEST(out.at("cuda_built").is_boolean());
  if (!out.at("cuda_built").get<bool>()) BOOST_TEST(list.size() == 1u);
  for (size_t i = 1; i < list.size(); ++i)
    BOOST_TEST(list[i].at("spec") == "cuda:" + std::to_string(i - 1));

  const CliResult t = run_cli({"devices"});
  BOOST_TEST_REQUIRE(t.exit_code == 0, t.err);
  BOOST_TEST(t.out.find("\ncpu ") != std::string::npos, t.out);
  BOOST_TEST(t.out.find(list[0].at("name").get<std::string>()) != std::string::npos);
  BOOST_TEST(t.out.find("GiB") != std::string::npos);
  BOOST_TEST(t.out.find("CUDA: ") != std::string::npos);

  const CliResult h = run_cli({"devices", "--help"});
  BOOST_TEST(h.exit_code == 0);
  BOOST_TEST(h.out.find("--json") != std::string::npos);
  BOOST_TEST(run_cli({"--help"}).out.find("devices") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_names_the_backend_and_the_default_dtype) {
  for (const char* cmd : {"logits", "generate", "bench", "run"}) {
    const CliResult r = run_cli({cmd, "--help"});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("--backend") != std::string::npos, cmd);
    BOOST_TEST(r.out.find("cuda:N") != std::string::npos, cmd);
    // The same default everywhere, stated.
    BOOST_TEST(
        r.out.find("bf16, the default of logits, generate, bench and run") != std::string::npos,
        cmd);
    BOOST_TEST(r.out.find("=bf16") != std::string::npos, cmd << ": " << r.out);
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_backend_is_one_line_naming_it) {
  for (const auto& args : engine_commands()) {
    for (const char* bad : {"gpu", "cuda:x", "cuda:-2"}) {
      const CliResult r = run_cli(with(args, {"--backend", bad}));
      BOOST_TEST(r.exit_code == 2, args[0] << " " << bad);
      BOOST_TEST(is_one_line(r.err), r.err);
      BOOST_TEST(r.err.rfind("archscope: error: --backend: '" + std::string(bad) + "'", 0) == 0u,
                 r.err);
    }
  }
}

// --kernel is parsed on every engine command: a bad name or variant, and any non-default choice
// for the CPU backend (one kernel per op), is one line naming --kernel, before the model loads.
BOOST_AUTO_TEST_CASE(kernel_choices_are_checked_on_every_engine_command) {
  for (const auto& args : engine_commands()) {
    for (const std::vector<std::string>& bad :
         {std::vector<std::string>{"--kernel", "attention=warp"},
          std::vector<std::string>{"--kernel", "nosuch=on"},
          std::vector<std::string>{"--kernel", "linear"},
          std::vector<std::string>{"--kernel", "linear=gemv"}}) {
      const CliResult r = run_cli(with(args, bad));
      BOOST_TEST(r.exit_code == 2, args[0] << " " << bad[1]);
      BOOST_TEST(is_one_line(r.err), r.err);
      BOOST_TEST(r.err.rfind("archscope: error: --kernel: ", 0) == 0u, r.err);
    }
    // The defaults are accepted on the CPU.
    const CliResult ok =
        run_cli(with(args, {"--kernel", "attention=auto", "--kernel", "graphs=on"}));
    BOOST_TEST(ok.exit_code == 0, args[0] << ": " << ok.err);
  }
  fs::remove(scratch().dir / "l.npy");  // later cases check that refused commands write nothing
  fs::remove(scratch().dir / "runs.db");
}

BOOST_AUTO_TEST_CASE(cuda_without_a_gpu_is_one_line_exit_2) {
  if (has_gpu()) return;
  fs::remove(scratch().dir / "runs.db");
  for (const auto& args : engine_commands()) {
    for (const char* spec : {"cuda", "cuda:0", "cuda:3"}) {
      const CliResult r = run_cli(with(args, {"--backend", spec}));
      BOOST_TEST(r.exit_code == 2, args[0] << " " << spec);
      BOOST_TEST(is_one_line(r.err), r.err);
      BOOST_TEST(r.err.rfind("archscope: error: --backend: ", 0) == 0u, r.err);
      BOOST_TEST((r.err.find("no CUDA backend") != std::string::npos ||
                  r.err.find("no CUDA device") != std::string::npos),
                 r.err);
      BOOST_TEST(r.out.empty());
    }
  }
  // Refused before the run database was touched, and before any output file was written.
  BOOST_TEST(!fs::exists(scratch().dir / "runs.db"));
  BOOST_TEST(!fs::exists(scratch().dir / "l.npy"));
}

BOOST_AUTO_TEST_CASE(the_backend_is_recorded_with_the_run) {
  for (const auto& args : engine_commands()) {
    const CliResult r = run_cli(with(args, {"--backend", "cpu"}));
    BOOST_TEST_REQUIRE(r.exit_code == 0, args[0] << ": " << r.err);
    if (args[0] == "run") {
      const nlohmann::json j = nlohmann::json::parse(r.out);
      BOOST_TEST(j.at("backend") == "cpu");
      BOOST_TEST(!j.at("device").get<std::string>().empty());
      const CliResult show = run_cli({"runs", "show", std::to_string(j.at("run_id").get<int>()),
                                      "--db", (scratch().dir / "runs.db").string()});
      BOOST_TEST(show.exit_code == 0, show.err);
      BOOST_TEST(show.out.find("(cpu)") != std::string::npos, show.out);
    }
  }
  const CliResult b = run_cli(with(engine_commands()[2], {"--json"}));
  BOOST_TEST_REQUIRE(b.exit_code == 0, b.err);
  const nlohmann::json j = nlohmann::json::parse(b.out);
  BOOST_TEST(j.at("backend") == "cpu");
  BOOST_TEST(j.at("weights_dtype") == "bf16");
}

BOOST_AUTO_TEST_CASE(logits_and_generate_default_to_bf16_weights) {
  const auto logits = [](const std::string& name, std::vector<std::string> extra) {
    const fs::path out = scratch().dir / name;
    const CliResult r = run_cli(with({"logits", "--preset", "llama3-mini", "--tokens", "5,17,300,2",
                                      "--threads", "2", "--seed", "3", "--out", out.string()},
                                     extra));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return archscope::read_npy(out).data;
  };
  const auto plain = logits("d.npy", {}), bf16 = logits("b.npy", {"--weights-dtype", "bf16"}),
             fp32 = logits("f.npy", {"--weights-dtype", "fp32"});
  BOOST_TEST(plain == bf16);
  BOOST_TEST(plain != fp32);
  const auto gen = [](std::vector<std::string> extra) {
    const CliResult r =
        run_cli(with({"generate", "--preset", "llama3-mini", "--tokens", "3,1,4,1,5",
                      "--new-tokens", "8", "--temperature", "1", "--seed", "5", "--threads", "2"},
                     extra));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return r.out.substr(0, r.out.find("prefill "));  // the ids, not the timings
  };
  BOOST_TEST(gen({}) == gen({"--weights-dtype", "bf16"}));
}

BOOST_AUTO_TEST_SUITE_END()
