// The studio's analytic summary as rows over `archscope analyze --json` (analysis_to_json): each
// row names the JSON pointer it shows, so every figure on screen is the CLI's figure for the same
// inputs, and fields the engine adds later (memory fit, steady-state KV) appear when present.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace archscope::summary {

enum class Format {
  Params,     // 671.03B
  Bytes,      // 1.25 GiB
  Flops,      // 75.12 GFLOP
  Seconds,    // 12.345 ms
  Rate,       // 1 / the value at the pointer, as tokens/s
  Text,       // the string as is
  MemoryFit,  // the /memory object: "fits" or "needs N × hardware"
};

struct Row {
  std::string label;
  std::string pointer;  // JSON pointer into the analysis: "/params/total"
  Format format = Format::Params;
  std::string topic;  // explain topic id ("kv-cache"), "" for none
};

const std::vector<Row>& rows();

struct Cell {
  bool present = false;  // the analysis has the field (hardware rows need a hardware profile)
  std::string display;   // "671.03B"
  std::string exact;     // "671,026,419,200" (integers), "0.0123456 s", the text
  nlohmann::json value;  // the JSON value at the pointer (for tests and copy)
};

Cell cell(const nlohmann::json& analysis, const Row& row);

// The analysis' warnings (an array of strings at /warnings), empty when none or absent.
std::vector<std::string> warnings(const nlohmann::json& analysis);

}  // namespace archscope::summary
