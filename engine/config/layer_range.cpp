#include "config/layer_range.hpp"

#include <charconv>

#include "common/error.hpp"

namespace archscope {

namespace {

bool parse_index(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

void check_layer_range(const LayerRange& r, const ModelConfig& config, const std::string& where) {
  const std::string layers = config.name + " has layers 0.." + std::to_string(config.n_layers - 1);
  if (r.first < 0 || r.last < 0)
    throw Error(ErrorKind::Validation, where, "layer indices count from 0 (" + layers + ")");
  if (r.first > r.last)
    throw Error(ErrorKind::Validation, where,
                "first layer " + std::to_string(r.first) + " is after last layer " +
                    std::to_string(r.last) + " (A:B runs layers A to B, both included)");
  if (r.last >= config.n_layers)
    throw Error(ErrorKind::Validation, where,
                "layer " + std::to_string(r.last) + " does not exist: " + layers);
}

LayerRange parse_layer_range(const std::string& text, const ModelConfig& config,
                             const std::string& option) {
  const size_t colon = text.find(':');
  LayerRange r;
  bool ok = false;
  if (colon == std::string::npos) {
    ok = parse_index(text, r.first);  // "A": one layer
    r.last = r.first;
  } else {
    ok = parse_index(text.substr(0, colon), r.first) && parse_index(text.substr(colon + 1), r.last);
  }
  if (!ok)
    throw Error(ErrorKind::Validation, option,
                "'" + text + "' is not A:B (first and last layer, both included, from 0) or A");
  check_layer_range(r, config, option);
  return r;
}

std::string to_string(const LayerRange& r) {
  return r.first == r.last ? std::to_string(r.first)
                           : std::to_string(r.first) + ".." + std::to_string(r.last);
}

}  // namespace archscope
