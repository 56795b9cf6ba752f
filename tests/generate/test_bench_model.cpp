#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "generate/bench_model.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(bench_model_figures)

// bench-1b counted by hand: embedding and untied head 32000 x 2048 each; per layer q and o
// 2048 x 2048, k and v 2048 x 512, SwiGLU 3 x 2048 x 8192, two norms of 2048; a final norm.
constexpr uint64_t kEmbed = 32000ull * 2048;
constexpr uint64_t kLayer = 2 * 2048ull * 2048 + 2 * 2048ull * 512 + 3 * 2048ull * 8192 + 2 * 2048;
constexpr uint64_t kParams = 2 * kEmbed + 16 * kLayer + 2048;

BOOST_AUTO_TEST_CASE(bench_1b_weights_kv_and_decode_traffic) {
  const ModelConfig config =
      load_config_file(std::filesystem::path(ARCHSCOPE_PRESETS) / "bench-1b.json");
  const BenchModel m = bench_model(config, {.prompt = 512, .new_tokens = 128, .batch = 1,
                                            .weights = DType::BF16, .kv = DType::F32});
  BOOST_TEST(kParams == 1104218112ull);
  BOOST_TEST(m.weights_bytes == 2 * kParams);
  // K and V of 8 heads x 64 per layer, fp32, 640 tokens.
  BOOST_TEST(m.kv_bytes == 16ull * 640 * 2 * 512 * 4);
  // A decode step reads every matrix and the head, one embedding row, and the cache including the
  // new token (mean 576.5 tokens); fp32 activations add about 0.2 MB per layer.
  const double matrices = 2.0 * (kParams - kEmbed);
  const double kv_mean = 16.0 * 576.5 * 2 * 512 * 4;
  BOOST_TEST(m.decode_bytes_read_per_step >= matrices + kv_mean);
  BOOST_TEST(m.decode_bytes_read_per_step <= matrices + kv_mean + 4e6);
  // Prefill FLOPs: at least 2 per weight and token for the layers' matrices, and the (untied) head
  // on the last prompt token only — generation samples from there, so the other 511 rows skip it.
  const double layer_matrices = 2.0 * (kParams - 2 * kEmbed) * 512;
  BOOST_TEST(static_cast<double>(m.prefill_flops) >= layer_matrices + 2.0 * kEmbed);
  // The head on all 512 rows would add 2 x 32000 x 2048 x 511 = 67 GFLOP, more than attention,
  // norms and activations together (about 18 GFLOP here).
  BOOST_TEST(static_cast<double>(m.prefill_flops) < layer_matrices + 2.0 * kEmbed * 512);
}

BOOST_AUTO_TEST_CASE(longer_decode_reads_more_per_step_and_bad_shapes_fail) {
  const ModelConfig config =
      load_config_file(std::filesystem::path(ARCHSCOPE_PRESETS) / "llama3-mini.json");
  const BenchModel short_run = bench_model(config, {.prompt = 16, .new_tokens = 4});
  const BenchModel long_run = bench_model(config, {.prompt = 1024, .new_tokens = 4});
  BOOST_TEST(long_run.decode_bytes_read_per_step > short_run.decode_bytes_read_per_step);
  BOOST_TEST(long_run.weights_bytes == short_run.weights_bytes);
  BOOST_CHECK_THROW(bench_model(config, {.prompt = 0}), Error);
  BOOST_CHECK_THROW(bench_model(config, {.new_tokens = 0}), Error);
  BOOST_CHECK_THROW(bench_model(config, {.batch = 0}), Error);
}

BOOST_AUTO_TEST_SUITE_END()
