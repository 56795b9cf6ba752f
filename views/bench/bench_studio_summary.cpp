// What one edit in the studio costs: compute_analysis (summarize, analysis_to_json, the block
// diagram and the per-layer charts) for a preset at the given options, repeated, reporting the
// median and the worst run. Run by hand; numbers are in docs/studio.md.
//   bench_studio_summary [preset] [context] [hardware] [repeats]
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "presets/hardware_catalog.hpp"
#include "presets/preset_catalog.hpp"
#include "summary/analysis_job.hpp"

int main(int argc, char** argv) {
  using namespace archscope;
  const std::string preset = argc > 1 ? argv[1] : "qwen3-235b-a22b";
  summary::AnalysisInput in;
  in.config = load_preset(preset);
  in.options.context = argc > 2 ? std::stoll(argv[2]) : 32768;
  in.hardware = load_hardware(argc > 3 ? argv[3] : "h100-sxm");
  const int repeats = argc > 4 ? std::stoi(argv[4]) : 50;
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const summary::AnalysisResult r = summary::compute_analysis(in);
    if (r.error) {
      std::fprintf(stderr, "bench_studio_summary: %s\n", r.error->what());
      return 1;
    }
    ms.push_back(r.seconds * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "%s (%lld layers), context %lld, %s: median %.2f ms, min %.2f ms, max %.2f ms over %d runs\n",
      preset.c_str(), static_cast<long long>(in.config.n_layers),
      static_cast<long long>(in.options.context), in.hardware->name.c_str(), ms[ms.size() / 2],
      ms.front(), ms.back(), repeats);
  return 0;
}
