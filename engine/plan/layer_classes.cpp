#include "plan/layer_classes.hpp"

#include <algorithm>
#include <map>

#include "common/error.hpp"

namespace archscope {

namespace {

// Everything about one op that costs time, in one comparable value.
using OpKey = std::tuple<std::string, int, int, std::vector<Shape>, Shape, uint64_t, uint64_t,
                         uint64_t, FlopCount, uint64_t, uint64_t, uint64_t, uint64_t, int>;

OpKey op_key(const Op& op) {
  return {op.name,
          static_cast<int>(op.kind),
          static_cast<int>(op.component),
          op.inputs,
          op.output,
          op.params,
          op.params_active,
          op.param_bytes,
          op.flops,
          op.bytes_read,
          op.bytes_written,
          op.kv_bytes_written,
          op.kv_bytes_held,
          static_cast<int>(op.compute)};
}

using SpecKey = std::tuple<int, int, int64_t, bool, bool>;

SpecKey spec_key(const LayerSpec& s) {
  return {static_cast<int>(s.attention), static_cast<int>(s.position), s.window, s.moe, s.qk_norm};
}

std::string label_of(const LayerSpec& s) {
  std::string a;
  switch (s.attention) {
    case AttentionKind::Full:
      a = "full attention";
      break;
    case AttentionKind::Sliding:
      a = "sliding attention (window " + std::to_string(s.window) + ")";
      break;
    case AttentionKind::Chunked:
      a = "chunked attention (chunk " + std::to_string(s.window) + ")";
      break;
    case AttentionKind::Mla:
      a = "MLA attention";
      break;
    case AttentionKind::Linear:
      a = "linear attention";
      break;
  }
  if (s.position == PositionKind::NoPe) a += ", NoPE";
  return a + (s.moe ? ", MoE FFN" : ", dense FFN");
}

}  // namespace

std::vector<LayerClass> layer_classes(const std::vector<const Plan*>& plans) {
  if (plans.empty()) throw Error(ErrorKind::Internal, "layer classes", "no plan");
  const size_t n = plans.front()->layers.size();
  for (const Plan* p : plans)
    if (p->layers.size() != n)
      throw Error(ErrorKind::Internal, "layer classes", "plans of different models");
  using Key = std::pair<SpecKey, std::vector<std::vector<OpKey>>>;
  std::map<Key, size_t> index;
  std::vector<LayerClass> classes;
  for (size_t i = 0; i < n; ++i) {
    const LayerSpec& spec = plans.front()->layers[i].spec;
    Key key{spec_key(spec), {}};
    for (const Plan* p : plans) {
      std::vector<OpKey> ops;
      for (const Op& op : p->layers[i].ops) ops.push_back(op_key(op));
      key.second.push_back(std::move(ops));
    }
    const auto [it, added] = index.emplace(std::move(key), classes.size());
    if (added) classes.push_back({label_of(spec), {}});
    classes[it->second].layers.push_back(spec.index);
  }
  // Two classes with one label (same spec, different work): tell them apart.
  std::map<std::string, int> seen;
  for (LayerClass& c : classes)
    if (int k = ++seen[c.label]; k > 1) c.label += " #" + std::to_string(k);
  return classes;
}

std::vector<LayerClass> layer_classes(const ModelConfig& config, const RunShape& shape) {
  PlanOptions prefill;
  prefill.phase = Phase::Prefill;
  prefill.batch = shape.batch;
  prefill.weights = shape.weights;
  prefill.kv = DType::F32;
  prefill.activations = DType::F32;
  prefill.logits_last_only = true;
  const int64_t chunk =
      shape.prefill_chunk > 0 ? std::min(shape.prefill_chunk, shape.prompt) : shape.prompt;
  prefill.tokens = shape.prompt - (shape.prompt - 1) / chunk * chunk;  // the last chunk
  prefill.prefill_offset = shape.prompt - prefill.tokens;
  PlanOptions decode = prefill;
  decode.phase = Phase::Decode;
  decode.tokens = 1;
  decode.prefill_offset = 0;
  decode.context = shape.prompt + shape.new_tokens - 1;
  const Plan a = build_plan(config, prefill), b = build_plan(config, decode);
  return layer_classes({&a, &b});
}

}  // namespace archscope
