#include "export/run_export.hpp"

#include "export/chrome_trace.hpp"
#include "export/csv.hpp"
#include "export/json_export.hpp"

namespace archscope::prof {

std::optional<RunExportFormat> parse_run_export_format(std::string_view name) {
  if (name == "csv") return RunExportFormat::Csv;
  if (name == "json") return RunExportFormat::Json;
  if (name == "chrome-trace") return RunExportFormat::ChromeTrace;
  return std::nullopt;
}

const char* to_string(RunExportFormat format) {
  switch (format) {
    case RunExportFormat::Csv:
      return "csv";
    case RunExportFormat::Json:
      return "json";
    case RunExportFormat::ChromeTrace:
      return "chrome-trace";
  }
  return "?";
}

const char* file_extension(RunExportFormat format) {
  return format == RunExportFormat::ChromeTrace ? "trace.json" : to_string(format);
}

void write_run_export(std::ostream& out, const RunData& data, RunExportFormat format) {
  switch (format) {
    case RunExportFormat::Csv:
      write_spans_csv(out, data.spans);
      return;
    case RunExportFormat::Json:
      write_run_json(out, data);
      return;
    case RunExportFormat::ChromeTrace:
      write_chrome_trace(out, data);
      return;
  }
}

}  // namespace archscope::prof
