// One stored run in the formats `archscope export --format` writes: the spans as CSV, the whole
// run as JSON, or a Chrome / Perfetto trace. The CLI and the desktop app both write through this,
// so the same run gives the same bytes from either.
#pragma once

#include <optional>
#include <ostream>
#include <string_view>

#include "export/run_data.hpp"

namespace archscope::prof {

enum class RunExportFormat { Csv, Json, ChromeTrace };

// "csv", "json", "chrome-trace"; nullopt for anything else.
std::optional<RunExportFormat> parse_run_export_format(std::string_view name);
const char* to_string(RunExportFormat format);
// The usual file extension, without the dot: "csv", "json", "trace.json".
const char* file_extension(RunExportFormat format);

void write_run_export(std::ostream& out, const RunData& data, RunExportFormat format);

}  // namespace archscope::prof
