#include "diagram/block_diagram.hpp"

#include <cctype>

#include "report/text_format.hpp"

namespace archscope::diagram {

namespace {

void add(Figures& f, const Op& op, bool prefill) {
  if (prefill) {
    f.prefill_flops += static_cast<uint64_t>(op.flops);
    f.kv_bytes_held += op.kv_bytes_held;
  } else {
    f.params += op.params;
    f.params_active += op.params_active;
    f.decode_flops += static_cast<uint64_t>(op.flops);
  }
}

Figures sum(const std::vector<Op>& decode, const std::vector<Op>& prefill) {
  Figures f;
  for (const Op& op : decode) add(f, op, false);
  for (const Op& op : prefill) add(f, op, true);
  return f;
}

Figures& operator+=(Figures& a, const Figures& b) {
  a.params += b.params;
  a.params_active += b.params_active;
  a.decode_flops += b.decode_flops;
  a.prefill_flops += b.prefill_flops;
  a.kv_bytes_held += b.kv_bytes_held;
  return a;
}

Figures times(Figures f, int64_t k) {
  const auto n = static_cast<uint64_t>(k);
  return {f.params * n, f.params_active * n, f.decode_flops * n, f.prefill_flops * n,
          f.kv_bytes_held * n};
}

// Layers collapse into one run when they read the same and cost the same.
struct LayerKey {
  std::vector<Line> lines;
  Figures figures;
  bool same(const LayerKey& o) const {
    if (!(figures == o.figures) || lines.size() != o.lines.size()) return false;
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i].key != o.lines[i].key || lines[i].text != o.lines[i].text) return false;
    return true;
  }
};

std::string kind_word(AttentionKind k) {
  switch (k) {
    case AttentionKind::Full:
      return "full-attention";
    case AttentionKind::Sliding:
      return "sliding-window";
    case AttentionKind::Chunked:
      return "chunked";
    case AttentionKind::Mla:
      return "MLA";
    case AttentionKind::Linear:
      return "linear-attention";
  }
  return "";
}

std::string range_text(int64_t first, int64_t count) {
  return count == 1 ? "L" + std::to_string(first)
                    : "L" + std::to_string(first) + "–L" + std::to_string(first + count - 1);
}

Block layer_run(const LayerPlan& layer, const LayerKey& key, int64_t count) {
  Block b;
  b.kind = Block::Kind::Layers;
  b.first_layer = layer.spec.index;
  b.count = count;
  b.attention = layer.spec.attention;
  b.moe = layer.spec.moe;
  b.lines = key.lines;
  b.per_layer = key.figures;
  b.total = times(key.figures, count);
  b.layer_range = range_text(b.first_layer, count);
  const std::string what = kind_word(b.attention) + (b.moe ? " MoE" : " dense");
  b.title = count == 1 ? what + " layer" : "×" + std::to_string(count) + " " + what + " layers";
  b.title[0] = count == 1 ? static_cast<char>(std::toupper(static_cast<unsigned char>(b.title[0])))
                          : b.title[0];
  return b;
}

bool same_run(const Block& a, const Block& b) {
  if (a.count != b.count || !(a.per_layer == b.per_layer) || a.lines.size() != b.lines.size())
    return false;
  for (size_t i = 0; i < a.lines.size(); ++i)
    if (a.lines[i].text != b.lines[i].text) return false;
  return true;
}

// Folds runs into repeating groups: at each run, the unit of up to 8 runs that repeats over the
// most layers (at least twice) becomes one item; otherwise the run stands alone.
std::vector<StackItem> fold(const std::vector<Block>& runs) {
  std::vector<StackItem> items;
  size_t i = 0;
  while (i < runs.size()) {
    size_t best_unit = 1, best_repeat = 1;
    int64_t best_layers = runs[i].count;
    for (size_t unit = 2; unit <= 8 && i + unit * 2 <= runs.size(); ++unit) {
      size_t repeat = 1;
      while (i + unit * (repeat + 1) <= runs.size()) {
        bool same = true;
        for (size_t k = 0; k < unit && same; ++k)
          same = same_run(runs[i + k], runs[i + unit * repeat + k]);
        if (!same) break;
        ++repeat;
      }
      if (repeat < 2) continue;
      int64_t layers = 0;
      for (size_t k = 0; k < unit; ++k) layers += runs[i + k].count;
      layers *= static_cast<int64_t>(repeat);
      if (layers > best_layers) {
        best_layers = layers;
        best_unit = unit;
        best_repeat = repeat;
      }
    }
    StackItem item;
    item.repeat = static_cast<int64_t>(best_repeat);
    item.first_layer = runs[i].first_layer;
    item.layer_count = best_layers;
    for (size_t k = 0; k < best_unit; ++k) {
      item.blocks.push_back(runs[i + k]);
      item.total += times(runs[i + k].total, item.repeat);
    }
    items.push_back(std::move(item));
    i += best_unit * best_repeat;
  }
  return items;
}

}  // namespace

BlockDiagram build_diagram(const Analysis& a) {
  const ModelConfig& c = *a.config;
  BlockDiagram d;
  d.model = c.name;
  d.caption = "context " + text::grouped(static_cast<uint64_t>(a.options.context)) + " · batch " +
              std::to_string(a.options.batch) + " · weights " + to_string(a.options.weights) +
              " · KV " + to_string(a.options.kv);

  d.embedding.kind = Block::Kind::Embedding;
  d.embedding.title = "Embedding";
  d.embedding.lines.push_back(
      {"embedding", "token embedding " + text::grouped(static_cast<uint64_t>(c.vocab_size)) +
                        " × " + text::grouped(static_cast<uint64_t>(c.d_model))});
  if (c.embedding_scale != 1.0)
    d.embedding.lines.push_back(
        {"embedding_scale", "scaled ×" + text::fixed(c.embedding_scale, 2)});
  for (const auto& layer : expand_layers(c))
    if (layer.position == PositionKind::Learned) {
      d.embedding.lines.push_back(
          {"positions", "learned positions " + text::grouped(static_cast<uint64_t>(c.max_context)) +
                            " × " + text::grouped(static_cast<uint64_t>(c.d_model))});
      break;
    }
  d.embedding.per_layer = d.embedding.total = sum(a.decode.prologue, a.prefill.prologue);

  std::vector<Block> runs;
  for (size_t i = 0; i < a.decode.layers.size();) {
    const LayerPlan& layer = a.decode.layers[i];
    const LayerKey key{layer_lines(c, layer.spec), sum(layer.ops, a.prefill.layers[i].ops)};
    size_t j = i + 1;
    while (j < a.decode.layers.size()) {
      const LayerKey next{layer_lines(c, a.decode.layers[j].spec),
                          sum(a.decode.layers[j].ops, a.prefill.layers[j].ops)};
      if (!next.same(key)) break;
      ++j;
    }
    runs.push_back(layer_run(layer, key, static_cast<int64_t>(j - i)));
    i = j;
  }
  d.stack = fold(runs);

  d.head.kind = Block::Kind::Head;
  d.head.title = "Head";
  d.head.lines.push_back({"final_norm", "final norm"});
  d.head.lines.push_back(
      {"lm_head", c.tied_embeddings
                      ? "LM head tied to the embedding"
                      : "LM head " + text::grouped(static_cast<uint64_t>(c.d_model)) + " × " +
                            text::grouped(static_cast<uint64_t>(c.vocab_size))});
  if (c.final_softcap > 0)
    d.head.lines.push_back({"final_softcap", "logit soft-cap " + text::fixed(c.final_softcap, 1)});
  if (c.mtp_layers > 0)
    d.head.lines.push_back({"mtp", std::to_string(c.mtp_layers) + " MTP module(s), not counted"});
  d.head.per_layer = d.head.total = sum(a.decode.epilogue, a.prefill.epilogue);

  d.total = d.embedding.total;
  for (const StackItem& item : d.stack) d.total += item.total;
  d.total += d.head.total;
  return d;
}

}  // namespace archscope::diagram
