// The analyze text report: exact figures present, tables aligned.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <vector>

#include "../plan/official_configs.hpp"
#include "report/analyze_text.hpp"

using namespace archscope;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(analyze_text)

BOOST_AUTO_TEST_CASE(report_has_exact_figures_and_aligned_tables) {
  AnalysisOptions o;
  o.context = 4096;
  const HardwareProfile hw = hardware_from_json(nlohmann::json::parse(R"({
    "format": "archscope.hardware/1", "name": "h100-sxm", "description": "NVIDIA H100",
    "memory_bandwidth_gbs": 3350, "memory_gib": 80, "peak_tflops": {"fp32": 67, "bf16": 989.4}})"));
  const std::string text = render_analyze_text(summarize(test::deepseek_v3(), o, hw));
  BOOST_TEST(text.find("DeepSeek-V3") != std::string::npos);
  BOOST_TEST(text.find("671,026,419,200") != std::string::npos);
  BOOST_TEST(text.find("37,552,297,472") != std::string::npos);
  BOOST_TEST(text.find("70,272 B") != std::string::npos);
  BOOST_TEST(text.find("h100-sxm") != std::string::npos);
  BOOST_TEST(text.find("routed_experts") != std::string::npos);

  // The per-layer table: a header, a rule, then 61 rows of one width.
  const auto lines = lines_of(text);
  size_t header = 0;
  while (header < lines.size() && lines[header].find("  Layer") != 0) ++header;
  BOOST_TEST_REQUIRE(header + 2 + 61 <= lines.size());
  const size_t width = columns(lines[header]);
  BOOST_TEST(columns(lines[header + 1]) == width);
  for (size_t i = header + 2; i < header + 2 + 61; ++i) {
    BOOST_TEST(columns(lines[i]) == width, lines[i]);
  }
  BOOST_TEST(lines[header + 2].find("  0 ") == 0u);
  BOOST_TEST(text.find("memory") != std::string::npos);  // the decode bound
}

BOOST_AUTO_TEST_CASE(report_without_hardware_has_no_roofline) {
  AnalysisOptions o;
  o.context = 128;
  const std::string text = render_analyze_text(summarize(test::llama3_8b(), o));
  BOOST_TEST(text.find("8,030,261,248") != std::string::npos);
  BOOST_TEST(text.find("Roofline") == std::string::npos);
  BOOST_TEST(text.find("no roofline estimate") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
