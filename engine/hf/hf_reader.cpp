#include "hf/hf_reader.hpp"

#include <cmath>
#include <limits>

#include "common/error.hpp"

namespace archscope::hf {

namespace {

// Integers arrive as JSON integers, but some exporters write 168.0; accept integral floats and
// reject anything a cast would silently corrupt (NaN, fractions, out of range).
std::optional<int64_t> as_integer(const nlohmann::json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace

Reader::Reader(const nlohmann::json& object, std::string origin, std::string path)
    : object_(&object), origin_(std::move(origin)), path_(std::move(path)) {
  if (!object_->is_object()) {
    throw Error(ErrorKind::Parse, path_.empty() ? origin_ : where(""),
                "expected a JSON object");
  }
}

std::string Reader::where(const std::string& key) const {
  std::string p = path_;
  if (!key.empty()) p = p.empty() ? key : p + "." + key;
  if (origin_.empty()) return p;
  return p.empty() ? origin_ : origin_ + ": " + p;
}

void Reader::fail_type(const std::string& key, const char* expected) const {
  const auto it = object_->find(key);
  const std::string got = it == object_->end() ? "nothing" : std::string(it->type_name());
  throw Error(ErrorKind::Parse, where(key), std::string("expected ") + expected + ", got " + got);
}

void Reader::fail_value(const std::string& key, const std::string& message) const {
  throw Error(ErrorKind::Validation, where(key), message);
}

const nlohmann::json* Reader::raw(const std::string& key) const {
  const auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

bool Reader::has(const std::string& key) const { return raw(key) != nullptr; }

int64_t Reader::integer(const std::string& key) const {
  const auto* v = raw(key);
  if (!v) throw Error(ErrorKind::Validation, where(key), "required field is missing");
  const auto i = as_integer(*v);
  if (!i) fail_type(key, "an integer");
  return *i;
}

int64_t Reader::integer_or(const std::string& key, int64_t fallback) const {
  return has(key) ? integer(key) : fallback;
}

double Reader::number(const std::string& key) const {
  const auto* v = raw(key);
  if (!v) throw Error(ErrorKind::Validation, where(key), "required field is missing");
  if (!v->is_number()) fail_type(key, "a number");
  const double d = v->get<double>();
  if (!std::isfinite(d)) fail_value(key, "must be finite");
  return d;
}

double Reader::number_or(const std::string& key, double fallback) const {
  return has(key) ? number(key) : fallback;
}

bool Reader::boolean_or(const std::string& key, bool fallback) const {
  const auto* v = raw(key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail_type(key, "a boolean");
  return v->get<bool>();
}

std::string Reader::string_or(const std::string& key, const std::string& fallback) const {
  const auto* v = raw(key);
  if (!v) return fallback;
  if (!v->is_string()) fail_type(key, "a string");
  return v->get<std::string>();
}

std::vector<int64_t> Reader::integer_list_or(const std::string& key,
                                             const std::vector<int64_t>& fallback) const {
  const auto* v = raw(key);
  if (!v) return fallback;
  if (!v->is_array()) fail_type(key, "an array of integers");
  std::vector<int64_t> out;
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    const auto n = as_integer((*v)[i]);
    if (!n) {
      throw Error(ErrorKind::Parse, where(key) + "[" + std::to_string(i) + "]",
                  "expected an integer");
    }
    out.push_back(*n);
  }
  return out;
}

std::vector<std::string> Reader::string_list(const std::string& key) const {
  const auto* v = raw(key);
  if (!v) throw Error(ErrorKind::Validation, where(key), "required field is missing");
  if (!v->is_array()) fail_type(key, "an array of strings");
  std::vector<std::string> out;
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      throw Error(ErrorKind::Parse, where(key) + "[" + std::to_string(i) + "]",
                  "expected a string");
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::optional<Reader> Reader::object(const std::string& key) const {
  const auto* v = raw(key);
  if (!v) return std::nullopt;
  if (!v->is_object()) fail_type(key, "an object");
  return Reader(*v, origin_, path_.empty() ? key : path_ + "." + key);
}

}  // namespace archscope::hf
