#include "tokenizer/pattern.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

namespace {
// regex::escape: the meta characters of Rust's regex syntax, each behind a backslash; the
// translated pattern then reads them as literals in PCRE2 too.
std::string escape_literal(std::string_view s) {
  static constexpr std::string_view kMeta = "\\.+*?()|[]{}^$#&-~";
  std::string out;
  for (char c : s) {
    if (kMeta.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

Pattern::Pattern(std::string_view text, bool is_regex, const std::string& where)
    : text_(text),
      is_regex_(is_regex),
      regex_(std::make_shared<Regex>(is_regex ? std::string(text) : escape_literal(text), where)) {}

// {"String": s} or {"Regex": r}, as Replace and Split spell their pattern.
Pattern parse_pattern(const Json& obj, const std::string& path) {
  const std::string p = child_path(path, "pattern");
  const Json* v = member(obj, "pattern");
  if (v == nullptr) throw_json(p, "missing (required)");
  require_object(*v, p);
  if (v->size() == 1 && v->contains("String") && (*v)["String"].is_string()) {
    return Pattern((*v)["String"].get<std::string>(), false, p);
  }
  if (v->size() == 1 && v->contains("Regex") && (*v)["Regex"].is_string()) {
    return Pattern((*v)["Regex"].get<std::string>(), true, child_path(p, "Regex"));
  }
  throw_json(p, "expected {\"String\": ...} or {\"Regex\": ...}");
}

std::vector<Segment> Pattern::segments(std::string_view text) const {
  return regex_segments(*regex_, text);
}

std::vector<Segment> regex_segments(const Regex& regex, std::string_view text) {
  if (text.empty()) return {{0, 0, false}};
  std::vector<Segment> out;
  size_t prev = 0;
  for (const auto& [start, end] : regex.find_all(text)) {
    if (prev != start) out.push_back({prev, start, false});
    out.push_back({start, end, true});
    prev = end;
  }
  if (prev != text.size()) out.push_back({prev, text.size(), false});
  return out;
}

std::vector<Segment> char_segments(std::string_view text,
                                   const std::function<bool(char32_t)>& is_match) {
  if (text.empty()) return {{0, 0, false}};
  std::vector<Segment> out;
  size_t last = 0, pos = 0;
  while (pos < text.size()) {
    const size_t begin = pos;
    const char32_t c = next_code_point(text, pos);
    if (is_match(c)) {
      if (last < begin) out.push_back({last, begin, false});
      out.push_back({begin, pos, true});
      last = pos;
    }
  }
  if (pos > last) out.push_back({last, pos, false});
  return out;
}

void invert(std::vector<Segment>& segments) {
  for (auto& s : segments) s.is_match = !s.is_match;
}

SplitBehavior parse_split_behavior(const std::string& name, const std::string& where) {
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  throw Error(
      ErrorKind::Parse, where,
      "unknown split behavior '" + name +
          "'; expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous");
}

std::vector<std::pair<size_t, size_t>> split_ranges(const std::vector<Segment>& segments,
                                                    SplitBehavior behavior) {
  struct Part {
    size_t begin, end;
    bool remove;
  };
  std::vector<Part> parts;
  switch (behavior) {
    case SplitBehavior::Isolated:
      for (const auto& s : segments) parts.push_back({s.begin, s.end, false});
      break;
    case SplitBehavior::Removed:
      for (const auto& s : segments) parts.push_back({s.begin, s.end, s.is_match});
      break;
    case SplitBehavior::Contiguous: {
      bool previous = false;
      for (const auto& s : segments) {
        if (s.is_match == previous && !parts.empty()) {
          parts.back().end = s.end;
        } else {
          parts.push_back({s.begin, s.end, false});
        }
        previous = s.is_match;
      }
      break;
    }
    case SplitBehavior::MergedWithPrevious: {
      bool previous = false;
      for (const auto& s : segments) {
        if (s.is_match && !previous && !parts.empty()) {
          parts.back().end = s.end;
        } else {
          parts.push_back({s.begin, s.end, false});
        }
        previous = s.is_match;
      }
      break;
    }
    case SplitBehavior::MergedWithNext: {
      bool previous = false;
      for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
        if (it->is_match && !previous && !parts.empty()) {
          parts.back().begin = it->begin;
        } else {
          parts.push_back({it->begin, it->end, false});
        }
        previous = it->is_match;
      }
      std::reverse(parts.begin(), parts.end());
      break;
    }
  }
  std::vector<std::pair<size_t, size_t>> out;
  out.reserve(parts.size());
  for (const auto& p : parts) {
    if (!p.remove) out.emplace_back(p.begin, p.end);
  }
  return out;
}

std::string replace_matches(std::string_view text, const std::vector<Segment>& segments,
                            std::string_view content) {
  std::string out;
  out.reserve(text.size());
  for (const auto& s : segments) {
    if (s.is_match) {
      out.append(content);
    } else {
      out.append(text.substr(s.begin, s.end - s.begin));
    }
  }
  return out;
}

}  // namespace archscope::tok
