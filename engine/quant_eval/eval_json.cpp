#include "quant_eval/eval_json.hpp"

#include <cmath>

namespace archscope::quant_eval {

namespace {
nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}
nlohmann::json optional_json(const std::optional<double>& v) {
  return v ? finite_or_null(*v) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json to_json(const quant::EvalResult& r) {
  nlohmann::json j;
  j["model"] = r.model;
  j["tokens"] = r.tokens;
  j["source_dtype"] = r.source_dtype;
  j["source_bytes"] = r.source_bytes;
  j["source_perplexity"] = optional_json(r.source_perplexity);
  j["schemes"] = nlohmann::json::array();
  for (const quant::SchemeResult& s : r.schemes) {
    nlohmann::json js{{"scheme", s.scheme},
                      {"bits_per_weight", s.bits_per_weight},
                      {"quantized_bytes", s.quantized_bytes},
                      {"total_bytes", s.total_bytes},
                      {"kl_mean", s.kl_mean},
                      {"kl_max", s.kl_max},
                      {"kl_max_position", s.kl_max_position},
                      {"top1_agreement", s.top1_agreement},
                      {"perplexity", optional_json(s.perplexity)},
                      {"layer_rel_l2", s.layer_rel_l2}};
    js["kind"] = quant::is_kv_scheme(s) ? "kv" : "weights";
    if (quant::is_kv_scheme(s)) {  // eval_result.hpp: the same fields, read for a KV cache
      js["kv_dtype"] = s.scheme.substr(std::string(quant::kKvSchemePrefix).size());
      js["bits_per_element"] = s.bits_per_weight;
      js["kv_bytes"] = s.quantized_bytes;
      nlohmann::json db = nlohmann::json::array();
      for (double v : quant::layer_sqnr_db(s, r.layers())) db.push_back(finite_or_null(v));
      js["layer_kv_sqnr_db"] = std::move(db);
    }
    js["tensors"] = nlohmann::json::array();
    for (const quant::TensorError& t : s.tensors)
      js["tensors"].push_back({{"name", t.name},
                               {"layer", t.layer},
                               {"elements", t.elements},
                               {"sqnr_db", finite_or_null(t.sqnr_db())}});
    j["schemes"].push_back(std::move(js));
  }
  j["outliers"] = nlohmann::json::array();
  for (const quant::ActivationOutlier& o : r.outliers)
    j["outliers"].push_back({{"layer", o.layer},
                             {"op", o.op},
                             {"channels", o.channels},
                             {"absmax", o.absmax},
                             {"median_absmax", o.median_absmax},
                             {"ratio", o.ratio()}});
  return j;
}

}  // namespace archscope::quant_eval
