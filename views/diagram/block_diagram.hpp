// The block diagram of a configuration, as plain data: embedding, the layer stack with runs of
// identical layers collapsed ("×58 MoE layers") and repeating groups folded ("×10 [5 sliding +
// 1 full]"), and the head. Every block carries its descriptive lines (attention kind and heads,
// window, positions, norms, FFN or MoE) and its figures, summed over the analysis' plans, so the
// diagram's numbers are the analysis' numbers. Drawn by the SVG writer and the studio's painter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/analysis.hpp"

namespace archscope::diagram {

// One descriptive line; `key` identifies the line across configurations so a diff can compare
// "attention" with "attention" ("attention", "position", "qk", "norm", "ffn", "router", ...).
struct Line {
  std::string key;
  std::string text;
};

// Figures summed over the block's ops in the analysis' plans.
struct Figures {
  uint64_t params = 0;  // decode plan (parameters do not depend on the phase)
  uint64_t params_active = 0;
  uint64_t decode_flops = 0;  // one decode step at the analysis' context and batch
  uint64_t prefill_flops = 0;
  uint64_t kv_bytes_held = 0;  // after the prefill of `context` tokens × batch
  bool operator==(const Figures&) const = default;
};

struct Block {
  enum class Kind { Embedding, Layers, Head };
  Kind kind = Kind::Layers;
  std::string title;        // "×58 MoE layers", "Layer 61", "Embedding", "Head"
  std::string layer_range;  // "L3–L60" ("" outside the stack)
  int64_t first_layer = 0;
  int64_t count = 0;  // layers in the run (Layers)
  AttentionKind attention = AttentionKind::Full;
  bool moe = false;
  std::vector<Line> lines;
  Figures per_layer;  // one layer of the run (== total outside the stack)
  Figures total;      // the whole run
};

// A run, or a group of runs that repeats `repeat` times (the blocks describe one repetition).
struct StackItem {
  int64_t repeat = 1;
  std::vector<Block> blocks;
  int64_t first_layer = 0;
  int64_t layer_count = 0;  // over all repetitions
  Figures total;            // over all repetitions
};

struct BlockDiagram {
  std::string model;
  std::string caption;  // "context 4,096 · batch 1 · weights bf16 · KV bf16"
  Block embedding;
  std::vector<StackItem> stack;
  Block head;
  Figures total;  // == the analysis' totals
};

BlockDiagram build_diagram(const Analysis& analysis);

// The descriptive lines of one layer of `config` with spec `layer` (also used by the diff).
std::vector<Line> layer_lines(const ModelConfig& config, const LayerSpec& layer);

// Short figure texts: "1.23B", "70.31 KiB".
std::string params_text(uint64_t v);
std::string bytes_text(uint64_t v);

}  // namespace archscope::diagram
