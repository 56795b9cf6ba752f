#include "export/json_export.hpp"

#include <ostream>

#include "common/error.hpp"
#include "export/record_json.hpp"
#include "metrics/expert_load.hpp"
#include "metrics/run_summary.hpp"

namespace archscope::prof {

using nlohmann::json;

namespace {

template <class T>
json array_of(const std::vector<T>& records) {
  json a = json::array();
  for (const T& r : records) a.push_back(to_json(r));
  return a;
}

template <class T, class F>
std::vector<T> read_array(const json& j, const char* key, F&& read_one) {
  auto it = j.find(key);
  if (it == j.end()) throw Error(ErrorKind::Parse, key, "missing");
  if (!it->is_array()) throw Error(ErrorKind::Parse, key, "expected an array");
  std::vector<T> out;
  out.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i)
    out.push_back(read_one((*it)[i], std::string(key) + "[" + std::to_string(i) + "]"));
  return out;
}

}  // namespace

json run_to_json(const RunData& data, const JsonExportOptions& options) {
  json summary = to_json(summarize(data.steps, data.spans, data.activations));
  json loads = json::array();
  for (const CumulativeExpertLoad& l :
       expert_load_cumulative(data.expert_counts, options.capacity_factor))
    loads.push_back(to_json(l));
  summary["expert_load"] = std::move(loads);
  return {{"format", kRunJsonFormat},
          {"run", to_json(data.run)},
          {"steps", array_of(data.steps)},
          {"spans", array_of(data.spans)},
          {"expert_counts", array_of(data.expert_counts)},
          {"activations", array_of(data.activations)},
          {"summary", std::move(summary)}};
}

void write_run_json(std::ostream& out, const RunData& data, const JsonExportOptions& options) {
  out << run_to_json(data, options).dump(options.indent) << '\n';
  if (!out) throw Error(ErrorKind::System, "json export", "write failed");
}

RunData run_from_json(const json& j) {
  if (!j.is_object()) throw Error(ErrorKind::Parse, "", "expected a JSON object");
  auto format = j.find("format");
  if (format == j.end() || *format != kRunJsonFormat)
    throw Error(ErrorKind::Parse, "format", std::string("expected \"") + kRunJsonFormat + "\"");
  RunData d;
  auto run = j.find("run");
  if (run == j.end()) throw Error(ErrorKind::Parse, "run", "missing");
  d.run = run_info_from_json(*run, "run");
  d.steps = read_array<StepRecord>(j, "steps", step_from_json);
  d.spans = read_array<SpanRecord>(j, "spans", span_from_json);
  d.expert_counts = read_array<ExpertCountRecord>(j, "expert_counts", expert_count_from_json);
  d.activations = read_array<ActivationRecord>(j, "activations", activation_from_json);
  return d;
}

}  // namespace archscope::prof
