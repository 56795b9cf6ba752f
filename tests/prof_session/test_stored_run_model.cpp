// A stored run's model built again from its row (session/stored_run_model.hpp): the configuration
// comes from config_json, the weights from the recorded source; runs whose weights cannot be
// re-created are refused with one reason.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "presets/preset_catalog.hpp"
#include "session/stored_run_model.hpp"

using namespace archscope;
using namespace archscope::prof;
namespace fs = std::filesystem;

namespace {
RunInfo run_of(const ModelConfig& config, WeightsSource w) {
  RunInfo r;
  r.id = 12;
  r.config_json = config_to_json(config).dump();
  r.weights_dtype = "bf16";
  r.weights_source = std::move(w);
  return r;
}

std::string error_of(const RunInfo& r) {
  try {
    session::stored_run_model(r, "--kl-reference");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST(e.where() == "--kl-reference");
    return e.message();
  }
  BOOST_FAIL("expected a refusal");
  return {};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(prof_stored_run_model)

BOOST_AUTO_TEST_CASE(random_weights_keep_seed_and_init) {
  const ModelConfig config = load_preset("llama3-mini");
  WeightsSource w{WeightsOrigin::Random, "", 77, true, 0.01, 8.5};
  const session::StoredRunModel m = session::stored_run_model(run_of(config, w), "--kl-reference");
  BOOST_TEST(m.hf_dir.empty());
  BOOST_TEST(m.random.seed == 77u);
  BOOST_TEST(m.random.heavy_tailed);
  BOOST_TEST(m.random.outlier_fraction == 0.01);
  BOOST_TEST(m.random.outlier_scale == 8.5);
  BOOST_TEST(m.weights_dtype == "bf16");
  BOOST_TEST(config_to_json(m.config) == config_to_json(config));
  const session::StoredRunModel plain =
      session::stored_run_model(run_of(config, {WeightsOrigin::Random, "", 5, false, 0, 0}), "x");
  BOOST_TEST(!plain.random.heavy_tailed);
  BOOST_TEST(plain.random.seed == 5u);
}

BOOST_AUTO_TEST_CASE(checkpoint_directory_is_read_again) {
  const fs::path dir = fs::path(ARCHSCOPE_FIXTURES) / "hf" / "gpt2";
  const ModelConfig config = load_preset("gpt2-mini");
  const session::StoredRunModel m = session::stored_run_model(
      run_of(config, {WeightsOrigin::Checkpoint, fs::absolute(dir).string(), 0, false, 0, 0}), "x");
  BOOST_TEST(m.hf_dir == fs::absolute(dir));
}

BOOST_AUTO_TEST_CASE(runs_that_cannot_be_rebuilt_are_refused) {
  const ModelConfig config = load_preset("llama3-mini");
  const std::string unknown = error_of(run_of(config, WeightsSource{}));
  BOOST_TEST(
      unknown.find("run 12 was stored before archscope recorded where a run's weights come from") ==
          0u,
      unknown);
  BOOST_TEST(unknown.find('\n') == std::string::npos);
  const std::string gone = error_of(
      run_of(config, {WeightsOrigin::Checkpoint, "/nonexistent/archscope/model", 0, false, 0, 0}));
  BOOST_TEST(gone == "run 12's checkpoint directory /nonexistent/archscope/model no longer exists");
  RunInfo broken = run_of(config, {WeightsOrigin::Random, "", 1, false, 0, 0});
  broken.config_json = "{\"schema\": ";
  try {
    session::stored_run_model(broken, "x");
    BOOST_FAIL("a damaged config_json must be refused");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Parse));
    BOOST_TEST(e.where().find("run 12 config_json") == 0u, e.where());
  }
}

BOOST_AUTO_TEST_SUITE_END()
