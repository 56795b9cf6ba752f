// `archscope analyze`: the analytic report of a configuration (parameters, FLOPs, bytes, KV cache,
// roofline), as text or one JSON object, or as an HTML / Markdown / JSON report file (--out).
#include <iostream>
#include <memory>

#include "cli/analysis_options.hpp"
#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "analysis_report/analysis_report.hpp"
#include "report/analyze_text.hpp"

namespace archscope::cli {

namespace {
struct AnalyzeOptions {
  ModelSource source;
  AnalysisFlags flags;
  bool json = false;
  std::string out;
};
}  // namespace

Command add_analyze_command(CLI::App& root) {
  auto options = std::make_shared<AnalyzeOptions>();
  CLI::App* sub = root.add_subcommand(
      "analyze", "Analytic report: parameters, FLOPs, bytes, KV cache and roofline per layer and op");
  add_model_source(*sub, options->source, /*with_model_dir=*/false);
  add_analysis_flags(*sub, options->flags);
  sub->add_flag("--json", options->json, "Print one JSON object instead of the text report");
  sub->add_option("--out", options->out,
                  "Write the report to a file instead: analysis.html (self-contained), analysis.md (SVG figures "
                  "next to it) or analysis.json; the desktop app exports the same files");
  return {sub, [options] {
            const ModelConfig config = load_model_config(options->source);
            AnalysisOptions analysis_opts = analysis_options(options->flags);
            if (!options->source.hf_config.empty()) checkpoint_quant(analysis_opts, options->flags, options->source.hf_config);
            const Analysis analysis = summarize(config, analysis_opts, analysis_hardware(options->flags));
            if (!options->out.empty()) {
              views::write_analysis_report(options->out, analysis);
              std::cerr << "wrote the analysis of " << config.name << " to " << options->out << "\n";
            } else if (options->json) {
              std::cout << analysis_to_json(analysis).dump(2) << "\n";
            } else {
              std::cout << render_analyze_text(analysis);
            }
            return 0;
          }};
}

}  // namespace archscope::cli
