#include "diagram/diagram_layout.hpp"

#include "diagram/diagram_diff.hpp"
#include "report/text_format.hpp"

namespace archscope::diagram {

namespace {

constexpr double kMargin = 16;
constexpr double kWidth = 600;  // block width
constexpr double kPad = 10;
constexpr double kGap = 18;     // between blocks, room for the arrow
constexpr double kIndent = 70;  // blocks inside a repeat group
constexpr Rgb kInk{0x22, 0x22, 0x22};
constexpr Rgb kMuted{0x5f, 0x63, 0x68};

double line_height(TextStyle s) {
  return font_size(s) + 5;
}

Rgb kind_fill(const Block& b) {
  if (b.kind != Block::Kind::Layers) return {0xee, 0xf2, 0xf7};
  switch (b.attention) {
    case AttentionKind::Full:
      return {0xe6, 0xef, 0xfa};
    case AttentionKind::Sliding:
      return {0xe7, 0xf5, 0xe6};
    case AttentionKind::Chunked:
      return {0xf1, 0xeb, 0xfa};
    case AttentionKind::Mla:
      return {0xfd, 0xef, 0xe2};
    case AttentionKind::Linear:
      return {0xe4, 0xf4, 0xf3};
  }
  return {0xff, 0xff, 0xff};
}

Rgb kind_stroke(const Block& b) {
  if (b.kind != Block::Kind::Layers) return {0x7a, 0x8c, 0xa5};
  switch (b.attention) {
    case AttentionKind::Full:
      return {0x4e, 0x79, 0xa7};
    case AttentionKind::Sliding:
      return {0x59, 0xa1, 0x4f};
    case AttentionKind::Chunked:
      return {0x8e, 0x6c, 0xb8};
    case AttentionKind::Mla:
      return {0xd9, 0x7a, 0x1e};
    case AttentionKind::Linear:
      return {0x49, 0x98, 0x94};
  }
  return kInk;
}

std::string figures_text(const Block& b) {
  const Figures& f = b.per_layer;
  std::string s;
  if (b.kind == Block::Kind::Layers) {
    s = params_text(f.params) + " params per layer";
    if (f.params_active != f.params) s += " (" + params_text(f.params_active) + " active)";
    s += " · KV held " + bytes_text(f.kv_bytes_held) + " per layer";
    if (b.count > 1) s += " · run: " + params_text(b.total.params);
  } else {
    s = params_text(f.params) + " params";
    if (f.params_active != f.params) s += " (" + params_text(f.params_active) + " active)";
  }
  return s;
}

std::string tooltip(const Block& b) {
  const Figures& t = b.total;
  return b.title + (b.layer_range.empty() ? "" : " (" + b.layer_range + ")") + "\nparameters " +
         text::grouped(t.params) + ", active " + text::grouped(t.params_active) +
         "\ndecode step FLOPs " + text::grouped(t.decode_flops) + "\nprefill FLOPs " +
         text::grouped(t.prefill_flops) + "\nKV held " + text::grouped(t.kv_bytes_held) + " B";
}

struct Placer {
  DiagramLayout& out;
  const std::set<std::string>& changed;
  double y = kMargin;

  void text(double x, double width, const std::string& s, TextStyle style, Rgb colour,
            bool is_changed = false) {
    y += line_height(style);
    out.texts.push_back({x, y - 5, width, s, style, is_changed, colour});
  }

  double block(const Block& b, const std::string& id, double x, double width) {
    const double top = y;
    const size_t box_index = out.boxes.size();
    const bool block_changed = changed.count(id) > 0;
    out.boxes.push_back(
        {x, top, width, 0, kind_fill(b), kind_stroke(b), block_changed, false, id, tooltip(b)});
    y += kPad - 4;
    const std::string title = b.layer_range.empty() ? b.title : b.title + "  " + b.layer_range;
    if (block_changed) {
      out.boxes.push_back({x + kPad - 3, y + 2, width - 2 * kPad + 6, line_height(TextStyle::Title),
                           changed_fill(), changed_fill(), true, false, "", ""});
    }
    text(x + kPad, width - 2 * kPad, title, TextStyle::Title, kInk, block_changed);
    for (const Line& l : b.lines) {
      const bool line_changed = changed.count(line_id(id, l.key)) > 0;
      if (line_changed) {
        out.boxes.push_back({x + kPad - 3, y + 2, width - 2 * kPad + 6,
                             line_height(TextStyle::Body), changed_fill(), changed_fill(), true,
                             false, "", ""});
      }
      text(x + kPad, width - 2 * kPad, l.text, TextStyle::Body, kInk, line_changed);
    }
    text(x + kPad, width - 2 * kPad, figures_text(b), TextStyle::Figure, kMuted);
    y += kPad;
    out.boxes[box_index].h = y - top;
    return y;
  }

  void arrow(double x) {
    out.arrows.push_back({x, y + 2, y + kGap - 2});
    y += kGap;
  }
};

}  // namespace

double font_size(TextStyle style) {
  switch (style) {
    case TextStyle::Heading:
      return 18;
    case TextStyle::Title:
      return 14;
    case TextStyle::Body:
      return 13;
    case TextStyle::Figure:
      return 12;
    case TextStyle::Badge:
      return 16;
  }
  return 13;
}

Rgb changed_fill() {
  return {0xff, 0xe9, 0x8a};
}
Rgb changed_stroke() {
  return {0xd0, 0x87, 0x00};
}

DiagramLayout layout_diagram(const BlockDiagram& d, const std::set<std::string>& changed) {
  DiagramLayout out;
  out.width = kMargin * 2 + kWidth;
  Placer p{out, changed};
  p.text(kMargin, kWidth, d.model, TextStyle::Heading, kInk);
  p.text(kMargin, kWidth,
         params_text(d.total.params) + " params (" + params_text(d.total.params_active) +
             " active) · KV held " + bytes_text(d.total.kv_bytes_held),
         TextStyle::Figure, kMuted);
  p.text(kMargin, kWidth, d.caption, TextStyle::Figure, kMuted);
  p.y += 8;
  const double mid = kMargin + kWidth / 2;
  p.block(d.embedding, "embedding", kMargin, kWidth);
  for (size_t i = 0; i < d.stack.size(); ++i) {
    p.arrow(mid);
    const StackItem& item = d.stack[i];
    if (item.repeat == 1 && item.blocks.size() == 1) {
      p.block(item.blocks.front(), block_id(i, 0), kMargin, kWidth);
      continue;
    }
    // A repeat group: a dashed frame, the repeat count on the left, one repetition inside.
    const double top = p.y;
    const size_t frame = out.boxes.size();
    out.boxes.push_back({kMargin,
                         top,
                         kWidth,
                         0,
                         {0xfa, 0xfa, 0xfa},
                         {0x88, 0x88, 0x88},
                         false,
                         true,
                         "",
                         "×" + std::to_string(item.repeat) + ": layers L" +
                             std::to_string(item.first_layer) + "–L" +
                             std::to_string(item.first_layer + item.layer_count - 1)});
    out.texts.push_back({kMargin + 8, top + 26, kIndent - 12, "×" + std::to_string(item.repeat),
                         TextStyle::Badge, false, kInk});
    out.texts.push_back({kMargin + 8, top + 42, kIndent - 12,
                         std::to_string(item.layer_count) + " layers", TextStyle::Figure, false,
                         kMuted});
    p.y += 8;
    for (size_t b = 0; b < item.blocks.size(); ++b) {
      if (b > 0) p.arrow(kMargin + kIndent + (kWidth - kIndent - 8) / 2);
      p.block(item.blocks[b], block_id(i, b), kMargin + kIndent, kWidth - kIndent - 8);
    }
    p.y += 8;
    out.boxes[frame].h = p.y - top;
  }
  p.arrow(mid);
  p.block(d.head, "head", kMargin, kWidth);
  out.height = p.y + kMargin;
  return out;
}

}  // namespace archscope::diagram
