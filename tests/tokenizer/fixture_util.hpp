// Shared by the tokenizer suites: the fixture folder and a JSON reader.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace archscope::test {

// ARCHSCOPE_TOKENIZER_FIXTURES points the suites at a larger set written locally with
// make_fixtures.js --random N --out DIR (a stress run); CI uses the committed fixtures.
inline std::filesystem::path tokenizer_fixtures() {
  if (const char* dir = std::getenv("ARCHSCOPE_TOKENIZER_FIXTURES")) return dir;
  return std::filesystem::path(ARCHSCOPE_FIXTURES) / "tokenizers";
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline nlohmann::json read_json(const std::filesystem::path& p) {
  return nlohmann::json::parse(read_file(p));
}

}  // namespace archscope::test
