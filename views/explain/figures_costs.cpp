// Figures of the cost topics: quantization, FlashAttention, speculative decoding, batching, LoRA,
// pruning and early exit.
#include <algorithm>
#include <cmath>
#include <set>

#include "explain/explain_format.hpp"
#include "explain/figures_topics.hpp"

namespace archscope::explain::detail {

namespace {

double weights_at(const Analysis& a, DType t, int64_t group) {
  const auto v = variant(a, {}, [t, group](AnalysisOptions& o) {
    o.weights = t;
    o.quant_group_size = group;
  });
  return v ? static_cast<double>(v->weights_bytes) : 0;
}

double decode_step_s(const Analysis& a) {
  return a.decode_roofline ? a.decode_roofline->time_s : 0;
}

}  // namespace

void quantization(Variables& v, const Analysis& a) {
  v["bf16_weights"] = bytes(weights_at(a, DType::BF16, 0));
  v["fp8_weights"] = bytes(weights_at(a, DType::FP8, 0));
  v["int8_weights"] = bytes(weights_at(a, DType::INT8, 0));
  v["int4_weights"] = bytes(weights_at(a, DType::INT4, 0));
  const double int4_scaled = weights_at(a, DType::INT4, 128);
  v["int4_g128_weights"] = bytes(int4_scaled);
  v["scale_overhead"] =
      percent(int4_scaled - weights_at(a, DType::INT4, 0), weights_at(a, DType::INT4, 0));
  v["int4_saving"] = ratio(weights_at(a, DType::INT4, 0) > 0
                               ? weights_at(a, DType::BF16, 0) / weights_at(a, DType::INT4, 0)
                               : 0);
  const double plain = static_cast<double>(
      component_params(a, Component::Embedding) + component_params(a, Component::Norms) +
      component_params(a, Component::Router) + component_params(a, Component::Head));
  v["plain_params"] = params(plain);
  v["plain_share"] = percent(plain, static_cast<double>(a.params.total));
  const auto int4 = variant(a, {}, [](AnalysisOptions& o) { o.weights = DType::INT4; });
  v["decode_bf16"] = seconds(a.decode_roofline ? a.decode_roofline->per_token_s : 0);
  v["decode_int4"] =
      seconds(int4 && int4->decode_roofline ? int4->decode_roofline->per_token_s : 0);
}

void flash_attention(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  // An unfused kernel writes the batch × heads × context × context score matrix of every softmax
  // layer to memory (bf16) and reads it back; the plan counts attention fused, scores on chip.
  const double ctx = static_cast<double>(a.options.context);
  const double scores =
      static_cast<double>(a.options.batch) * static_cast<double>(c.attention.heads) * ctx * ctx * 2;
  const int64_t softmax_layers =
      count_layers(a, [](const LayerSpec& l) { return l.attention != AttentionKind::Linear; });
  const PlanTotals prefill = totals(a.prefill);
  double attention_flops = 0;
  for (const LayerPlan& l : a.prefill.layers)
    for (const Op& op : l.ops)
      if (op.kind == OpKind::Attention) attention_flops += static_cast<double>(op.flops);
  const double fused = static_cast<double>(prefill.bytes_read + prefill.bytes_written);
  v["scores_per_layer"] = bytes(scores);
  v["softmax_layers"] = count(static_cast<double>(softmax_layers));
  v["scores_traffic"] = bytes(2 * scores * static_cast<double>(softmax_layers));
  v["prefill_bytes"] = bytes(fused);
  v["unfused_ratio"] =
      ratio(fused > 0 ? (fused + 2 * scores * static_cast<double>(softmax_layers)) / fused : 0);
  v["attention_flops_share"] = percent(attention_flops, static_cast<double>(prefill.flops));
}

void speculative_decoding(Variables& v, const Analysis& a) {
  const PlanTotals d = totals(a.decode);
  const double bytes_moved = static_cast<double>(d.bytes_read + d.bytes_written);
  v["decode_bytes"] = bytes(bytes_moved);
  v["decode_flops"] = flops(static_cast<double>(d.flops));
  v["intensity"] = number(bytes_moved > 0 ? static_cast<double>(d.flops) / bytes_moved : 0, 1);
  const double ridge = a.hardware && a.hardware->memory_bandwidth > 0
                           ? a.hardware->peak(a.options.activations) / a.hardware->memory_bandwidth
                           : 0;
  v["ridge"] = number(ridge, 0);
  v["memory_bound"] = flag(a.decode_roofline && a.decode_roofline->bound == Bound::Memory);
  v["decode_per_token"] = seconds(a.decode_roofline ? a.decode_roofline->per_token_s : 0);
  // Leviathan et al. 2023, eq. 1: with acceptance rate α and γ draft tokens a verification step
  // yields (1 − α^(γ+1)) / (1 − α) tokens on average.
  const double alpha = 0.7, gamma = 4;
  const double yield = (1 - std::pow(alpha, gamma + 1)) / (1 - alpha);
  v["expected_tokens"] = number(yield, 2);
  v["spec_per_token"] = seconds(a.decode_roofline ? a.decode_roofline->time_s / yield /
                                                        static_cast<double>(a.options.batch)
                                                  : 0);
}

void batching(Variables& v, const Analysis& a) {
  for (int64_t b : {1, 8, 64}) {
    const auto at = variant(a, {}, [b](AnalysisOptions& o) { o.batch = b; });
    const std::string k = std::to_string(b);
    const double step = at ? decode_step_s(*at) : 0;
    v["step_b" + k] = seconds(step);
    v["tps_b" + k] = number(step > 0 ? static_cast<double>(b) / step : 0, 0);
    v["kv_b" + k] = bytes(at ? static_cast<double>(at->kv.bytes_at_context) : 0);
  }
  v["speedup_b64"] = ratio(v["tps_b1"].number > 0 ? v["tps_b64"].number / v["tps_b1"].number : 0);
}

void lora(Variables& v, const Analysis& a, const ExplainParams& p) {
  // Targets by the plan's op names: the attention projections (as PEFT's default q/k/v/o), and
  // with all_linear the dense FFN's too. MLA's kv_b is absorbed into per-head products here.
  static const std::set<std::string> attention = {"q_proj",   "k_proj",   "v_proj",   "o_proj",
                                                  "q_a_proj", "q_b_proj", "kv_a_proj"};
  static const std::set<std::string> ffn = {"gate_proj", "up_proj", "down_proj"};
  const double r = static_cast<double>(std::max<int64_t>(1, p.lora_rank));
  double adapter = 0;
  int64_t modules = 0;
  for (const LayerPlan& l : a.decode.layers)
    for (const Op& op : l.ops) {
      if (op.kind != OpKind::Matmul || op.inputs.empty() || op.inputs[0].size() != 2 ||
          op.output.size() != 2)
        continue;
      if (!attention.count(op.name) && !(p.lora_all_linear && ffn.count(op.name))) continue;
      adapter += r * static_cast<double>(op.inputs[0][1] + op.output[1]);
      ++modules;
    }
  v["rank"] = count(r);
  v["all_linear"] = flag(p.lora_all_linear);
  v["modules"] = count(static_cast<double>(modules));
  v["adapter_params"] = params(adapter);
  v["adapter_bytes"] = bytes(adapter * 2);
  v["adapter_share"] = percent(adapter, static_cast<double>(a.params.total));
}

void pruning(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  const int64_t keep = c.n_layers - c.n_layers / 4;
  const auto fewer = variant(a, [keep](ModelConfig& m) {
    m.n_layers = keep;
    std::erase_if(m.moe.dense_layers, [keep](int64_t d) { return d >= keep; });
    m.moe.first_dense = std::min(m.moe.first_dense, keep);
  });
  v["kept_layers"] = count(static_cast<double>(keep));
  v["has_layer_cut"] = flag(fewer.has_value() && keep < c.n_layers);
  const auto f = [](const std::optional<Analysis>& x, auto get) {
    return x ? static_cast<double>(get(*x)) : 0.0;
  };
  v["cut_params"] = params(f(fewer, [](const Analysis& x) { return x.params.total; }));
  v["cut_kv"] = bytes(f(fewer, [](const Analysis& x) { return x.kv.bytes_per_token; }));
  v["cut_flops"] = flops(fewer ? fewer->flops.decode_per_token : 0);
  v["flops_decode"] = flops(a.flops.decode_per_token);
  const int64_t half = c.moe.experts / 2;
  const auto fewer_experts = variant(a, [half](ModelConfig& m) {
    m.moe.experts = half;
    m.moe.top_k = std::min(m.moe.top_k, half);
    if (m.moe.groups > 1 && half % m.moe.groups != 0) m.moe.groups = m.moe.top_groups = 1;
  });
  v["has_expert_cut"] = flag(c.moe.experts >= 2 && fewer_experts.has_value());
  v["half_experts"] = count(static_cast<double>(half));
  v["expert_cut_params"] =
      params(f(fewer_experts, [](const Analysis& x) { return x.params.total; }));
  v["expert_cut_active"] =
      params(f(fewer_experts, [](const Analysis& x) { return x.params.active; }));
  const int64_t kv_half = c.attention.kv_heads / 2;
  const auto fewer_heads =
      variant(a, [kv_half](ModelConfig& m) { m.attention.kv_heads = kv_half; });
  v["has_head_cut"] = flag(kv_half >= 1 && fewer_heads.has_value() &&
                           fewer_heads->kv.bytes_per_token != a.kv.bytes_per_token);
  v["half_kv_heads"] = count(static_cast<double>(kv_half));
  v["head_cut_kv"] = bytes(f(fewer_heads, [](const Analysis& x) { return x.kv.bytes_per_token; }));
  v["head_cut_params"] = params(f(fewer_heads, [](const Analysis& x) { return x.params.total; }));
}

void early_exit(Variables& v, const Analysis& a) {
  const size_t n = a.decode.layers.size(), exit = n / 2;
  double first = 0, all = 0;
  for (size_t i = 0; i < n; ++i) {
    const double f = static_cast<double>(totals(a.decode.layers[i].ops).flops);
    all += f;
    if (i < exit) first += f;
  }
  const double head =
      static_cast<double>(totals(a.decode.epilogue).flops + totals(a.decode.prologue).flops);
  const double batch = static_cast<double>(a.options.batch);
  v["exit_layer"] = count(static_cast<double>(exit));
  v["flops_full"] = flops((all + head) / batch);
  v["flops_exit"] = flops((first + head) / batch);
  v["exit_saving"] = percent(all - first, all + head);
  v["head_flops"] = flops(head / batch);
}

}  // namespace archscope::explain::detail
