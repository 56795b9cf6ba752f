// `--layers A:B` end to end through the real binary: `run` stores the slice and prints its
// whole-model estimate (JSON and text), `runs show` and `report` give the same estimate from the
// database, a slice without a layer of every class names the missing one instead of a number,
// `bench --layers --compare-full` measures the whole model beside the slice, and bad slices fail
// with one line naming --layers (exit 2).
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
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

struct Workspace {
  fs::path dir = fs::temp_directory_path() / ("archscope-slice-cli-" + std::to_string(::getpid()));
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

// deepseek-v3-mini: 4 MLA layers, layer 0 dense (first_k_dense_replace 1 in the small copy), 1..3
// MoE.
std::vector<std::string> slice_run(const std::string& layers) {
  return {"run",       "--preset", "deepseek-v3-mini", "--prompt", "9",        "--new", "3",
          "--threads", "1",        "--warmup",         "0",        "--layers", layers};
}

// The estimate is its own arithmetic: measured + Σ (layers the slice did not run) × class time,
// per phase.
void check_arithmetic(const json& s) {
  for (const char* phase : {"prefill", "decode"}) {
    const json& p = s.at(phase);
    double sum = p.at("measured_ms").get<double>();
    const char* key =
        std::string(phase) == "prefill" ? "prefill_ms_per_layer" : "decode_ms_per_layer";
    for (const json& c : s.at("classes"))
      sum += (c.at("layers_in_model").get<double>() -
              static_cast<double>(c.at("measured_layers").size())) *
             c.at(key).get<double>();
    BOOST_TEST(p.at("extrapolated_ms").get<double>() == sum, tt::tolerance(1e-9));
    BOOST_TEST(p.at("measured_ms").get<double>() ==
                   p.at("slice_layers_ms").get<double>() + p.at("outside_layers_ms").get<double>(),
               tt::tolerance(1e-9));
  }
}

void expect_layers_error(const CliResult& r, const std::string& mentions) {
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(is_one_line(r.err), r.err);
  BOOST_TEST(r.err.find("--layers") != std::string::npos, r.err);
  BOOST_TEST(r.err.find(mentions) != std::string::npos, r.err);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_slice_cli)

BOOST_AUTO_TEST_CASE(run_stores_the_slice_and_its_estimate) {
  Workspace w;
  std::vector<std::string> args = slice_run("0:1");
  args.push_back("--json");
  const CliResult r = run_in(w, args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json j = json::parse(r.out);
  const json& s = j.at("slice");
  BOOST_TEST(s.at("extrapolated") == true);
  BOOST_TEST(s.at("complete") == true);
  BOOST_TEST(s.at("model_layers") == 4);
  BOOST_TEST_REQUIRE(s.at("classes").size() == 2u);
  BOOST_TEST(s.at("classes")[0].at("layers_in_model") == 1);  // dense
  BOOST_TEST(s.at("classes")[1].at("layers_in_model") == 3);  // MoE
  BOOST_TEST(s.at("classes")[1].at("measured_layers") == json::array({1}));
  BOOST_TEST(s.at("decode").at("units") == 3);
  check_arithmetic(s);
  // Two more layers than ran: the estimate exceeds the slice's measured time.
  BOOST_TEST(s.at("decode").at("extrapolated_ms").get<double>() >
             s.at("decode").at("measured_ms").get<double>());

  const int64_t id = j.at("run_id").get<int64_t>();
  const CliResult show = run_in(w, {"runs", "show", std::to_string(id), "--json"});
  BOOST_TEST_REQUIRE(show.exit_code == 0, show.err);
  const json sj = json::parse(show.out);
  BOOST_TEST(sj.at("layers") == json({{"first", 0}, {"last", 1}}));
  BOOST_TEST(sj.at("slice") == s);  // the same estimate from the database

  const CliResult text = run_in(w, {"runs", "show", std::to_string(id)});
  BOOST_TEST(text.out.find("layers:   0..1 only") != std::string::npos, text.out);
  BOOST_TEST(text.out.find("EXTRAPOLATED") != std::string::npos, text.out);

  BOOST_TEST_REQUIRE(run_in(w, {"report", std::to_string(id), "--out", w.path("r.md")}).exit_code ==
                     0);
  const std::string md = read_all(w.path("r.md"));
  BOOST_TEST(md.find("### Whole model extrapolated from layers 0..1 \\(2 of 4 layers ran\\)") !=
                 std::string::npos,
             md);
  BOOST_TEST(md.find("whole model, EXTRAPOLATED") != std::string::npos);
  BOOST_TEST_REQUIRE(
      run_in(w, {"report", std::to_string(id), "--out", w.path("r.html")}).exit_code == 0);
  BOOST_TEST(read_all(w.path("r.html")).find("extrapolated from layers 0..1") != std::string::npos);

  // A whole-model run has no slice.
  const CliResult whole = run_in(w, {"run", "--preset", "llama3-mini", "--prompt", "4", "--new",
                                     "2", "--threads", "1", "--warmup", "0", "--json"});
  BOOST_TEST_REQUIRE(whole.exit_code == 0, whole.err);
  BOOST_TEST(!json::parse(whole.out).contains("slice"));
}

BOOST_AUTO_TEST_CASE(a_slice_without_every_class_names_the_missing_one) {
  Workspace w;
  const CliResult r = run_in(w, slice_run("2:3"));  // MoE layers only
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("MISSING from the slice") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("not extrapolated") != std::string::npos, r.out);
  std::vector<std::string> args = slice_run("2:3");
  args.push_back("--json");
  const json s = json::parse(run_in(w, args).out).at("slice");
  BOOST_TEST(s.at("complete") == false);
  BOOST_TEST(s.at("missing_classes") == json::array({"MLA attention, dense FFN"}));
  BOOST_TEST(s.at("decode").at("extrapolated_ms").is_null());
  BOOST_TEST(s.at("decode").at("measured_ms").get<double>() > 0);
}

BOOST_AUTO_TEST_CASE(bench_compares_the_slice_with_the_whole_model) {
  const CliResult r =
      run_cli({"bench", "--preset", "llama3-mini", "--prompt", "8", "--new", "4", "--threads", "1",
               "--warmup", "0", "--layers", "0:1", "--compare-full", "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json j = json::parse(r.out);
  const json& s = j.at("slice");
  check_arithmetic(s.at("estimate"));
  BOOST_TEST(s.at("estimate").at("classes").size() == 1u);
  BOOST_TEST(s.at("full").at("decode_ms_per_step").get<double>() > 0);
  const double est = s.at("extrapolated_medians").at("decode_ms_per_step").get<double>();
  const double full = s.at("full").at("decode_ms_per_step").get<double>();
  BOOST_TEST(s.at("error_pct").at("decode").get<double>() == 100 * (est - full) / full,
             tt::tolerance(1e-9));
  // The slice's own plan figures: half the layers' weights.
  BOOST_TEST(j.at("memory").at("weights_bytes").get<double>() > 0);
}

BOOST_AUTO_TEST_CASE(bad_slices_fail_with_one_line) {
  expect_layers_error(run_cli(slice_run("3:1")), "after last layer");
  expect_layers_error(run_cli(slice_run("0:4")), "has layers 0..3");
  expect_layers_error(run_cli(slice_run("one")), "is not A:B");
  std::vector<std::string> no_spans = slice_run("0:1");
  no_spans.push_back("--no-spans");
  expect_layers_error(run_cli(no_spans), "spans");
  expect_layers_error(run_cli({"bench", "--preset", "llama3-mini", "--layers", "7"}),
                      "has layers 0..3");
  const CliResult c = run_cli({"bench", "--preset", "llama3-mini", "--compare-full"});
  BOOST_TEST(c.exit_code == 2);
  BOOST_TEST(c.err.find("--compare-full") != std::string::npos, c.err);
}

BOOST_AUTO_TEST_SUITE_END()
