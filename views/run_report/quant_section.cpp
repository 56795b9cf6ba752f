#include "run_report/quant_section.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "charts/quant_charts.hpp"
#include "svg/chart_svg.hpp"

namespace archscope::views {

std::string quant_number(const char* printf_format, double v) {
  char b[48];
  std::snprintf(b, sizeof b, printf_format, v);
  return b;
}

std::string sqnr_db_cell(double db) {
  if (std::isnan(db)) return "-";
  if (std::isinf(db)) return "exact";
  return quant_number("%.1f", db);
}


std::vector<TableData> quant_tables(const quant::EvalResult& all) {
  std::vector<TableData> out;
  const quant::EvalResult r = weight_schemes(all);  // KV dtypes get tables of their own
  if (r.schemes.empty()) {
    for (TableData& t : quant_kv_tables(all)) out.push_back(std::move(t));
  }
  TableData s;
  s.caption =
      "Quantization: " + std::to_string(r.tokens) + " tokens teacher forced against the " +
      r.source_dtype + " source" +
      (r.source_perplexity ? " (perplexity " + quant_number("%.4f", *r.source_perplexity) + ")" : "");
  s.header = {"scheme", "bits / weight",   "total bytes", "mean KL",
              "max KL", "top-1 agreement", "perplexity"};
  for (const quant::SchemeResult& q : r.schemes)
    s.rows.push_back({q.scheme, quant_number("%.4f", q.bits_per_weight), std::to_string(q.total_bytes),
                      quant_number("%.4g", q.kl_mean), quant_number("%.4g", q.kl_max),
                      quant_number("%.2f%%", 100 * q.top1_agreement),
                      q.perplexity ? quant_number("%.4f", *q.perplexity) : "-"});
  if (!r.schemes.empty()) out.push_back(std::move(s));

  const int64_t L = r.layers();
  TableData l;
  l.caption =
      "Per layer: weight SQNR of the layer's quantized tensors (dB) / residual stream relative L2 "
      "error";
  l.header = {"layer"};
  for (const quant::SchemeResult& q : r.schemes) l.header.push_back(q.scheme);
  std::vector<std::vector<double>> db;
  for (const quant::SchemeResult& q : r.schemes) db.push_back(quant::layer_sqnr_db(q, L));
  for (int64_t i = 0; i < L; ++i) {
    std::vector<std::string> row{std::to_string(i)};
    for (size_t k = 0; k < r.schemes.size(); ++k) {
      const auto& e = r.schemes[k].layer_rel_l2;
      row.push_back(sqnr_db_cell(db[k][static_cast<size_t>(i)]) + " / " +
                    (static_cast<size_t>(i) < e.size() ? quant_number("%.3g", e[static_cast<size_t>(i)])
                                                       : std::string("-")));
    }
    l.rows.push_back(std::move(row));
  }
  if (!r.schemes.empty()) {
    out.push_back(std::move(l));
    for (TableData& t : quant_kv_tables(all)) out.push_back(std::move(t));
  }

  if (!r.outliers.empty()) {
    TableData o;
    o.caption =
        "Activation outliers of the source run: per layer, the linear input whose largest channel "
        "stands "
        "out most from its median channel";
    o.header = {"layer", "op", "channels", "absmax", "median channel absmax", "ratio"};
    o.align = "llrrrr";
    int64_t layer = -1;
    const quant::ActivationOutlier* worst = nullptr;
    auto flush = [&] {
      if (worst)
        o.rows.push_back({std::to_string(worst->layer), worst->op, std::to_string(worst->channels),
                          quant_number("%.4g", worst->absmax), quant_number("%.4g", worst->median_absmax),
                          quant_number("%.1f", worst->ratio())});
    };
    for (const quant::ActivationOutlier& a : r.outliers) {
      if (a.layer != layer) {
        flush();
        layer = a.layer;
        worst = &a;
      } else if (a.ratio() > worst->ratio()) {
        worst = &a;
      }
    }
    flush();
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<Figure> quant_figures(const quant::EvalResult& all) {
  const quant::EvalResult r = weight_schemes(all);  // bits per weight: the weight schemes only
  std::vector<Figure> f;
  if (r.schemes.empty()) return f;
  f.push_back(
      {"quant-pareto",
       "Mean KL divergence of the logits against bits per weight; the dashed line joins the "
       "schemes no other one beats on both",
       svg::to_svg(charts::quant_pareto_chart(r))});
  f.push_back({"quant-depth",
               "Relative L2 error of the residual stream after each layer: how the error grows "
               "through depth",
               svg::to_svg(charts::quant_depth_chart(r))});
  f.push_back(
      {"quant-sqnr", "Weight SQNR per layer and scheme", svg::to_svg(charts::quant_sqnr_chart(r))});
  return f;
}

}  // namespace archscope::views
