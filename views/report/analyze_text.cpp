#include "report/analyze_text.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "quant/held_bits.hpp"
#include "report/analyze_memory_text.hpp"
#include "report/text_format.hpp"

namespace archscope {

namespace {

using text::binary_bytes;
using text::duration;
using text::fixed;
using text::grouped;
using text::params_short;
using text::percent;
using text::si;
using text::Table;

// The scheme's own bits per weight (issue 12's definitions: int4-g128 4.156, ...) on a 128 x
// 16384 matrix (whole blocks), which analyze counts, with what a packed run holds beside it where
// the layout holds more (quant/held_bits.hpp: int4-g128 4.25, fp8-e4m3-block128 8.25).
std::string count_text(quant::Format f) {
  constexpr int64_t N = 128, K = 16384;
  const double n = static_cast<double>(N * K);
  const double held = static_cast<double>(quant::held_bits(f, N, K)) / n;
  const double counted = static_cast<double>(quant::storage_bits(f, N, K)) / n;
  char buf[160];
  if (held == counted)
    std::snprintf(buf, sizeof buf, "%.4f bits/weight", counted);
  else
    std::snprintf(buf, sizeof buf, "%.4f bits/weight; a packed run holds %.4f", counted, held);
  return buf;
}

void header(std::ostream& out, const Analysis& a) {
  const ModelConfig& c = *a.config;
  const AnalysisOptions& o = a.options;
  out << "archscope analyze: " << c.name;
  if (!c.family.empty()) out << " (" << c.family << ")";
  out << "\n  weights " << to_string(o.weights) << ", KV cache " << to_string(o.kv)
      << ", activations " << to_string(o.activations);
  if (dtype_is_quantized(o.weights) && o.quant_group_size > 0) {
    out << " (scales per " << o.quant_group_size << " weights)";
  }
  if (o.weights_quant && o.weights_quant_scope == QuantScope::RoutedExperts) {
    out << "\n  routed experts " << quant::to_string(*o.weights_quant)
        << " (exact storage with scales; attention, router, embeddings, LM head and norms at " << to_string(o.weights)
        << ")";
  } else if (o.weights_quant) {
    out << "\n  block linear weights " << quant::to_string(*o.weights_quant)
        << " (the format's exact storage with scales, " << count_text(*o.weights_quant)
        << "; router, embeddings, LM head and norms at " << to_string(o.weights) << ")";
  }
  out << "\n  context " << grouped(static_cast<uint64_t>(o.context)) << " tokens, batch "
      << o.batch << "\n  hardware ";
  if (a.hardware) {
    out << a.hardware->name;
    if (!a.hardware->description.empty()) out << " (" << a.hardware->description << ")";
  } else {
    out << "none (no roofline estimate)";
  }
  out << "\n\n";
}

void totals(std::ostream& out, const Analysis& a) {
  const auto& p = a.params;
  const auto count = params_short;
  Table t({"Totals", "", "exact"}, "lrr");
  t.add({"parameters, total", count(p.total), grouped(p.total)});
  t.add({"parameters, active per token", count(p.active), grouped(p.active)});
  t.add({"active without input embedding", count(p.active_without_input_embedding),
         grouped(p.active_without_input_embedding)});
  t.add({"non-embedding parameters", count(p.non_embedding), grouped(p.non_embedding)});
  t.add({"embedding parameters", count(p.embedding), grouped(p.embedding)});
  t.add({"weights", binary_bytes(static_cast<double>(a.weights_bytes)),
         grouped(a.weights_bytes) + " B"});
  const bool windowed = a.kv.steady_after_tokens > 0;  // the growth changes once windows fill
  t.add({windowed ? "KV cache per token, first tokens" : "KV cache per token",
         binary_bytes(static_cast<double>(a.kv.bytes_per_token)), grouped(a.kv.bytes_per_token) + " B"});
  if (windowed)
    t.add({"KV cache per token, windows full", binary_bytes(static_cast<double>(a.kv.bytes_per_token_steady)),
           grouped(a.kv.bytes_per_token_steady) + " B"});
  t.add({"KV cache at context", binary_bytes(static_cast<double>(a.kv.bytes_at_context)),
         grouped(a.kv.bytes_at_context) + " B"});
  t.add({"FLOPs per token, prefill", si(a.flops.prefill_per_token, "FLOP"),
         grouped(static_cast<uint64_t>(std::llround(a.flops.prefill_per_token)))});
  t.add({"FLOPs per token, decode", si(a.flops.decode_per_token, "FLOP"),
         grouped(static_cast<uint64_t>(std::llround(a.flops.decode_per_token)))});
  t.render(out, "  ");
  out << '\n';
  render_kv_growth_note(out, a);
}

void components(std::ostream& out, const Analysis& a) {
  Table t({"Component", "params", "share", "active", "decode FLOPs", "prefill FLOPs"}, "lrrrrr");
  for (int i = 0; i < kComponentCount; ++i) {
    const ComponentFigures& f = a.components[static_cast<size_t>(i)];
    t.add({to_string(static_cast<Component>(i)), grouped(f.params), percent(f.params, a.params.total),
           grouped(f.params_active), si(static_cast<double>(f.decode_flops), "FLOP"),
           si(static_cast<double>(f.prefill_flops), "FLOP")});
  }
  t.render(out, "  ");
  out << '\n';
}

void layers(std::ostream& out, const Analysis& a) {
  const bool hw = a.hardware.has_value();
  std::vector<std::string> head = {"Layer", "attention", "position", "ffn",  "params",
                                   "decode FLOPs", "decode bytes", "KV at context"};
  if (hw) head.push_back("decode roofline");
  Table t(head, "llllrrrrr");
  for (size_t i = 0; i < a.decode.layers.size(); ++i) {
    const LayerPlan& layer = a.decode.layers[i];
    const PlanTotals d = totals(layer.ops);
    const PlanTotals p = totals(a.prefill.layers[i].ops);
    std::string attention = to_string(layer.spec.attention);
    if (layer.spec.window > 0) {  // appended piecewise: GCC 12 raises a false -Wrestrict on " " + s
      attention += ' ';
      attention += std::to_string(layer.spec.window);
    }
    // Linear-attention layers take no positional signal, whatever the position pattern says.
    const bool linear = layer.spec.attention == AttentionKind::Linear;
    std::vector<std::string> row = {std::to_string(layer.spec.index), attention,
                                    linear ? "-" : to_string(layer.spec.position),
                                    layer.spec.moe ? "moe" : "dense",
                                    grouped(d.params),
                                    si(static_cast<double>(d.flops), "FLOP"),
                                    binary_bytes(static_cast<double>(d.bytes_read + d.bytes_written)),
                                    binary_bytes(static_cast<double>(p.kv_bytes_held))};
    if (hw) {
      double s = 0;
      for (const Op& op : layer.ops) s += roofline(op, *a.hardware).time_s;
      row.push_back(duration(s));
    }
    t.add(std::move(row));
  }
  out << "  Per layer: decode step at context " << grouped(static_cast<uint64_t>(a.options.context))
      << "; KV held after the prefill\n";
  t.render(out, "  ");
  out << '\n';
}

void roofline_section(std::ostream& out, const Analysis& a) {
  if (!a.hardware || !a.prefill_roofline || !a.decode_roofline) return;
  const HardwareProfile& hw = *a.hardware;
  // The peak the activation-dtype ops actually get: a device without bf16 units falls back.
  const DType act = effective_compute_dtype(hw, a.options.activations);
  out << "  Roofline on " << hw.name << ": " << fixed(hw.memory_bandwidth / 1e9, 0) << " GB/s, "
      << to_string(act) << " " << si(hw.peak(act), "FLOP/s")
      << (act != a.options.activations
              ? std::string(" (") + to_string(a.options.activations) + " runs at " + to_string(act) + ")"
              : std::string())
      << "; per op max(FLOPs / peak, bytes / bandwidth), summed\n";
  Table t({"Phase", "per token", "total", "compute", "memory", "bound", "tokens/s"}, "lrrrrlr");
  const auto row = [&](const char* name, const PlanRoofline& r) {
    t.add({name, duration(r.per_token_s), duration(r.time_s), duration(r.compute_s),
           duration(r.memory_s), to_string(r.bound),
           r.per_token_s > 0 ? si(1.0 / r.per_token_s, "") : "-"});
  };
  row("prefill", *a.prefill_roofline);
  row("decode", *a.decode_roofline);
  t.render(out, "  ");
}

}  // namespace

std::string render_analyze_text(const Analysis& a) {
  std::ostringstream out;
  header(out, a);
  render_warnings(out, a);
  totals(out, a);
  render_memory_text(out, a);
  components(out, a);
  layers(out, a);
  roofline_section(out, a);
  return out.str();
}

}  // namespace archscope
