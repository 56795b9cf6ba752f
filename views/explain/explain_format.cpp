#include "explain/explain_format.hpp"

#include <cmath>

#include "common/error.hpp"
#include "report/text_format.hpp"

namespace archscope::explain::detail {

namespace {
std::string trimmed_fixed(double v, int decimals) {
  std::string s = text::fixed(v, decimals);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}
}  // namespace

std::string bytes_text(double v) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int i = 0;
  while (std::fabs(v) >= 1024 && i < 5) {
    v /= 1024;
    ++i;
  }
  return trimmed_fixed(v, 1) + " " + units[i];
}

Value bytes(double v) {
  return {bytes_text(v), v > 0, v};
}
Value count(double v) {
  return {v < 0 ? "-" + text::grouped(static_cast<uint64_t>(std::llround(-v)))
                : text::grouped(static_cast<uint64_t>(std::llround(v))),
          v != 0, v};
}
Value params(double v) {
  return {text::params_short(static_cast<uint64_t>(std::llround(std::max(0.0, v)))), v > 0, v};
}
Value ratio(double v) {
  return {trimmed_fixed(v, v >= 10 ? 0 : 1) + "×", v > 0, v};
}
Value percent(double part, double whole) {
  const double p = whole > 0 ? 100 * part / whole : 0;
  return {trimmed_fixed(p, p >= 10 ? 0 : p >= 1 ? 1 : 2) + "%", p > 0, p};
}
Value seconds(double v) {
  return {text::duration(v), v > 0, v};
}
Value flops(double v) {
  return {text::si(v, "FLOP"), v > 0, v};
}
Value number(double v, int decimals) {
  return {trimmed_fixed(v, decimals), v != 0, v};
}
Value text(const std::string& s) {
  return {s, !s.empty(), 0};
}
Value flag(bool b) {
  return {b ? "yes" : "no", b, b ? 1.0 : 0.0};
}

std::optional<Analysis> variant(const Analysis& base, const std::function<void(ModelConfig&)>& edit,
                                const std::function<void(AnalysisOptions&)>& edit_options) {
  ModelConfig c = *base.config;
  AnalysisOptions o = base.options;
  if (edit) edit(c);
  if (edit_options) edit_options(o);
  try {
    validate(c);
    return summarize(c, o, base.hardware);
  } catch (const Error&) {
    return std::nullopt;
  }
}

void add_common(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  v["model"] = text(c.name.empty() ? "this model" : c.name);
  v["layers"] = count(static_cast<double>(c.n_layers));
  v["d_model"] = count(static_cast<double>(c.d_model));
  v["params_total"] = params(static_cast<double>(a.params.total));
  v["params_active"] = params(static_cast<double>(a.params.active));
  v["context"] = count(static_cast<double>(a.options.context));
  v["batch"] = count(static_cast<double>(a.options.batch));
  v["kv_dtype"] = text(to_string(a.options.kv));
  v["weights_dtype"] = text(to_string(a.options.weights));
  v["kv_per_token"] = bytes(static_cast<double>(a.kv.bytes_per_token));
  v["kv_at_context"] = bytes(static_cast<double>(a.kv.bytes_at_context));
  v["weights_bytes"] = bytes(static_cast<double>(a.weights_bytes));
  v["has_hardware"] = flag(a.hardware.has_value());
  v["hardware"] = text(a.hardware ? a.hardware->name : "");
  v["is_moe"] = flag(c.moe.experts > 0);
}

uint64_t component_params(const Analysis& a, Component c) {
  return a.components[static_cast<size_t>(c)].params;
}

int64_t count_layers(const Analysis& a, const std::function<bool(const LayerSpec&)>& pred) {
  int64_t n = 0;
  for (const LayerPlan& l : a.decode.layers) n += pred(l.spec) ? 1 : 0;
  return n;
}

}  // namespace archscope::explain::detail
