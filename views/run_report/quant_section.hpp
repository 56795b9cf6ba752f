// The report's quantization section for an `archscope quant` run: the schemes' figures (bits per
// weight, bytes, logit KL, top-1, perplexity), the weight SQNR per layer per scheme, the residual
// error growth through depth, the KL-vs-bits Pareto plot and the source run's activation outliers;
// KV-cache dtypes measured with it in tables of their own.
// Built once, rendered by the HTML and the Markdown writer alike.
#pragma once

#include <string>
#include <vector>

#include "quant/eval_result.hpp"
#include "run_report/report_figures.hpp"
#include "run_report/report_tables.hpp"

namespace archscope::views {

std::vector<TableData> quant_tables(const quant::EvalResult& r);
// The KV-cache measurements of a run (quant --kv-dtypes, schemes "kv-int8" / "kv-fp8"): bits per
// cached element, KV bytes, logit KL / top-1 / perplexity, and per layer the KV SQNR and the
// residual error (quant_kv_tables.cpp). Empty without such schemes.
std::vector<TableData> quant_kv_tables(const quant::EvalResult& r);
// r without its KV-cache schemes (the weight schemes' tables and bits-per-weight charts).
quant::EvalResult weight_schemes(const quant::EvalResult& r);
std::vector<Figure> quant_figures(const quant::EvalResult& r);

// Cells shared by the weight and KV tables: one printf-formatted number, and an SQNR in dB
// ("-" when not measured, "exact" when the error was zero).
std::string quant_number(const char* printf_format, double v);
std::string sqnr_db_cell(double db);

}  // namespace archscope::views
