// Preset and hardware lookups by name: listing, loading, the did-you-mean error, and where the
// presets directory is found.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "common/error.hpp"
#include "presets/closest_name.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/preset_dir.hpp"
#include "preset_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// Sets an environment variable for one scope and restores the previous value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Runs f, expecting an archscope::Error; returns it.
template <class F>
Error expect_error(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  BOOST_FAIL("expected archscope::Error");
  throw;  // unreachable: BOOST_FAIL throws
}

std::filesystem::path scratch_dir(const std::string& leaf) {
  const auto dir = std::filesystem::temp_directory_path() / ("archscope-test-presets-" + leaf);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalog)

BOOST_AUTO_TEST_CASE(lists_presets_but_not_hardware) {
  const auto names = preset_names(presets_dir());
  BOOST_TEST(std::is_sorted(names.begin(), names.end()));
  BOOST_TEST((std::find(names.begin(), names.end(), "llama3-mini") != names.end()));
  BOOST_TEST((std::find(names.begin(), names.end(), "hardware") == names.end()));
  BOOST_TEST((std::find(names.begin(), names.end(), "h100-sxm") == names.end()));

  const auto infos = list_presets(presets_dir());
  BOOST_TEST(infos.size() == names.size());
  const auto mixtral = std::find_if(infos.begin(), infos.end(),
                                    [](const PresetInfo& i) { return i.name == "mixtral-mini"; });
  BOOST_REQUIRE(mixtral != infos.end());
  BOOST_TEST(mixtral->family == "mixtral");
  // Top-2 of 8 experts: a token uses fewer parameters than the model holds.
  BOOST_TEST(mixtral->params_active < mixtral->params_total);
  const auto llama = std::find_if(infos.begin(), infos.end(),
                                  [](const PresetInfo& i) { return i.name == "llama3-mini"; });
  BOOST_REQUIRE(llama != infos.end());
  BOOST_TEST(llama->params_active == llama->params_total);  // dense
}

BOOST_AUTO_TEST_CASE(loads_a_preset_by_name) {
  const ModelConfig c = load_preset("gemma3-mini", presets_dir());
  BOOST_TEST(c.name == "gemma3-mini");
  BOOST_TEST(c.n_layers == 6);
}

BOOST_AUTO_TEST_CASE(unknown_preset_suggests_the_nearest) {
  const Error e = expect_error([] { load_preset("llama-3-mini", presets_dir()); });
  BOOST_TEST((e.kind() == ErrorKind::NotFound));
  BOOST_TEST(e.where() == "--preset");
  BOOST_TEST(e.message() ==
             "unknown preset 'llama-3-mini'; did you mean 'llama3-mini'? (archscope presets lists them)");
}

BOOST_AUTO_TEST_CASE(unknown_preset_without_a_near_name_has_no_hint) {
  const Error e = expect_error([] { load_preset("zzzzzzzzzzzzzzzzzzzzzzz", presets_dir()); });
  BOOST_TEST((e.kind() == ErrorKind::NotFound));
  BOOST_TEST(e.message() == "unknown preset 'zzzzzzzzzzzzzzzzzzzzzzz' (archscope presets lists them)");
}

BOOST_AUTO_TEST_CASE(names_cannot_reach_outside_the_catalog) {
  // A hardware profile is a file under presets/, but not a preset.
  BOOST_CHECK_THROW(load_preset("hardware/h100-sxm", presets_dir()), Error);
  BOOST_CHECK_THROW(load_preset("../presets/llama3-mini", presets_dir()), Error);
}

BOOST_AUTO_TEST_CASE(missing_directory_is_an_io_error) {
  const Error e = expect_error([] { preset_names("/nonexistent/archscope/presets"); });
  BOOST_TEST((e.kind() == ErrorKind::Io));
}

BOOST_AUTO_TEST_CASE(environment_variable_overrides_the_directory) {
  const auto dir = scratch_dir("env");
  std::filesystem::copy_file(presets_dir() / "gpt2-mini.json", dir / "gpt2-mini.json");
  ScopedEnv env("ARCHSCOPE_PRESET_DIR", dir.string());
  BOOST_TEST(preset_dir() == dir);
  const auto infos = list_presets();
  BOOST_REQUIRE(infos.size() == 1u);
  BOOST_TEST(infos[0].name == "gpt2-mini");
  BOOST_TEST(load_preset("gpt2-mini").family == "gpt2");
  BOOST_CHECK_THROW(load_preset("llama3-mini"), Error);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(without_environment_the_source_presets_are_found) {
  ScopedEnv env("ARCHSCOPE_PRESET_DIR", "");
  // The test executable lives in <build>/bin, and <build>/share/archscope/presets does not exist,
  // so the compiled-in source directory is the answer.
  BOOST_TEST(std::filesystem::equivalent(preset_dir(), presets_dir()));
}

BOOST_AUTO_TEST_CASE(a_broken_preset_is_reported_not_skipped) {
  const auto dir = scratch_dir("broken");
  std::ofstream(dir / "bad.json") << R"({"format": "archscope.model/1", "name": "bad"})";
  BOOST_CHECK_THROW(list_presets(dir), Error);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(edit_distance_and_closest_name) {
  BOOST_TEST(edit_distance("", "abc") == 3u);
  BOOST_TEST(edit_distance("kitten", "sitting") == 3u);
  BOOST_TEST(edit_distance("qwen3-mini", "qwen3-mini") == 0u);
  const std::vector<std::string> names = {"qwen3-mini", "qwen3-moe-mini", "qwen3-next-mini"};
  BOOST_TEST(closest_name("qwen3-moe", names).value() == "qwen3-moe-mini");
  BOOST_TEST(closest_name("qwen-mini", names).value() == "qwen3-mini");
  BOOST_TEST(!closest_name("h100", names).has_value());
  // A typed prefix beats a nearer sibling.
  BOOST_TEST(closest_name("h100", {"h200", "h100-sxm"}).value() == "h100-sxm");
}

BOOST_AUTO_TEST_CASE(hardware_lookup) {
  const auto hw_dir = hardware_dir(presets_dir());
  const HardwareProfile h100 = load_hardware("h100-sxm", hw_dir);
  BOOST_TEST(h100.name == "h100-sxm");
  BOOST_TEST(h100.memory_bandwidth == 3350e9);

  const Error e = expect_error([&] { load_hardware("h100", hw_dir); });
  BOOST_TEST((e.kind() == ErrorKind::NotFound));
  BOOST_TEST(e.where() == "--hardware");
  BOOST_TEST(e.message() == "unknown hardware profile 'h100'; did you mean 'h100-sxm'? "
                            "(archscope hardware lists them)");
  // Model presets are not hardware profiles.
  BOOST_CHECK_THROW(load_hardware("llama3-mini", hw_dir), Error);
}

BOOST_AUTO_TEST_SUITE_END()
