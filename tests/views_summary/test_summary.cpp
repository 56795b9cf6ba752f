// The summary rows over analyze --json, the preset rows (a broken file is a row with its error),
// and the per-edit analysis job (errors come back, never thrown).
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "config/config_json.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/preset_catalog.hpp"
#include "summary/analysis_job.hpp"
#include "summary/preset_rows.hpp"
#include "summary/summary_rows.hpp"

using namespace archscope;
using namespace archscope::summary;

namespace {
const Row& row(const std::string& pointer, Format f) {
  for (const Row& r : rows())
    if (r.pointer == pointer && r.format == f) return r;
  throw std::runtime_error("no row " + pointer);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(summary_rows)

BOOST_AUTO_TEST_CASE(cells_show_the_json_values) {
  AnalysisInput in{load_preset("llama3-8b", ARCHSCOPE_PRESETS), {}, std::nullopt};
  const AnalysisResult r = compute_analysis(in);
  BOOST_REQUIRE(!r.error);
  const Cell total = cell(r.json, row("/params/total", Format::Params));
  BOOST_TEST(total.present);
  BOOST_TEST(total.display == "8.03B");
  BOOST_TEST(total.exact == "8,030,261,248");  // Meta's card: 8.03B
  const Cell kv = cell(r.json, row("/kv_cache/bytes_per_token", Format::Bytes));
  BOOST_TEST(kv.exact == "131,072 B");
  BOOST_TEST(kv.display == "128.00 KiB");
  // No hardware: no roofline rows.
  BOOST_TEST(!cell(r.json, row("/roofline/decode/per_token_s", Format::Seconds)).present);
}

BOOST_AUTO_TEST_CASE(memory_fit_rows_read_the_engines_memory_object) {
  nlohmann::json j = {{"hardware", {{"name", "h100-sxm"}}},
                      {"memory",
                       {{"fits", false},
                        {"required_bytes", 1342177280000ull},
                        {"device_bytes", 85899345920ull},
                        {"min_devices", 16}}}};
  const Cell fit = cell(j, row("/memory", Format::MemoryFit));
  BOOST_TEST(fit.present);
  BOOST_TEST(fit.display == "needs 16 × h100-sxm");
  BOOST_TEST(fit.exact == "1,342,177,280,000 B needed, 85,899,345,920 B per h100-sxm");
  j["memory"]["fits"] = true;
  j["memory"]["min_devices"] = 1;
  BOOST_TEST(cell(j, row("/memory", Format::MemoryFit)).display == "fits on one h100-sxm");
  BOOST_TEST(!cell(nlohmann::json::object(), row("/memory", Format::MemoryFit)).present);
  // No hardware profile: the engine writes fits and min_devices as null.
  j["memory"]["fits"] = nullptr;
  j["memory"]["min_devices"] = nullptr;
  BOOST_TEST(!cell(j, row("/memory", Format::MemoryFit)).present);
  BOOST_TEST(cell(j, row("/memory/required_bytes", Format::Bytes)).present);
  j["warnings"] = {"context 200,000 is past max_position_embeddings 131,072", {{"message", "m"}}};
  BOOST_TEST(warnings(j).size() == 2u);
}

BOOST_AUTO_TEST_CASE(rate_is_the_inverse_of_the_time) {
  AnalysisInput in{load_preset("qwen3-8b", ARCHSCOPE_PRESETS),
                   {},
                   load_hardware("h100-sxm", hardware_dir(ARCHSCOPE_PRESETS))};
  const AnalysisResult r = compute_analysis(in);
  const double s = r.json["roofline"]["decode"]["per_token_s"].get<double>();
  const Cell rate = cell(r.json, row("/roofline/decode/per_token_s", Format::Rate));
  BOOST_TEST(rate.exact == nlohmann::json(1.0 / s).dump() + " tokens/s");
}

BOOST_AUTO_TEST_CASE(analysis_job_reports_errors) {
  ModelConfig bad = load_preset("llama3-8b", ARCHSCOPE_PRESETS);
  bad.attention.kv_heads = 3;
  const AnalysisResult r = compute_analysis({bad, {}, std::nullopt});
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->where() == "attention.kv_heads");
  BOOST_TEST(!r.analysis);
  AnalysisOptions o;
  o.context = 0;
  const AnalysisResult r2 =
      compute_analysis({load_preset("llama3-8b", ARCHSCOPE_PRESETS), o, std::nullopt});
  BOOST_REQUIRE(r2.error.has_value());
  BOOST_TEST(r2.error->where() == "options.context");
  const AnalysisResult ok =
      compute_analysis({load_preset("gemma3-27b", ARCHSCOPE_PRESETS), {}, std::nullopt});
  BOOST_TEST(ok.layer_charts.size() == 5u);
  BOOST_TEST((ok.json == analysis_to_json(*ok.analysis)));
}

BOOST_AUTO_TEST_CASE(preset_rows_keep_broken_files_as_rows) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("archscope-rows-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  save_config_file(load_preset("qwen3-8b", ARCHSCOPE_PRESETS), dir / "mine.json");
  std::ofstream(dir / "broken.json") << "{\"format\": \"archscope.model/1\", \"d_model\": -4}";
  const auto rows = load_preset_rows(dir, true);
  std::filesystem::remove_all(dir);
  BOOST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0].name == "broken");
  BOOST_TEST(rows[0].error.find("broken.json") != std::string::npos);
  BOOST_TEST(rows[1].params_total == 8190735360u);  // Qwen3-8B card: 8.2B
  BOOST_TEST(rows[1].user);
  BOOST_TEST(rows[1].description == "dense · GQA · 36 layers · d_model 4,096 · 40k context");
  BOOST_TEST(load_preset_rows(dir / "missing", true).empty());
}

BOOST_AUTO_TEST_SUITE_END()
