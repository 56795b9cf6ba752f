// `archscope perplexity --kl-reference RUN`: a stored run is built again from its record (its
// configuration, its weights' source and its weights dtype), so its KL equals, to the last bit,
// the KL against the same model named directly: the trained demo checkpoint re-read, or a preset's
// random weights at the stored seed. A run of identical configuration, weights and dtype gives KL
// exactly 0. Every way a run cannot serve as a reference is one line on stderr and exit 2.
#define BOOST_TEST_DYN_LINK
#include <sqlite3.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"
#include "store/schema.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::run_cli;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kModel = fs::path(ARCHSCOPE_SOURCE_DIR) / "assets" / "models" / "stdlib-moe-6m";
const fs::path kFixtures = ARCHSCOPE_FIXTURES;

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-klrun-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};
Scratch& scratch() {
  static Scratch s;
  return s;
}

json run_json(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return json::parse(r.out);
}

// `archscope run` of a short shape into `db`; returns the run id as text.
std::string stored_run(std::vector<std::string> model_args, const std::string& dtype,
                       const std::string& db) {
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), model_args.begin(), model_args.end());
  for (const char* a : {"--prompt", "4", "--new", "1", "--warmup", "0", "--no-spans", "--json"})
    args.emplace_back(a);
  args.insert(args.end(), {"--weights-dtype", dtype, "--db", db});
  return std::to_string(run_json(args).at("run_id").get<int64_t>());
}

json weights_source_of(const std::string& id, const std::string& db) {
  return run_json({"runs", "show", id, "--db", db, "--json"}).at("weights_source");
}

void expect_error(const std::vector<std::string>& args, const std::string& needle) {
  const CliResult r = run_cli(args);
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(is_one_line(r.err), r.err);
  BOOST_TEST(r.err.rfind("archscope: error: ", 0) == 0u, r.err);
  BOOST_TEST(r.err.find(needle) != std::string::npos, r.err);
}

fs::path python_text() {
  const fs::path file = scratch().dir / "snippet.py";
  std::ofstream(file, std::ios::binary)
      << "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n"
         "    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n\n"
         "class Stack:\n    def __init__(self):\n        self._items = []\n\n"
         "    def push(self, item):\n        self._items.append(item)\n\n"
         "    def pop(self):\n        if not self._items:\n"
         "            raise IndexError('pop from an empty stack')\n"
         "        return self._items.pop()\n";
  return file;
}

const std::string kIds = "5,17,300,2,999,64,64,1,8,12,700,31,2,2,45,900,3,77,512,6,1000,13,250,4";

}  // namespace

BOOST_AUTO_TEST_SUITE(kl_reference_run)

BOOST_AUTO_TEST_CASE(checkpoint_run_is_the_directory_again) {
  const std::string db = (scratch().dir / "ckpt.db").string();
  // Stored as given relative to the working directory: the record holds the absolute path.
  const std::string relative = fs::relative(kModel, fs::current_path()).string() + "/";
  const std::string fp16 = stored_run({"--model", relative}, "fp16", db);
  const std::string bf16 = stored_run({"--model", kModel.string()}, "bf16", db);
  const json source = weights_source_of(fp16, db);
  BOOST_TEST(source.at("origin") == "checkpoint");
  BOOST_TEST(source.at("checkpoint") == fs::absolute(kModel).lexically_normal().string());
  BOOST_TEST(weights_source_of(bf16, db) == source);
  const CliResult shown = run_cli({"runs", "show", fp16, "--db", db});
  BOOST_TEST(shown.out.find("  weights:  checkpoint " + source.at("checkpoint").get<std::string>() +
                            "\n") != std::string::npos,
             shown.out);

  const std::vector<std::string> base = {
      "perplexity", "--model", kModel.string(), "--text-file", python_text().string(),
      "--context",  "48",      "--stride",      "24",          "--weights-dtype",
      "bf16",       "--json"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_json(a);
  };
  const json by_run = with({"--kl-reference", fp16, "--db", db});
  const json by_dir = with({"--kl-reference", kModel.string(), "--kl-reference-dtype", "fp16"});
  BOOST_TEST(by_run.at("kl").at("run") == std::stoll(fp16));
  BOOST_TEST(by_run.at("kl").at("dtype") == "fp16");           // the run's own, as stored
  BOOST_TEST(by_run.at("kl").at("mean").get<double>() > 0.0);  // fp16 rounds the bf16 weights
  // The same reference computation: the same doubles, bit for bit.
  BOOST_TEST(by_run.at("kl").at("mean").get<double>() == by_dir.at("kl").at("mean").get<double>());
  BOOST_TEST(by_run.at("kl").at("max").get<double>() == by_dir.at("kl").at("max").get<double>());
  BOOST_TEST(by_run.at("kl").at("max_position") == by_dir.at("kl").at("max_position"));
  BOOST_TEST(by_run.at("perplexity").get<double>() == by_dir.at("perplexity").get<double>());

  // Identical configuration, weights and dtype: the distributions agree exactly.
  const json same = with({"--kl-reference", "run:" + bf16, "--db", db});
  BOOST_TEST(same.at("kl").at("mean").get<double>() == 0.0);
  BOOST_TEST(same.at("kl").at("max").get<double>() == 0.0);
  // An explicit --kl-reference-dtype overrides the run's.
  const json overridden =
      with({"--kl-reference", fp16, "--kl-reference-dtype", "bf16", "--db", db});
  BOOST_TEST(overridden.at("kl").at("dtype") == "bf16");
  BOOST_TEST(overridden.at("kl").at("mean").get<double>() == 0.0);
}

BOOST_AUTO_TEST_CASE(preset_run_is_its_random_weights_again) {
  const std::string db = (scratch().dir / "preset.db").string();
  const std::string id = stored_run({"--preset", "llama3-mini", "--seed", "7"}, "bf16", db);
  BOOST_TEST(weights_source_of(id, db) ==
             json::parse(R"({"origin": "random", "seed": 7, "heavy_tailed": false})"));
  BOOST_TEST(run_cli({"runs", "show", id, "--db", db}).out.find("  weights:  random, seed 7\n") !=
             std::string::npos);

  auto kl = [&](const std::string& seed, const std::string& dtype,
                std::vector<std::string> reference) {
    std::vector<std::string> a = {"perplexity", "--preset",        "llama3-mini", "--seed",
                                  seed,         "--weights-dtype", dtype,         "--ids",
                                  kIds,         "--context",       "16",          "--stride",
                                  "8",          "--json"};
    a.insert(a.end(), reference.begin(), reference.end());
    return run_json(a).at("kl");
  };
  // The preset at the stored seed and dtype is the run's model: KL exactly 0.
  const json same = kl("7", "bf16", {"--kl-reference", id, "--db", db});
  BOOST_TEST(same.at("mean").get<double>() == 0.0);
  BOOST_TEST(same.at("max").get<double>() == 0.0);
  // Against fp32 weights of seed 7: the run's reference is the preset's bf16 one at seed 7.
  const json by_run = kl("7", "fp32", {"--kl-reference", id, "--db", db});
  const json by_preset =
      kl("7", "fp32", {"--kl-reference", "llama3-mini", "--kl-reference-dtype", "bf16"});
  BOOST_TEST(by_run.at("mean").get<double>() > 0.0);
  BOOST_TEST(by_run.at("mean").get<double>() == by_preset.at("mean").get<double>());
  BOOST_TEST(by_run.at("max").get<double>() == by_preset.at("max").get<double>());
  // Another seed is another model: the stored seed is used, not --seed.
  const json other = kl("8", "bf16", {"--kl-reference", id, "--db", db});
  BOOST_TEST(other.at("mean").get<double>() > 0.0);
}

BOOST_AUTO_TEST_CASE(runs_that_cannot_be_a_reference) {
  const fs::path dir = scratch().dir / "errors";
  fs::create_directories(dir);
  const std::string db = (dir / "runs.db").string();
  const std::vector<std::string> main = {"perplexity", "--preset",  "llama3-mini", "--ids",
                                         kIds,         "--context", "16"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = main;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const std::string preset_run = stored_run({"--preset", "llama3-mini"}, "fp32", db);

  expect_error(with({"--kl-reference", "999", "--db", db}),
               "--kl-reference: no run with id 999 in " + db);
  expect_error(with({"--kl-reference", "run:x1", "--db", db}), "'x1' is not a run id");
  expect_error(with({"--kl-reference", "0", "--db", db}), "'0' is not a run id");
  expect_error(with({"--kl-reference", "1", "--db", (dir / "none.db").string()}), "does not exist");
  const fs::path corrupt = dir / "corrupt.db";
  std::ofstream(corrupt, std::ios::binary) << std::string(4096, '\x5a');
  expect_error(with({"--kl-reference", "1", "--db", corrupt.string()}), corrupt.string());
  expect_error(with({"--kl-reference", "llama3-mini", "--db", db}),
               "--db: only read for --kl-reference RUN");
  expect_error(with({"--kl-reference-dtype", "bf16"}),
               "--kl-reference-dtype: needs --kl-reference");
  expect_error(
      with({"--kl-reference", "nopreset"}),
      "--kl-reference: unknown preset 'nopreset' (archscope presets lists them); nor is it "
      "a directory or a run id (run:ID)");

  expect_error({"perplexity", "--preset", "llama3-mini", "--ids", kIds, "--context", "300",
                "--kl-reference", "gpt2-mini"},
               "--kl-reference: --context 300 is longer than the reference's context 256");

  // A checkpoint directory that has gone since the run.
  const fs::path gone = dir / "gpt2 copy";
  fs::create_directories(gone);
  for (const char* f : {"config.json", "model.safetensors"})
    fs::copy_file(kFixtures / "hf" / "gpt2" / f, gone / f);
  const std::string gone_run = stored_run({"--model", gone.string()}, "fp32", db);
  fs::remove_all(gone);
  expect_error(
      {"perplexity", "--model", (kFixtures / "hf" / "gpt2").string(), "--ids", "1,2,3,4",
       "--kl-reference", gone_run, "--db", db},
      "run " + gone_run + "'s checkpoint directory " + gone.string() + " no longer exists");

  // Another vocabulary: the demo model has 4096 ids, llama3-mini 1024.
  expect_error({"perplexity", "--model", kModel.string(), "--ids", "1,2,3,4", "--kl-reference",
                preset_run, "--db", db},
               "--kl-reference: vocabulary 1024 differs from the model's 4096");

  // A run of a file written before runs recorded their weights' source.
  const fs::path old = dir / "old.db";
  {
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(old.c_str(), &raw) == SQLITE_OK);
    std::string sql;
    for (const auto& m : archscope::prof::store::migrations())
      if (m.to_version < archscope::prof::store::kWeightsSourceSchemaVersion)
        sql += std::string(m.sql) + ";";
    sql += "PRAGMA application_id = " + std::to_string(archscope::prof::store::kApplicationId) +
           "; PRAGMA user_version = " +
           std::to_string(archscope::prof::store::kWeightsSourceSchemaVersion - 1) + ";";
    sql +=
        "INSERT INTO runs (id, name, started_at, model, config_json, backend, device, "
        "weights_dtype,"
        " kv_dtype, batch, prompt_tokens, new_tokens, threads, version, git_revision, status,"
        " failure, writer_pid, writer_host, writer_boot_id, writer_start_ticks) VALUES (4, 'old',"
        " '2026-01-01T00:00:00Z', 'm', '{}', 'cpu', 'd', 'f32', 'f32', 1, 4, 2, 1, '0.1.0', 'r',"
        " 'complete', '', 1, 'h', 'b', 0);";
    BOOST_REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  BOOST_TEST(weights_source_of("4", old.string()) == json::parse(R"({"origin": "unknown"})"));
  expect_error(with({"--kl-reference", "4", "--db", old.string()}),
               "--kl-reference: run 4 was stored before archscope recorded where a run's weights "
               "come from");
}

BOOST_AUTO_TEST_SUITE_END()
