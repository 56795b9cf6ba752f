// A real recorded run of llama3-mini with q8_0 weights: the WeightsQuantized event reaches the
// live fold, and each layer's SQNR equals the one computed here independently, from the seeded
// source weights (RandomWeightSource, the run's seed) quantized with quant::fake_quantize.
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>

#include "events/subscriber_thread.hpp"
#include "live/live_state.hpp"
#include "live/weight_sqnr.hpp"
#include "model/random_source.hpp"
#include "presets/preset_catalog.hpp"
#include "quant/formats.hpp"
#include "runner/profiled_run.hpp"
#include "session/recorded_run.hpp"
#include "store/run_store.hpp"

using namespace archscope;
namespace fs = std::filesystem;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_CASE(a_q8_0_run_publishes_its_weight_sqnr_to_the_live_fold) {
  const fs::path dir =
      fs::temp_directory_path() / ("archscope-wsqnr-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  const ModelConfig config = load_preset("llama3-mini", ARCHSCOPE_PRESETS);
  prof::RunOptions o;
  o.prompt = 4;
  o.new_tokens = 1;
  o.threads = 1;
  o.seed = 11;
  o.weights = Elem::F32;
  o.weights_quant = quant::Format::Q8_0;
  views::live::LiveFold fold;
  {
    prof::store::RunStore store = prof::store::RunStore::open(dir / "runs.db");
    prof::ProfiledRun run(config, o);
    prof::session::RecordedRun rec(store, run);
    prof::SubscriberThread view(rec.channel(), "view", 1024,
                                [&fold](const prof::Event& e) { fold.apply(e); });
    rec.run();
    view.join();
  }
  fs::remove_all(dir);
  BOOST_REQUIRE(fold.state().weights_quant.has_value());
  const views::live::WeightSqnrView v = views::live::weight_sqnr(*fold.state().weights_quant);
  BOOST_TEST(v.scheme == "q8_0");
  // q8_0: 32 int8 values + one fp16 scale per block of 32 (docs/quantization.md) = 8.5 bits, every
  // K of this model being a multiple of 32.
  BOOST_TEST(v.bits_per_weight == 8.5, tt::tolerance(1e-12));
  BOOST_REQUIRE_EQUAL(v.layers.size(), static_cast<size_t>(config.n_layers));

  // The block linear weights of a llama layer, [N, K] (HF [out, in]), from the configuration.
  const int64_t d = config.d_model, hd = config.attention.head_dim;
  const int64_t q_out = config.attention.heads * hd, kv_out = config.attention.kv_heads * hd;
  const int64_t ff = config.ffn.d_ff;
  const std::map<std::string, std::pair<int64_t, int64_t>> shapes = {
      {"self_attn.q_proj.weight", {q_out, d}},  {"self_attn.k_proj.weight", {kv_out, d}},
      {"self_attn.v_proj.weight", {kv_out, d}}, {"self_attn.o_proj.weight", {d, q_out}},
      {"mlp.gate_proj.weight", {ff, d}},        {"mlp.up_proj.weight", {ff, d}},
      {"mlp.down_proj.weight", {d, ff}}};
  RandomInitOptions init;
  init.seed = o.seed;
  RandomWeightSource source(init);
  for (const views::live::LayerSqnr& l : v.layers) {
    BOOST_TEST_CONTEXT("layer " << l.layer) {
      BOOST_TEST(l.tensors == static_cast<int64_t>(shapes.size()));
      double signal = 0, noise = 0, worst = INFINITY;
      for (const auto& [leaf, nk] : shapes) {
        const auto [N, K] = nk;
        const std::string name = "layers." + std::to_string(l.layer) + "." + leaf;
        const std::vector<float> w = source.read({name, {N, K}, TensorRole::Matrix, K, false});
        const std::vector<float> wq = quant::fake_quantize(quant::Format::Q8_0, w, N, K);
        double s = 0, n = 0;
        for (size_t i = 0; i < w.size(); ++i) {
          s += double(w[i]) * w[i];
          n += (double(w[i]) - wq[i]) * (double(w[i]) - wq[i]);
        }
        signal += s;
        noise += n;
        worst = std::min(worst, 10 * std::log10(s / n));
      }
      const double expect = 10 * std::log10(signal / noise);
      BOOST_TEST(std::isfinite(l.sqnr_db));
      // Both sides sum the same float64 terms, maybe in another order: 1e-9 relative is ample.
      BOOST_TEST(l.sqnr_db == expect, tt::tolerance(1e-9));
      BOOST_TEST(l.worst_sqnr_db == worst, tt::tolerance(1e-9));
    }
  }
}
