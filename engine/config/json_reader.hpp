// Strict reading of one JSON object into config fields: every key must be known, every value must
// have the right type and range, and each error names the JSON path ("attention.heads"). Keys a
// reader never asked for are reported by finish() with a "did you mean" hint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "config/enum_names.hpp"
#include "config/model_config.hpp"

namespace archscope {

[[noreturn]] void throw_parse_error(const std::string& path, const std::string& message);

// "string", "boolean", "32.5", ... for "expected an integer, got ...".
std::string describe_json_value(const nlohmann::json& v);

int64_t json_to_int(const nlohmann::json& v, const std::string& path);
double json_to_double(const nlohmann::json& v, const std::string& path);
bool json_to_bool(const nlohmann::json& v, const std::string& path);
std::string json_to_string(const nlohmann::json& v, const std::string& path);

template <class E>
E json_to_enum(const nlohmann::json& v, const std::string& path) {
  const std::string s = json_to_string(v, path);
  if (auto e = parse_enum<E>(s)) return *e;
  throw_parse_error(path, std::string("unknown ") + EnumInfo<E>::what + " '" + s +
                              "'; expected one of " + enum_names<E>());
}

// One pattern entry "kind" or "kind*N": the kind's name and N (1 when absent).
std::pair<std::string, int64_t> split_pattern_entry(const std::string& entry,
                                                    const std::string& path);

template <class E>
LayerPattern<E> json_to_pattern(const nlohmann::json& v, const std::string& path);

class ObjectReader {
 public:
  // Throws unless `j` is an object.
  ObjectReader(const nlohmann::json& j, std::string path);

  // Each reads the key when present and leaves `out` (the C++ default) alone when absent.
  void field(std::string_view key, int64_t& out);
  void field(std::string_view key, double& out);
  void field(std::string_view key, bool& out);
  void field(std::string_view key, std::string& out);
  void field(std::string_view key, std::vector<int64_t>& out);
  template <class E>
  void enum_field(std::string_view key, E& out) {
    if (const nlohmann::json* v = take(key)) out = json_to_enum<E>(*v, child(key));
  }
  template <class E>
  void pattern_field(std::string_view key, LayerPattern<E>& out) {
    if (const nlohmann::json* v = take(key)) out = json_to_pattern<E>(*v, child(key));
  }
  // Calls read(ObjectReader&) on the sub-object when present; returns whether it was.
  template <class F>
  bool object(std::string_view key, F&& read) {
    const nlohmann::json* v = take(key);
    if (!v) return false;
    ObjectReader sub(*v, child(key));
    read(sub);
    sub.finish();
    return true;
  }

  // The value of `key` (registering it as known), or null when absent.
  const nlohmann::json* take(std::string_view key);
  std::string child(std::string_view key) const;

  // Throws for the first key that no field() asked for, suggesting the closest known key.
  void finish() const;

 private:
  const nlohmann::json& j_;
  std::string path_;
  std::vector<std::string> known_;
};

}  // namespace archscope
