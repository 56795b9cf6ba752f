// The summary rows over analyze --json, the preset rows (a broken file is a row with its error),
// the trained checkpoints' rows, and the per-edit analysis job (errors come back, never thrown).
#include <algorithm>
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

BOOST_AUTO_TEST_CASE(trained_checkpoints_are_rows_with_their_readme_line) {
  // The shipped demo model: its figures are the checkpoint's (training-report.json counts
  // 6,564,608 parameters with torch), its name the folder's, its line the README's title.
  const auto shipped =
      load_model_rows(std::filesystem::path(ARCHSCOPE_SOURCE_DIR) / "assets" / "models");
  const auto demo = std::find_if(shipped.begin(), shipped.end(),
                                 [](const PresetRow& r) { return r.name == "stdlib-moe-6m"; });
  BOOST_REQUIRE(demo != shipped.end());
  BOOST_TEST(demo->error == "");
  BOOST_TEST(demo->trained);
  BOOST_TEST(!demo->user);
  BOOST_TEST(demo->path.filename() == "config.json");
  BOOST_TEST(demo->params_total == 6564608u);
  // Active: 8 experts of 3 × 256 × 192 per layer, 2 of them used: 6,564,608 − 4 × 6 × 147,456.
  BOOST_TEST(demo->params_active == 6564608u - 4u * 6u * 147456u);
  // 2 (K, V) × 4 layers × 2 KV heads × 64 × 2 bytes (bf16).
  BOOST_TEST(demo->kv_bytes_per_token == 2u * 4 * 2 * 64 * 2);
  BOOST_TEST(demo->description ==
             "Run a real trained MoE: archscope's trained demo model · MoE 8 × top-2 · GQA · "
             "4 layers · d_model 256 · 1k context");
  BOOST_TEST(demo->source.find("README.md") != std::string::npos);

  // A folder is a checkpoint when it has config.json and model.safetensors; one whose
  // config.json does not import is a row with its error; a missing folder has no rows.
  const auto dir =
      std::filesystem::temp_directory_path() / ("archscope-models-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "broken");
  std::filesystem::create_directories(dir / "no-weights");
  std::ofstream(dir / "broken" / "config.json")
      << "{\"model_type\": \"llama\", \"hidden_size\": -1}";
  std::ofstream(dir / "broken" / "model.safetensors") << "x";
  std::ofstream(dir / "no-weights" / "config.json") << "{}";
  const auto rows = load_model_rows(dir);
  BOOST_TEST(load_model_rows(dir / "missing").empty());
  std::filesystem::remove_all(dir);
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].name == "broken");
  BOOST_TEST(rows[0].trained);
  BOOST_TEST(rows[0].error.find("config.json") != std::string::npos, rows[0].error);
}

BOOST_AUTO_TEST_CASE(readme_titles) {
  const auto file =
      std::filesystem::temp_directory_path() / ("archscope-readme-" + std::to_string(::getpid()));
  std::ofstream(file) << "\n# tiny-moe: a tiny test model\r\n\nText.\n";
  BOOST_TEST(readme_title(file, "tiny-moe") == "a tiny test model");
  BOOST_TEST(readme_title(file, "other") == "tiny-moe: a tiny test model");
  std::ofstream(file) << "No title here\n# late: title\n";
  BOOST_TEST(readme_title(file, "late") == "");
  std::filesystem::remove(file);
  BOOST_TEST(readme_title(file, "gone") == "");
}

BOOST_AUTO_TEST_SUITE_END()
