#include "report/analyze_memory_text.hpp"

#include "report/text_format.hpp"

namespace archscope {

namespace {

std::string bytes(uint64_t b) {
  return text::binary_bytes(static_cast<double>(b)) + " (" + text::grouped(b) + " B)";
}

}  // namespace

void render_memory_text(std::ostream& out, const Analysis& a) {
  const MemoryFit& m = a.memory;
  out << "  Memory: " << bytes(m.required_bytes) << " needed\n";
  out << "    weights " << text::binary_bytes(static_cast<double>(m.weights_bytes))
      << " + KV cache at context " << text::binary_bytes(static_cast<double>(m.kv_bytes))
      << " + activations " << text::binary_bytes(static_cast<double>(m.activation_bytes)) << "\n";
  out << "    activations: one step's largest live set (prefill of "
      << text::grouped(static_cast<uint64_t>(a.options.context)) << " tokens "
      << text::binary_bytes(static_cast<double>(m.activation_bytes_prefill)) << ", decode "
      << text::binary_bytes(static_cast<double>(m.activation_bytes_decode)) << ")\n";
  if (!a.hardware) {
    out << "    no hardware profile (--hardware) to compare with\n\n";
    return;
  }
  const std::string& device = a.hardware->name;
  if (!m.device_bytes) {
    out << "    " << device << " states no memory size: fit unknown\n\n";
    return;
  }
  const std::string capacity = text::binary_bytes(static_cast<double>(*m.device_bytes));
  if (m.fits) {
    out << "    fits on one " << device << " (" << capacity << ")\n\n";
  } else if (m.min_devices) {
    out << "    does not fit: needs " << *m.min_devices << " × " << device << " (" << capacity
        << " each; weights and KV cache split evenly, activations on every device)\n\n";
  } else {
    out << "    does not fit on any number of " << device
        << ": one step's activations alone exceed its " << capacity
        << " (a chunked prefill or a smaller batch needs less)\n\n";
  }
}

void render_kv_growth_note(std::ostream& out, const Analysis& a) {
  if (a.kv.bytes_per_token_steady == a.kv.bytes_per_token) return;
  out << "  KV cache per token: the first "
      << text::grouped(static_cast<uint64_t>(a.kv.steady_after_tokens)) << " tokens add "
      << text::binary_bytes(static_cast<double>(a.kv.bytes_per_token))
      << " each (every layer stores them);\n  past the sliding windows / chunks only the "
         "full-attention layers grow: "
      << text::binary_bytes(static_cast<double>(a.kv.bytes_per_token_steady)) << " per token\n\n";
}

void render_warnings(std::ostream& out, const Analysis& a) {
  for (const std::string& w : a.warnings) out << "  warning: " << w << "\n";
  if (!a.warnings.empty()) out << "\n";
}

}  // namespace archscope
