// The stacked expert tensors hold each checkpoint expert in its slice: per-expert HF tensors
// (Qwen3-MoE gate/up/down_proj, Mixtral w1/w3/w2) and fused [E, d, 2F] / [E, F, d] ones (gpt-oss
// with biases and interleaved gate/up columns, Llama 4), read here straight from the safetensors
// files; the fused ones also when the source hands them over in small pieces. Random weights at
// bf16 land in the same slices.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "cpu/half.hpp"
#include "model/hf_source.hpp"
#include "parity_support.hpp"
#include "weights/safetensors.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

std::vector<float> host(Backend& be, const Tensor& t) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  be.download(be.default_stream(), t, v.data());
  be.synchronize(be.default_stream());
  return v;
}

std::vector<float> checkpoint(const SafetensorsModel& m, const std::string& name) {
  const TensorView& t = m.get(name);
  std::vector<float> v(static_cast<size_t>(t.numel()));
  convert_to_f32(t, v.data(), v.size());
  return v;
}

// Rows [e * rows, (e + 1) * rows) of a fused [E, rows, cols] tensor, transposed to [cols, rows].
std::vector<float> fused_expert(const std::vector<float>& all, int64_t e, int64_t rows,
                                int64_t cols) {
  std::vector<float> t(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      t[static_cast<size_t>(c * rows + r)] = all[static_cast<size_t>((e * rows + r) * cols + c)];
  return t;
}

std::vector<float> slice(const std::vector<float>& v, int64_t begin, int64_t count) {
  return {v.begin() + begin, v.begin() + begin + count};
}

// Hands every tensor over three rows at a time, so fused experts arrive split across pieces.
struct SmallPieces final : WeightSource {
  WeightSource& inner;
  explicit SmallPieces(WeightSource& s) : inner(s) {}
  bool has(const TensorRequest& r) const override { return inner.has(r); }
  std::vector<float> read(const TensorRequest& r) override { return inner.read(r); }
  void read_chunked(const TensorRequest& r, int64_t,
                    const std::function<void(const float*, int64_t)>& sink) override {
    const std::vector<float> v = inner.read(r);
    const int64_t row = r.shape.empty() ? 1 : r.shape.back(), n = static_cast<int64_t>(v.size());
    for (int64_t i = 0; i < n; i += 3 * row) sink(v.data() + i, std::min(3 * row, n - i));
  }
  void finish() override { inner.finish(); }
};

int64_t first_moe_layer(const ModelConfig& c) {
  for (const LayerSpec& s : expand_layers(c))
    if (s.moe) return s.index;
  return -1;
}

// Per-expert checkpoint tensors under `ex` + "<e>.".
void check_per_expert(const std::string& family, const std::string& block, const char* gate,
                      const char* up, const char* down) {
  const Fixture f = load_fixture(family);
  cpu::CpuBackend be(1);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
  const SafetensorsModel st(fixture_dir(family));
  const int64_t layer = first_moe_layer(f.config), F = f.config.moe.expert_d_ff,
                d = f.config.d_model;
  const ExpertWeights& ex = w.layers[static_cast<size_t>(layer)].moe.experts;
  BOOST_TEST(ex.count() == f.config.moe.experts);
  BOOST_TEST((ex.gate_up.shape() == Shape{f.config.moe.experts, 2 * F, d}));
  BOOST_TEST((ex.down.shape() == Shape{f.config.moe.experts, d, F}));
  for (int64_t e = 0; e < ex.count(); ++e) {
    const std::string p = "model.layers." + std::to_string(layer) + "." + block + ".experts." +
                          std::to_string(e) + ".";
    const FfnWeights fw = ex.expert(e);
    std::vector<float> gu = checkpoint(st, p + gate + ".weight");
    const std::vector<float> u = checkpoint(st, p + up + ".weight");
    gu.insert(gu.end(), u.begin(), u.end());
    BOOST_TEST(host(be, fw.gate_up) == gu, family << " expert " << e << " gate_up");
    BOOST_TEST(host(be, fw.down) == checkpoint(st, p + down + ".weight"),
               family << " expert " << e << " down");
  }
}

void check_fused(const std::string& family, const std::string& block, bool biases) {
  const Fixture f = load_fixture(family);
  cpu::CpuBackend be(1);
  HfWeightSource src(fixture_dir(family), f.config.n_layers);
  SmallPieces pieces(src);
  const SafetensorsModel st(fixture_dir(family));
  const int64_t layer = first_moe_layer(f.config), F = f.config.moe.expert_d_ff,
                d = f.config.d_model;
  const std::string p = "model.layers." + std::to_string(layer) + "." + block + ".experts.";
  const std::vector<float> gu = checkpoint(st, p + "gate_up_proj"),
                           dn = checkpoint(st, p + "down_proj");
  for (bool split : {false, true}) {
    const ModelWeights w = split ? build_weights(be, f.config, pieces, Elem::F32)
                                 : load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
    const ExpertWeights& ex = w.layers[static_cast<size_t>(layer)].moe.experts;
    BOOST_TEST(ex.interleaved == (family == "gpt_oss"));
    for (int64_t e = 0; e < ex.count(); ++e) {
      const FfnWeights fw = ex.expert(e);
      BOOST_TEST(host(be, fw.gate_up) == fused_expert(gu, e, d, 2 * F),
                 family << " expert " << e << " split " << split);
      BOOST_TEST(host(be, fw.down) == fused_expert(dn, e, F, d),
                 family << " expert " << e << " split " << split);
      if (biases) {
        BOOST_TEST(host(be, fw.gate_up_bias) ==
                   slice(checkpoint(st, p + "gate_up_proj_bias"), e * 2 * F, 2 * F));
        BOOST_TEST(host(be, fw.down_bias) == slice(checkpoint(st, p + "down_proj_bias"), e * d, d));
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(expert_weights)

BOOST_AUTO_TEST_CASE(per_expert_checkpoints_fill_their_slices) {
  check_per_expert("qwen3_moe", "mlp", "gate_proj", "up_proj", "down_proj");
  check_per_expert("deepseek_v3", "mlp", "gate_proj", "up_proj", "down_proj");
  check_per_expert("mixtral", "block_sparse_moe", "w1", "w3", "w2");
}

BOOST_AUTO_TEST_CASE(fused_checkpoints_fill_their_slices) {
  check_fused("gpt_oss", "mlp", true);
  check_fused("llama4_text", "feed_forward", false);
}

BOOST_AUTO_TEST_CASE(random_bf16_experts_fill_their_slices) {
  const Fixture f = load_fixture("qwen3_moe");
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  o.seed = 3;
  const ModelWeights w = random_weights(be, f.config, o, Elem::BF16);
  RandomWeightSource src(o);
  const int64_t layer = first_moe_layer(f.config), F = f.config.moe.expert_d_ff,
                d = f.config.d_model;
  const ExpertWeights& ex = w.layers[static_cast<size_t>(layer)].moe.experts;
  for (int64_t e : {int64_t{0}, ex.count() - 1}) {
    const std::string p =
        "layers." + std::to_string(layer) + ".mlp.experts." + std::to_string(e) + ".";
    std::vector<float> want = src.read({p + "gate_proj.weight", {F, d}, TensorRole::Matrix, d});
    const std::vector<float> up = src.read({p + "up_proj.weight", {F, d}, TensorRole::Matrix, d});
    want.insert(want.end(), up.begin(), up.end());
    std::vector<uint16_t> got(want.size());
    be.download(be.default_stream(), ex.expert(e).gate_up, got.data());
    be.synchronize(be.default_stream());
    bool same = true;
    for (size_t i = 0; i < want.size(); ++i) same = same && got[i] == cpu::f32_to_bf16(want[i]);
    BOOST_TEST(same, "expert " << e);
  }
}

BOOST_AUTO_TEST_SUITE_END()
