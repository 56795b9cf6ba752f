// Patterns and split behaviours as HF tokenizers defines them (tokenizer/pattern.rs and
// NormalizedString::split): a pattern cuts a string into contiguous segments flagged match /
// no-match that cover it exactly; a behaviour turns those segments into the pieces that remain.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/json_fields.hpp"
#include "tokenizer/regex.hpp"

namespace archscope::tok {

struct Segment {
  size_t begin = 0;
  size_t end = 0;
  bool is_match = false;
};

// A tokenizer.json pattern: {"String": s} (matched literally, as HF escapes it into a regex) or
// {"Regex": r} (Oniguruma syntax).
class Pattern {
 public:
  Pattern(std::string_view text, bool is_regex, const std::string& where);
  std::vector<Segment> segments(std::string_view text) const;
  bool is_regex() const { return is_regex_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  bool is_regex_ = false;
  std::shared_ptr<Regex> regex_;
};

// The "pattern" member of `obj`: {"String": s} or {"Regex": r} (Replace, Split).
Pattern parse_pattern(const Json& obj, const std::string& path);

// Segments for a per-character predicate: each matching character is its own match.
std::vector<Segment> char_segments(std::string_view text,
                                   const std::function<bool(char32_t)>& is_match);

// Segments from the matches of a regex (pattern.rs for SysRegex).
std::vector<Segment> regex_segments(const Regex& regex, std::string_view text);

void invert(std::vector<Segment>& segments);

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// Parses "Removed", "Isolated", ... (HF also accepts the snake_case spellings in the Python API
// only; tokenizer.json uses these).
SplitBehavior parse_split_behavior(const std::string& name, const std::string& where);

// The byte ranges that remain after applying `behavior` to `segments` (NormalizedString::split);
// empty ranges may appear and are dropped by the caller, as PreTokenizedString::split does.
std::vector<std::pair<size_t, size_t>> split_ranges(const std::vector<Segment>& segments,
                                                    SplitBehavior behavior);

// Every match segment replaced by `content` (NormalizedString::replace).
std::string replace_matches(std::string_view text, const std::vector<Segment>& segments,
                            std::string_view content);

}  // namespace archscope::tok
