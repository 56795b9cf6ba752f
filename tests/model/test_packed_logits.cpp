// A packed run (issue 12 §2: the CPU holds the block linear weights packed and its kernels read
// the packed bytes) gives the logits of a run on the fake-quantized weights: the same scheme
// loaded through a backend that says it runs no packed weights, so the loader holds ŵ =
// quant::fake_quantize(w) dequantized in fp32 and the plain fp32 kernels run. Both compute with
// the same ŵ and fp32 accumulation; only the order of the linears' sums differs (the packed
// kernels sum each block, scale it once, then add), so the logits agree within issue 8's fp32
// criterion, max |a - b| / max |b| <= 1e-5, as tests/model_cuda/test_packed_minis.cpp holds the
// CUDA packed run to. Every format with a packed CPU layout, on a dense (llama3-mini), a MoE
// (qwen3-moe-mini, stacked experts), an MLA + MoE (deepseek-v3-mini: q_a, q_b, kv_a packed) and
// a fused-expert family with biases (gpt-oss-mini); a prefill of 21 tokens (T >= 16: the
// dequantized-panel GEMM) then 4 decode steps (the GEMV).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "counting_backend.hpp"
#include "cpu/cpu_backend.hpp"
#include "kv/paged_kv_cache.hpp"
#include "model/forward.hpp"
#include "model/load.hpp"
#include "model/weight_quant.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;

namespace {

double rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.empty()) return 1e30;
  double m = 0.0, ref = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - b[i]);
    m = std::max(m, std::isfinite(d) ? d : 1e30);
    ref = std::max(ref, static_cast<double>(std::fabs(b[i])));
  }
  return m / ref;
}

// Prefill of 21 tokens, then 4 decode steps: every logit row, concatenated.
std::vector<float> logits(Backend& be, const ModelConfig& c, quant::Format f, bool& packed) {
  const ModelWeights w = random_weights(be, c, RandomInitOptions{.seed = 5}, Elem::F32, f);
  packed = w.quantization.packed;
  Model model(be, c, w);
  KvCacheOptions o;
  o.block_size = 8;
  o.max_tokens = 64;
  o.max_sequences = 1;
  PagedKvCache cache(be, c, o);
  const int64_t s = cache.add_sequence();
  std::vector<int32_t> p;
  for (int32_t i = 0; i < 25; ++i)
    p.push_back(static_cast<int32_t>((i * 7919 + 13) % c.vocab_size));
  std::vector<float> out =
      model.forward_host(cache, {{s, std::vector<int32_t>(p.begin(), p.begin() + 21)}});
  for (size_t t = 21; t < p.size(); ++t) {
    const auto l = model.forward_host(cache, {{s, {p[t]}}});
    out.insert(out.end(), l.begin(), l.end());
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_packed_logits)

BOOST_AUTO_TEST_CASE(packed_runs_equal_runs_on_the_fake_quantized_weights) {
  cpu::CpuBackend cpu(2);
  test::CountingBackend dequantized(cpu);
  dequantized.allow_packed(false);
  for (const char* preset : {"llama3-mini", "qwen3-moe-mini", "deepseek-v3-mini", "gpt-oss-mini"}) {
    const ModelConfig c = load_preset(preset);
    for (quant::Format f : quant::all_formats()) {
      if (!packed_elem(f)) continue;  // every format has one (fp8-e4m3-block128 too)
      bool packed = false, reference_packed = true;
      const std::vector<float> got = logits(cpu, c, f, packed);
      const std::vector<float> want = logits(dequantized, c, f, reference_packed);
      BOOST_TEST_CONTEXT(preset << " " << quant::to_string(f)) {
        BOOST_TEST(packed);
        BOOST_TEST(!reference_packed);
        const double d = rel_diff(got, want);
        BOOST_TEST_MESSAGE(preset << " " << quant::to_string(f) << ": " << d);
        BOOST_TEST(d <= 1e-5);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
