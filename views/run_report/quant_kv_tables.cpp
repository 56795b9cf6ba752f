// The report's tables of KV-cache quantization (quant --kv-dtypes): one row per KV dtype with its
// storage and logit figures, then per layer the KV SQNR over every cached K and V and the
// residual stream's relative L2 error against the source run.
#include <string>

#include "run_report/quant_section.hpp"

namespace archscope::views {


quant::EvalResult weight_schemes(const quant::EvalResult& r) {
  quant::EvalResult w = r;
  w.schemes.clear();
  for (const quant::SchemeResult& s : r.schemes)
    if (!quant::is_kv_scheme(s)) w.schemes.push_back(s);
  return w;
}

std::vector<TableData> quant_kv_tables(const quant::EvalResult& r) {
  std::vector<const quant::SchemeResult*> kv;
  for (const quant::SchemeResult& s : r.schemes)
    if (quant::is_kv_scheme(s)) kv.push_back(&s);
  if (kv.empty()) return {};
  std::vector<TableData> out;
  TableData t;
  t.caption =
      "KV-cache quantization: the source weights with each cache dtype (one fp32 scale per token "
      "and KV "
      "head for K and for V), " +
      std::to_string(r.tokens) + " tokens teacher forced";
  t.header = {"KV dtype", "bits / element",  "KV bytes",  "mean KL",
              "max KL",   "top-1 agreement", "perplexity"};
  for (const quant::SchemeResult* q : kv)
    t.rows.push_back({q->scheme.substr(std::string(quant::kKvSchemePrefix).size()),
                      quant_number("%.4f", q->bits_per_weight), std::to_string(q->quantized_bytes),
                      quant_number("%.4g", q->kl_mean), quant_number("%.4g", q->kl_max),
                      quant_number("%.2f%%", 100 * q->top1_agreement),
                      q->perplexity ? quant_number("%.4f", *q->perplexity) : "-"});
  out.push_back(std::move(t));

  const int64_t L = r.layers();
  TableData l;
  l.caption =
      "Per layer: KV SQNR over every cached K and V (dB) / residual stream relative L2 error";
  l.header = {"layer"};
  std::vector<std::vector<double>> db;
  for (const quant::SchemeResult* q : kv) {
    l.header.push_back(q->scheme);
    db.push_back(quant::layer_sqnr_db(*q, L));
  }
  for (int64_t i = 0; i < L; ++i) {
    std::vector<std::string> row{std::to_string(i)};
    for (size_t k = 0; k < kv.size(); ++k) {
      const auto& e = kv[k]->layer_rel_l2;
      row.push_back(sqnr_db_cell(db[k][static_cast<size_t>(i)]) + " / " +
                    (static_cast<size_t>(i) < e.size() ? quant_number("%.3g", e[static_cast<size_t>(i)])
                                                       : std::string("-")));
    }
    l.rows.push_back(std::move(row));
  }
  out.push_back(std::move(l));
  return out;
}

}  // namespace archscope::views
