#include "tokenizer/json_fields.hpp"

#include "common/error.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

std::string child_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string index_path(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void throw_json(const std::string& path, const std::string& message) {
  throw Error(ErrorKind::Parse, path, message);
}

void throw_unsupported(const std::string& path, const std::string& message) {
  throw Error(ErrorKind::Unsupported, path, message);
}

std::string json_kind(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::null:
      return "null";
    case Json::value_t::number_float:
      return "a fractional number";
    default:
      return "a number";
  }
}

void require_object(const Json& v, const std::string& path) {
  if (!v.is_object()) throw_json(path, "expected an object, got " + json_kind(v));
}

const Json& require_array(const Json& v, const std::string& path) {
  if (!v.is_array()) throw_json(path, "expected an array, got " + json_kind(v));
  return v;
}

const Json* member(const Json& obj, const char* key) {
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string string_field(const Json& obj, const char* key, const std::string& path) {
  const Json* v = member(obj, key);
  if (v == nullptr) throw_json(child_path(path, key), "missing (required)");
  if (!v->is_string()) throw_json(child_path(path, key), "expected a string, got " + json_kind(*v));
  return v->get<std::string>();
}

std::optional<std::string> optional_string(const Json& obj, const char* key,
                                           const std::string& path) {
  const Json* v = member(obj, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string())
    throw_json(child_path(path, key), "expected a string or null, got " + json_kind(*v));
  return v->get<std::string>();
}

bool bool_field(const Json& obj, const char* key, const std::string& path) {
  const Json* v = member(obj, key);
  if (v == nullptr) throw_json(child_path(path, key), "missing (required)");
  if (!v->is_boolean())
    throw_json(child_path(path, key), "expected a boolean, got " + json_kind(*v));
  return v->get<bool>();
}

bool bool_or(const Json& obj, const char* key, const std::string& path, bool fallback) {
  const Json* v = member(obj, key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_boolean())
    throw_json(child_path(path, key), "expected a boolean, got " + json_kind(*v));
  return v->get<bool>();
}

uint64_t uint_field(const Json& obj, const char* key, const std::string& path) {
  const auto v = optional_uint(obj, key, path);
  if (!v) throw_json(child_path(path, key), "missing (required)");
  return *v;
}

std::optional<uint64_t> optional_uint(const Json& obj, const char* key, const std::string& path) {
  const Json* v = member(obj, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  if (v->is_number_integer() && v->get<int64_t>() >= 0)
    return static_cast<uint64_t>(v->get<int64_t>());
  throw_json(child_path(path, key), "expected a non-negative integer, got " + json_kind(*v));
}

std::string type_tag(const Json& obj, const std::string& path) {
  require_object(obj, path);
  const Json* v = member(obj, "type");
  if (v == nullptr)
    throw_unsupported(path, "component without a \"type\" tag (legacy untagged form)");
  if (!v->is_string())
    throw_json(child_path(path, "type"), "expected a string, got " + json_kind(*v));
  return v->get<std::string>();
}

char32_t char_field(const Json& obj, const char* key, const std::string& path) {
  const std::string s = string_field(obj, key, path);
  size_t pos = 0;
  if (s.empty()) throw_json(child_path(path, key), "expected one character, got an empty string");
  const char32_t c = next_code_point(s, pos);
  if (pos != s.size())
    throw_json(child_path(path, key), "expected one character, got \"" + s + "\"");
  return c;
}

}  // namespace archscope::tok
