// Typed, path-aware access to one object of a Hugging Face config.json. Every failure is an
// archscope::Error naming the key path ("config.json: text_config.hidden_size"), never an
// nlohmann exception, so a hostile or truncated file cannot crash the importer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace archscope::hf {

class Reader {
 public:
  // `origin` is the file name (may be empty); `path` the JSON path of this object.
  Reader(const nlohmann::json& object, std::string origin, std::string path = "");

  // Present and not null: HF writes unset optionals as null ("sliding_window": null).
  bool has(const std::string& key) const;
  const nlohmann::json* raw(const std::string& key) const;  // null when absent or null

  int64_t integer(const std::string& key) const;  // required
  int64_t integer_or(const std::string& key, int64_t fallback) const;
  double number(const std::string& key) const;  // required
  double number_or(const std::string& key, double fallback) const;
  bool boolean_or(const std::string& key, bool fallback) const;
  std::string string_or(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> integer_list_or(const std::string& key,
                                       const std::vector<int64_t>& fallback) const;
  std::vector<std::string> string_list(const std::string& key) const;  // required
  std::optional<Reader> object(const std::string& key) const;          // null/absent: nullopt

  // "origin: path.key", the location used in errors.
  std::string where(const std::string& key) const;
  const std::string& origin() const { return origin_; }
  const nlohmann::json& json() const { return *object_; }

  [[noreturn]] void fail_type(const std::string& key, const char* expected) const;
  [[noreturn]] void fail_value(const std::string& key, const std::string& message) const;

 private:
  const nlohmann::json* object_;
  std::string origin_;
  std::string path_;
};

}  // namespace archscope::hf
