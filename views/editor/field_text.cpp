// Text forms of the list-valued fields. Patterns are parsed by the JSON reader itself (from a
// JSON array built from the text), so a typo gets exactly the CLI's message and path.
#include <cctype>
#include <nlohmann/json.hpp>

#include "config/json_reader.hpp"
#include "editor/field_access.hpp"

namespace archscope::editor::detail {

namespace {
std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

nlohmann::json list_json(const std::string& text) {
  nlohmann::json array = nlohmann::json::array();
  for (const std::string& item : split_list(text)) array.push_back(item);
  return array;
}
}  // namespace

std::string pattern_text(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  for (char c : text) {
    if (c == ',') {
      items.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!trim(current).empty() || !items.empty()) items.push_back(trim(current));
  return items;
}

LayerPattern<AttentionKind> parse_attention_pattern(const std::string& text,
                                                    const std::string& path) {
  return json_to_pattern<AttentionKind>(list_json(text), path);
}

LayerPattern<PositionKind> parse_position_pattern(const std::string& text,
                                                  const std::string& path) {
  return json_to_pattern<PositionKind>(list_json(text), path);
}

std::vector<int64_t> parse_int_list(const std::string& text, const std::string& path) {
  std::vector<int64_t> out;
  const std::vector<std::string> items = split_list(text);
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string entry_path = path + "[" + std::to_string(i) + "]";
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(items[i]);
    } catch (const nlohmann::json::exception&) {
      throw_parse_error(entry_path, "expected an integer, got '" + items[i] + "'");
    }
    out.push_back(json_to_int(value, entry_path));
  }
  return out;
}

std::string int_list_text(const std::vector<int64_t>& values) {
  std::string out;
  for (int64_t v : values) {
    if (!out.empty()) out += ", ";
    out += std::to_string(v);
  }
  return out;
}

}  // namespace archscope::editor::detail
