#include "config/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "config/limits.hpp"

namespace archscope {

void throw_parse_error(const std::string& path, const std::string& message) {
  throw Error(ErrorKind::Parse, path, message);
}

std::string describe_json_value(const nlohmann::json& v) {
  if (v.is_number()) return v.dump();
  return v.type_name();
}

int64_t json_to_int(const nlohmann::json& v, const std::string& path) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      throw_parse_error(path, v.dump() + " is out of range for a 64-bit integer");
    }
    return static_cast<int64_t>(u);
  }
  if (v.is_number_float()) {
    // Integral floats (1e5, 32.0) are accepted: some tools write every number as a float.
    const double d = v.get<double>();
    if (d != std::floor(d)) throw_parse_error(path, "expected an integer, got " + v.dump());
    // 2^63 is exactly representable; anything at or beyond it would overflow the cast.
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
      throw_parse_error(path, v.dump() + " is out of range for a 64-bit integer");
    }
    return static_cast<int64_t>(d);
  }
  throw_parse_error(path, "expected an integer, got " + describe_json_value(v));
}

double json_to_double(const nlohmann::json& v, const std::string& path) {
  if (!v.is_number()) throw_parse_error(path, "expected a number, got " + describe_json_value(v));
  return v.get<double>();
}

bool json_to_bool(const nlohmann::json& v, const std::string& path) {
  if (!v.is_boolean()) {
    throw_parse_error(path, "expected true or false, got " + describe_json_value(v));
  }
  return v.get<bool>();
}

std::string json_to_string(const nlohmann::json& v, const std::string& path) {
  if (!v.is_string()) throw_parse_error(path, "expected a string, got " + describe_json_value(v));
  return v.get<std::string>();
}

std::pair<std::string, int64_t> split_pattern_entry(const std::string& entry,
                                                    const std::string& path) {
  const size_t star = entry.find('*');
  if (star == std::string::npos) return {entry, 1};
  const std::string count = entry.substr(star + 1);
  const bool digits = !count.empty() && std::all_of(count.begin(), count.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (!digits) {
    throw_parse_error(path, "bad repeat count in '" + entry +
                                "'; expected kind*N with N a positive integer");
  }
  // Compare digit strings before converting so a 40-digit count cannot overflow.
  const std::string trimmed = count.substr(std::min(count.find_first_not_of('0'), count.size()));
  if (trimmed.empty()) throw_parse_error(path, "repeat count must be at least 1 in '" + entry + "'");
  if (trimmed.size() > 18 || std::stoll(trimmed) > kMaxLayers) {
    throw_parse_error(path, "repeat count in '" + entry + "' exceeds the layer limit " +
                                std::to_string(kMaxLayers));
  }
  return {entry.substr(0, star), std::stoll(trimmed)};
}

template <class E>
LayerPattern<E> json_to_pattern(const nlohmann::json& v, const std::string& path) {
  if (!v.is_array()) {
    throw_parse_error(path, "expected an array of strings like \"sliding*5\", got " +
                                describe_json_value(v));
  }
  LayerPattern<E> out;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string entry_path = path + "[" + std::to_string(i) + "]";
    const auto [name, count] = split_pattern_entry(json_to_string(v[i], entry_path), entry_path);
    const E kind = json_to_enum<E>(nlohmann::json(name), entry_path);
    if (static_cast<int64_t>(out.size()) + count > kMaxLayers) {
      throw_parse_error(path, "expands to more than the layer limit " + std::to_string(kMaxLayers));
    }
    out.insert(out.end(), static_cast<size_t>(count), kind);
  }
  return out;
}

template LayerPattern<AttentionKind> json_to_pattern(const nlohmann::json&, const std::string&);
template LayerPattern<PositionKind> json_to_pattern(const nlohmann::json&, const std::string&);

ObjectReader::ObjectReader(const nlohmann::json& j, std::string path)
    : j_(j), path_(std::move(path)) {
  if (!j_.is_object()) throw_parse_error(path_, "expected an object, got " + describe_json_value(j_));
}

const nlohmann::json* ObjectReader::take(std::string_view key) {
  known_.emplace_back(key);
  const auto it = j_.find(key);
  return it == j_.end() ? nullptr : &*it;
}

std::string ObjectReader::child(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ObjectReader::field(std::string_view key, int64_t& out) {
  if (const nlohmann::json* v = take(key)) out = json_to_int(*v, child(key));
}
void ObjectReader::field(std::string_view key, double& out) {
  if (const nlohmann::json* v = take(key)) out = json_to_double(*v, child(key));
}
void ObjectReader::field(std::string_view key, bool& out) {
  if (const nlohmann::json* v = take(key)) out = json_to_bool(*v, child(key));
}
void ObjectReader::field(std::string_view key, std::string& out) {
  if (const nlohmann::json* v = take(key)) out = json_to_string(*v, child(key));
}
void ObjectReader::field(std::string_view key, std::vector<int64_t>& out) {
  const nlohmann::json* v = take(key);
  if (!v) return;
  const std::string path = child(key);
  if (!v->is_array()) {
    throw_parse_error(path, "expected an array of integers, got " + describe_json_value(*v));
  }
  out.clear();
  for (size_t i = 0; i < v->size(); ++i) {
    out.push_back(json_to_int((*v)[i], path + "[" + std::to_string(i) + "]"));
  }
}

namespace {

// Levenshtein distance, two rows. Keys are short; the caller bounds the input length.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

void ObjectReader::finish() const {
  for (const auto& [key, value] : j_.items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string best;
    size_t best_distance = std::numeric_limits<size_t>::max();
    // A key far longer than any known one cannot be a typo of it; skip the quadratic work.
    if (key.size() <= 64) {
      for (const std::string& k : known_) {
        const size_t d = edit_distance(key, k);
        if (d < best_distance) best_distance = d, best = k;
      }
    }
    std::string message = "unknown key '" + key + "'";
    // A truncated key ("vocab" for "vocab_size") is as likely a slip as a typo.
    if (key.size() >= 3 && best_distance > 2) {
      for (const std::string& k : known_) {
        if (k.rfind(key, 0) == 0) {
          best = k;
          best_distance = 0;
          break;
        }
      }
    }
    // Close enough to be a typo: at most a third of the key wrong, and at least 2 edits allowed.
    if (!best.empty() && best_distance <= std::max<size_t>(2, key.size() / 3)) {
      message += "; did you mean '" + best + "'?";
    } else {
      std::string all;
      for (const std::string& k : known_) all += (all.empty() ? "" : ", ") + k;
      message += "; expected one of " + all;
    }
    throw_parse_error(child(key), message);
  }
}

}  // namespace archscope
