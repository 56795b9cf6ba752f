// Weight loading and initialisation: random weights are deterministic per seed and scaled by the
// config, heavy-tailed mode creates outlier channels, the loader reports missing tensors and
// wrong shapes by name, bf16 weights stay close to fp32, and oversize models are refused.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "parity_support.hpp"
#include "common/error.hpp"
#include "model/hf_source.hpp"
#include "model/random_source.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

std::vector<float> host(Backend& be, const Tensor& t) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  be.download(be.default_stream(), t, v.data());
  be.synchronize(be.default_stream());
  return v;
}

// A weight source that hides or reshapes one tensor of a real checkpoint.
struct Tamper final : WeightSource {
  WeightSource& inner;
  std::string hide;
  explicit Tamper(WeightSource& s, std::string h) : inner(s), hide(std::move(h)) {}
  bool has(const TensorRequest& r) const override { return r.name != hide && inner.has(r); }
  std::vector<float> read(const TensorRequest& r) override {
    if (r.name == hide) throw Error(ErrorKind::NotFound, r.name, "missing tensor");
    return inner.read(r);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(model_weights)

BOOST_AUTO_TEST_CASE(random_init_is_seeded_and_scaled) {
  const Fixture f = load_fixture("qwen3_next");
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  o.seed = 7;
  const ModelWeights a = random_weights(be, f.config, o), b = random_weights(be, f.config, o);
  o.seed = 8;
  const ModelWeights c = random_weights(be, f.config, o);
  const auto wa = host(be, a.layers[1].attn.k), wb = host(be, b.layers[1].attn.k), wc = host(be, c.layers[1].attn.k);
  BOOST_TEST(wa == wb);
  BOOST_TEST(wa != wc);
  double sq = 0.0;
  for (float v : wa) sq += static_cast<double>(v) * v;
  const double std_dev = std::sqrt(sq / static_cast<double>(wa.size()));
  BOOST_TEST(std::fabs(std_dev - 1.0 / std::sqrt(64.0)) < 0.01);  // 1/sqrt(fan_in = d_model)
  // (1 + w) norms are around 0, the gated norm's plain w around 1.
  for (float v : host(be, a.layers[0].input_norm)) BOOST_TEST(std::fabs(v) < 0.2);
  for (float v : host(be, a.layers[0].attn.lin_norm)) BOOST_TEST(std::fabs(v - 1.0f) < 0.2);
  // A random model runs end to end with finite logits.
  Model model(be, f.config, a);
  PagedKvCache cache(be, f.config, small_cache());
  const int64_t s = cache.add_sequence();
  for (float v : model.forward_host(cache, {{s, {1, 2, 3, 4}}})) BOOST_TEST_REQUIRE(std::isfinite(v));
}

BOOST_AUTO_TEST_CASE(heavy_tailed_has_outlier_channels) {
  const Fixture f = load_fixture("llama");
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  o.seed = 3;
  o.heavy_tailed = true;
  const ModelWeights w = random_weights(be, f.config, o);
  RandomWeightSource src(o);
  const auto ch = src.outlier_channels(64);
  BOOST_TEST_REQUIRE(ch.size() == 1u);  // 0.5% of 64, at least one
  const auto q = host(be, w.layers[0].attn.q);
  double out_sq = 0.0, other_sq = 0.0;
  for (size_t r = 0; r < q.size() / 64; ++r)
    for (size_t i = 0; i < 64; ++i) (static_cast<int64_t>(i) == ch[0] ? out_sq : other_sq) += q[r * 64 + i] * q[r * 64 + i];
  BOOST_TEST(out_sq > 100.0 * other_sq / 63.0);  // the outlier column carries ~400x the energy
  BOOST_TEST(host(be, w.layers[0].input_norm)[static_cast<size_t>(ch[0])] > 10.0f);
}

BOOST_AUTO_TEST_CASE(random_source_streams_the_same_values) {
  // read_chunked (what the builder streams into the weights) gives read()'s values in any split.
  for (bool heavy : {false, true}) {
    RandomInitOptions o;
    o.seed = 5;
    o.heavy_tailed = heavy;
    RandomWeightSource src(o);
    std::vector<TensorRequest> reqs(4);
    reqs[0] = {"layers.0.mlp.gate_proj.weight", {37, 64}, TensorRole::Matrix, 64};
    reqs[1] = {"embed_tokens.weight", {50, 64}, TensorRole::Embedding, 64};
    reqs[2] = {"layers.0.input_layernorm.weight", {64}, TensorRole::Norm};
    reqs[3] = {"layers.0.linear_attn.A_log", {6}, TensorRole::DecayLog};
    for (const TensorRequest& r : reqs) {
      const std::vector<float> whole = src.read(r);
      for (int64_t max_values : {1, 64, 200, 1 << 20}) {
        std::vector<float> parts;
        src.read_chunked(r, max_values, [&](const float* v, int64_t n) {
          BOOST_TEST_REQUIRE(n % r.shape.back() == 0);
          parts.insert(parts.end(), v, v + n);
        });
        BOOST_TEST(parts == whole);
      }
    }
  }
  // The builder stacks gate and up straight into gate_up: the rows are those of each source matrix.
  const Fixture f = load_fixture("llama");
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  o.seed = 9;
  const ModelWeights w = random_weights(be, f.config, o);
  RandomWeightSource src(o);
  const int64_t d = f.config.d_model, ff = f.config.ffn.d_ff;
  std::vector<float> expect = src.read({"layers.1.mlp.gate_proj.weight", {ff, d}, TensorRole::Matrix, d});
  const std::vector<float> up = src.read({"layers.1.mlp.up_proj.weight", {ff, d}, TensorRole::Matrix, d});
  expect.insert(expect.end(), up.begin(), up.end());
  BOOST_TEST(host(be, w.layers[1].ffn.gate_up) == expect);
  BOOST_TEST(host(be, w.embedding) == src.read({"embed_tokens.weight", {f.config.vocab_size, d}, TensorRole::Embedding, d}));
}

BOOST_AUTO_TEST_CASE(loader_names_missing_and_misshapen_tensors) {
  const Fixture f = load_fixture("llama");
  cpu::CpuBackend be(1);
  HfWeightSource src(fixture_dir("llama"), f.config.n_layers);
  Tamper t(src, "layers.1.mlp.up_proj.weight");
  try {
    build_weights(be, f.config, t, Elem::F32);
    BOOST_FAIL("expected a missing tensor");
  } catch (const Error& e) {
    BOOST_TEST((e.where() + ": " + e.message()).find("layers.1.mlp.up_proj.weight") != std::string::npos);
  }
  ModelConfig wide = f.config;
  wide.ffn.d_ff = 96;  // the checkpoint has 128
  try {
    load_hf_weights(be, wide, fixture_dir("llama"));
    BOOST_FAIL("expected a shape mismatch");
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE(e.where() << ": " << e.message());
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST((e.where() + ": " + e.message()).find("gate_proj.weight") != std::string::npos);
  }
  ModelConfig shallow = f.config;
  shallow.n_layers = 1;  // layers past n_layers are ignored like MTP modules (DeepSeek layer 61)
  BOOST_CHECK_NO_THROW(load_hf_weights(be, shallow, fixture_dir("llama")));
  ModelConfig tied = f.config;
  tied.tied_embeddings = true;  // lm_head.weight is then unexpected
  try {
    load_hf_weights(be, tied, fixture_dir("llama"));
    BOOST_FAIL("expected an unexpected tensor");
  } catch (const Error& e) {
    BOOST_TEST((e.where() + ": " + e.message()).find("lm_head.weight") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(bf16_weights_track_fp32) {
  const Fixture f = load_fixture("llama");
  cpu::CpuBackend be(2);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir("llama"), Elem::BF16);
  BOOST_TEST((w.layers[0].attn.q.elem() == Elem::BF16));
  Model model(be, f.config, w);
  PagedKvCache cache(be, f.config, small_cache());
  const int64_t s = cache.add_sequence();
  const double d = rel_diff(model.forward_host(cache, {{s, f.tokens}}), f, 0);
  BOOST_TEST_MESSAGE("llama bf16 weights: relative diff " << d);
  BOOST_TEST(d < 3e-2);  // bf16 keeps 8 bits of mantissa
  BOOST_TEST(d > 1e-6);  // and it is really rounded
}

BOOST_AUTO_TEST_CASE(bf16_kv_cache_tracks_fp32) {
  const Fixture f = load_fixture("gemma3_text");
  cpu::CpuBackend be(2);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir("gemma3_text"));
  Model model(be, f.config, w);
  KvCacheOptions o = small_cache();
  o.dtype = Elem::BF16;
  PagedKvCache cache(be, f.config, o);
  const int64_t s = cache.add_sequence();
  const double d = rel_diff(model.forward_host(cache, {{s, f.tokens}}), f, 0);
  BOOST_TEST_MESSAGE("gemma3 bf16 KV cache: relative diff " << d);
  BOOST_TEST(d < 3e-2);
  BOOST_TEST(d > 1e-6);
}

BOOST_AUTO_TEST_CASE(oversize_models_are_refused) {
  ModelConfig c = load_fixture("llama").config;
  c.d_model = 65536;
  c.vocab_size = 1 << 20;  // a 2^36-parameter embedding alone: 256 GiB in fp32
  c.attention.heads = 512;
  c.attention.kv_heads = 512;
  c.attention.head_dim = 128;
  c.ffn.d_ff = 4 * 65536;
  BOOST_TEST(estimate_weight_bytes(c, Elem::F32) > (uint64_t{1} << 38));
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  try {
    random_weights(be, c, o);
    BOOST_FAIL("expected a refusal");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Resource));
  }
}

BOOST_AUTO_TEST_SUITE_END()
