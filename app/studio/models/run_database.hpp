// The runs browser's access to one run database file, without widgets: listing, the comparison
// model of one or several runs (what `archscope compare` computes: the summary from the steps and
// the stored span totals, no span rows loaded), rename and delete, and exports through the CLI's
// writers (`archscope report`, `export`, `compare --json`), so the same runs give the same bytes.
//
// Reads open the file read-only each time (nothing is created, migrated or swept, so a corrupt
// or foreign file is refused with its reason and left as it is, and a run another process is
// writing is seen as committed); rename and delete open it for writing as `archscope runs
// delete` does. Every failure is an archscope::Error naming the file.
#pragma once

#include <QString>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "compare/comparison.hpp"
#include "model/run_records.hpp"
#include "quant/eval_result.hpp"

namespace archscope::studio {

enum class RunExport {
  Report,          // HTML or Markdown (with its SVG figures) by the file's extension: `report`
  Csv,             // the spans: `export --format csv` (one run)
  Json,            // the whole run: `export --format json` (one run)
  ChromeTrace,     // `export --format chrome-trace` (one run)
  ComparisonJson,  // `compare --json` (two or more runs)
  ComparisonText,  // `compare` (two or more runs)
};

class RunDatabase {
 public:
  explicit RunDatabase(std::filesystem::path path) : path_(std::move(path)) {}
  const std::filesystem::path& path() const { return path_; }
  bool exists() const;

  // Newest first. Error(NotFound) when the file does not exist; the store's errors for a bad file.
  std::vector<prof::RunInfo> list() const;
  // The comparison of `ids` (the first is the baseline); one id gives that run's own figures.
  views::compare::Comparison compare(const std::vector<int64_t>& ids) const;
  // The `archscope quant` results stored with run `id`; nullopt for a run made by `run` or
  // `bench` (or a file older than the quant tables). Error(NotFound) for an unknown run.
  std::optional<quant::EvalResult> quant_result(int64_t id) const;
  void rename(int64_t id, const std::string& name) const;
  void remove(const std::vector<int64_t>& ids) const;
  // Writes `ids` as `format` to `out` (a Markdown report writes its figures next to it); returns
  // the files written. Error(Validation) for a run format given other than one id, or a
  // comparison format given fewer than two.
  std::vector<std::filesystem::path> export_to(const std::vector<int64_t>& ids, RunExport format,
                                               const std::filesystem::path& out) const;

 private:
  std::filesystem::path path_;
};

// "Shapes differ: batch 1 vs 2; prompt 16 vs 32" when the runs were not made at the same
// settings (per-step figures then compare unlike work), "" when they were.
std::string settings_difference(const views::compare::Comparison& c);

}  // namespace archscope::studio
