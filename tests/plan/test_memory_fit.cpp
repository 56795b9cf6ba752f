// Memory fit, KV growth per token before and after the windows fill, the max_position_embeddings
// warning and FLOP totals past 2^64, against arithmetic from the models' configs.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "official_configs.hpp"
#include "plan/analysis.hpp"
#include "plan/memory_fit.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/preset_catalog.hpp"
#include "window_configs.hpp"

using namespace archscope;
using namespace archscope::test;
namespace tt = boost::test_tools;

namespace {

constexpr long double kTwo64 = 18446744073709551616.0L;

Analysis at(const ModelConfig& c, int64_t context, int64_t batch = 1,
            const std::optional<HardwareProfile>& hw = std::nullopt) {
  AnalysisOptions o;
  o.context = context;
  o.batch = batch;
  return summarize(c, o, hw);
}

HardwareProfile device(const std::string& name, uint64_t bytes) {
  HardwareProfile h;
  h.name = name;
  h.memory_bandwidth = 1e12;
  h.memory_bytes = bytes;
  h.peak_flops[static_cast<size_t>(DType::BF16)] = 1e15;
  return h;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plan_memory_fit)

BOOST_AUTO_TEST_CASE(gemma3_27b_kv_per_token_first_and_steady) {
  // google/gemma-3-27b-it text_config: 62 layers, sliding_window_pattern 6 (every 6th layer
  // global: 10 of 62), sliding_window 1024, 16 KV heads of head_dim 128. The preset must say so.
  const ModelConfig c = load_preset("gemma3-27b");
  BOOST_TEST(c.n_layers == 62);
  BOOST_TEST(c.attention.kv_heads == 16);
  BOOST_TEST(c.attention.head_dim == 128);
  BOOST_TEST(c.attention.sliding_window == 1024);
  const uint64_t layer = 2ull * 16 * 128 * 2;  // K + V per token and layer, bf16
  const Analysis a = at(c, 4096);
  BOOST_TEST(a.kv.bytes_per_token == 62 * layer);
  BOOST_TEST(a.kv.bytes_per_token == 496u * 1024);  // 496 KiB
  BOOST_TEST(a.kv.bytes_per_token_steady == 10 * layer);
  BOOST_TEST(a.kv.bytes_per_token_steady == 80u * 1024);  // 80 KiB
  BOOST_TEST(a.kv.steady_after_tokens == 1024);
  // Steady means steady: past the window every further token adds exactly that.
  BOOST_TEST(kv_bytes_at_context(c, 5001, 1, DType::BF16) -
                 kv_bytes_at_context(c, 5000, 1, DType::BF16) ==
             10 * layer);
}

BOOST_AUTO_TEST_CASE(steady_growth_of_other_windowed_families) {
  // Llama 4 Scout: 12 global + 36 chunked (8192) layers, 8 KV heads of 128: 4096 B per layer.
  BOOST_TEST(kv_bytes_per_token(llama4_scout(), DType::BF16) == 48u * 4096);
  BOOST_TEST(kv_bytes_per_token_steady(llama4_scout(), DType::BF16) == 12u * 4096);
  BOOST_TEST(largest_window(llama4_scout()) == 8192);
  // gpt-oss-20b: 12 full + 12 sliding (128) layers, 2048 B per layer.
  BOOST_TEST(kv_bytes_per_token_steady(gpt_oss_20b(), DType::BF16) == 12u * 2048);
  // No window: the same figure, and no steady point.
  const Analysis l = at(llama3_8b(), 1024);
  BOOST_TEST(l.kv.bytes_per_token_steady == l.kv.bytes_per_token);
  BOOST_TEST(l.kv.steady_after_tokens == 0);
}

BOOST_AUTO_TEST_CASE(activations_follow_the_largest_op) {
  // Llama 3 8B, bf16 activations. Prefill (last-row logits): residual [T, 4096] live, plus the
  // SwiGLU product (gate and up in, [T, 14336] out) = 3 x 14336. Decode at batch B: the LM head
  // ([B, 4096] in, [B, 128256] out) is the largest.
  const ModelConfig c = llama3_8b();
  for (int64_t T : {1000, 8192}) {
    const Analysis a = at(c, T);
    BOOST_TEST(a.memory.activation_bytes_prefill == 2ull * T * (4096 + 3 * 14336));
  }
  const Analysis b = at(c, 4096, 8);
  BOOST_TEST(b.memory.activation_bytes_decode == 2ull * 8 * (4096 + 4096 + 128256));
  BOOST_TEST(b.memory.activation_bytes_prefill == 2ull * 8 * 4096 * (4096 + 3 * 14336));
  BOOST_TEST(b.memory.activation_bytes == b.memory.activation_bytes_prefill);
  // Fused attention's T x T scores are never live: doubling the context doubles the peak.
  BOOST_TEST(at(c, 65536).memory.activation_bytes_prefill ==
             2 * at(c, 32768).memory.activation_bytes_prefill);
}

BOOST_AUTO_TEST_CASE(deepseek_v3_needs_17_h100s_at_32k) {
  // 671,026,419,200 bf16 parameters; MLA caches 512 + 64 values per token in 61 layers.
  const HardwareProfile h100 = load_hardware("h100-sxm");
  const Analysis a = at(deepseek_v3(), 32768, 1, h100);
  const MemoryFit& m = a.memory;
  BOOST_TEST(m.weights_bytes == 2 * 671026419200ull);
  BOOST_TEST(m.kv_bytes == 61ull * 32768 * (512 + 64) * 2);
  BOOST_TEST(m.required_bytes == m.weights_bytes + m.kv_bytes + m.activation_bytes);
  BOOST_TEST(*m.device_bytes == 80ull << 30);
  BOOST_TEST(!m.fits);
  const uint64_t room = (80ull << 30) - m.activation_bytes;
  BOOST_TEST(*m.min_devices ==
             static_cast<int64_t>((m.weights_bytes + m.kv_bytes + room - 1) / room));
  BOOST_TEST(*m.min_devices == 17);
}

BOOST_AUTO_TEST_CASE(fit_edges) {
  const ModelConfig c = llama3_8b();
  const Analysis base = at(c, 4096);
  const uint64_t need = base.memory.required_bytes;
  // Exactly enough memory: fits on one; one byte less: two devices.
  const Analysis exact = at(c, 4096, 1, device("exact", need));
  BOOST_TEST(exact.memory.fits);
  BOOST_TEST(*exact.memory.min_devices == 1);
  const Analysis short_by_one = at(c, 4096, 1, device("short", need - 1));
  BOOST_TEST(!short_by_one.memory.fits);
  BOOST_TEST(*short_by_one.memory.min_devices == 2);
  // Activations alone larger than the device: no number of devices holds one step.
  const Analysis tiny = at(c, 4096, 1, device("tiny", base.memory.activation_bytes));
  BOOST_TEST(!tiny.memory.fits);
  BOOST_TEST(!tiny.memory.min_devices.has_value());
  // Without hardware (or a profile with no memory size): the need, no verdict.
  BOOST_TEST(!base.memory.device_bytes.has_value());
  BOOST_TEST(!at(c, 4096, 1, device("unknown", 0)).memory.device_bytes.has_value());
  const nlohmann::json j = analysis_to_json(short_by_one);
  BOOST_TEST(j.at("memory").at("fits") == false);
  BOOST_TEST(j.at("memory").at("min_devices") == 2);
  BOOST_TEST(j.at("memory").at("required_bytes").get<uint64_t>() == need);
  BOOST_TEST(j.at("memory").at("device_bytes").get<uint64_t>() == need - 1);
  BOOST_TEST(analysis_to_json(base).at("memory").at("fits").is_null());
}

BOOST_AUTO_TEST_CASE(contexts_past_max_position_embeddings_warn) {
  const ModelConfig c = llama3_8b();  // max_position_embeddings 8192
  BOOST_TEST(at(c, 8192).warnings.empty());
  const Analysis a = at(c, 8193);
  BOOST_TEST_REQUIRE(a.warnings.size() == 1u);
  BOOST_TEST(a.warnings[0].find("max_position_embeddings 8192") != std::string::npos,
             a.warnings[0]);
  BOOST_TEST(analysis_to_json(a).at("warnings").size() == 1u);
  BOOST_TEST(analysis_to_json(at(c, 100)).at("warnings").empty());
}

BOOST_AUTO_TEST_CASE(ten_million_tokens_on_the_largest_presets) {
  for (const char* name :
       {"deepseek-v3", "kimi-k2", "llama4-maverick", "llama4-scout", "qwen3-235b-a22b", "grok-2.5",
        "glm-4.5", "gpt-oss-120b", "mistral-small-3.1-24b", "llama3-8b"}) {
    BOOST_TEST_CONTEXT(name) {
      const ModelConfig c = load_preset(name);
      const Analysis a = at(c, 10'000'000, 1, load_hardware("h200"));
      const nlohmann::json j = analysis_to_json(a);
      BOOST_TEST(std::isfinite(static_cast<double>(a.flops.prefill_total)));
      BOOST_TEST(a.flops.prefill_total > a.flops.decode_step);
      BOOST_TEST(j.at("flops").at("prefill_total").get<double>() ==
                     static_cast<double>(a.flops.prefill_total),
                 tt::tolerance(1e-15));
      BOOST_TEST(a.memory.required_bytes > a.memory.weights_bytes);
      BOOST_TEST(a.warnings.size() == (c.max_context < 10'000'000 ? 1u : 0u));
    }
  }
}

BOOST_AUTO_TEST_CASE(flops_past_two_to_the_64_are_the_closed_form) {
  // Llama 3 8B at 10M tokens: the causal (query, key) pairs are T (T + 1) / 2 per head, each
  // 2 x 128 (q.k) + 1 (scale) + 5 (softmax) + 2 x 128 (values) FLOPs, over 32 heads and 32 layers;
  // every other op is linear in the rows. The total passes 2^64.
  const ModelConfig c = llama3_8b();
  const auto attention = [](long double T) {
    return 32.0L * 32 * T * (T + 1) / 2 * (2 * 128 + 1 + 5 + 2 * 128);
  };
  const long double T = 10'000'000;
  const Analysis one = at(c, 1), big = at(c, 10'000'000);
  BOOST_TEST(big.flops.prefill_total > kTwo64);
  const long double linear_per_row = one.flops.prefill_total - attention(1);
  const long double expect = attention(T) + T * linear_per_row;
  BOOST_TEST(static_cast<double>(std::fabs(big.flops.prefill_total - expect) / expect) <= 1e-18);
  // Below 2^64 a count stays an exact JSON integer.
  BOOST_TEST(analysis_to_json(one).at("flops").at("prefill_total").is_number_unsigned());
  BOOST_TEST(analysis_to_json(big).at("flops").at("prefill_total").is_number_float());
}

BOOST_AUTO_TEST_SUITE_END()
