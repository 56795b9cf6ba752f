#include "tokenizer/pre_tokenizers.hpp"

#include <functional>

#include "tokenizer/byte_level_map.hpp"
#include "tokenizer/pattern.hpp"
#include "tokenizer/unicode_text.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

const char* const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {
// Replaces every piece by the non-empty pieces `cut` makes of it (PreTokenizedString::split).
// Sub-pieces keep at_start only when they begin where their parent began.
void split_each(std::vector<PreToken>& pieces,
                const std::function<std::vector<std::pair<size_t, size_t>>(std::string&)>& cut) {
  std::vector<PreToken> out;
  out.reserve(pieces.size());
  for (auto& piece : pieces) {
    for (const auto& [b, e] : cut(piece.text)) {
      if (e > b) out.push_back({piece.text.substr(b, e - b), piece.at_start && b == 0});
    }
  }
  pieces = std::move(out);
}

class ByteLevel final : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space),
        regex_(use_regex ? std::make_unique<Regex>(kGpt2Pattern, "ByteLevel") : nullptr) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_each(pieces, [&](std::string& text) -> std::vector<std::pair<size_t, size_t>> {
      if (add_prefix_space_ && (text.empty() || text[0] != ' ')) text.insert(0, " ");
      if (!regex_) return {{0, text.size()}};
      return split_ranges(regex_segments(*regex_, text), SplitBehavior::Isolated);
    });
    for (auto& p : pieces) p.text = to_byte_level(p.text);
  }

 private:
  bool add_prefix_space_;
  std::unique_ptr<Regex> regex_;
};

class Split final : public PreTokenizer {
 public:
  Split(Pattern pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_each(pieces, [&](std::string& text) {
      auto segs = pattern_.segments(text);
      if (invert_) invert(segs);
      return split_ranges(segs, behavior_);
    });
  }

 private:
  Pattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

// Splits by a per-character predicate (Digits, Punctuation, WhitespaceSplit, CharDelimiterSplit).
class CharSplit final : public PreTokenizer {
 public:
  CharSplit(std::function<bool(char32_t)> is_match, SplitBehavior behavior)
      : is_match_(std::move(is_match)), behavior_(behavior) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_each(pieces, [&](std::string& text) {
      return split_ranges(char_segments(text, is_match_), behavior_);
    });
  }

 private:
  std::function<bool(char32_t)> is_match_;
  SplitBehavior behavior_;
};

enum class PrependScheme { Always, First, Never };

class Metaspace final : public PreTokenizer {
 public:
  Metaspace(char32_t replacement, PrependScheme scheme, bool split)
      : replacement_(replacement), scheme_(scheme), split_(split) {
    append_utf8(rep_, replacement);
  }
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_each(pieces, [&](std::string& text) -> std::vector<std::pair<size_t, size_t>> {
      std::string replaced;
      replaced.reserve(text.size());
      for (char c : text) {
        if (c == ' ') {
          replaced += rep_;
        } else {
          replaced += c;
        }
      }
      text = std::move(replaced);
      return {{0, text.size()}};
    });
    for (auto& p : pieces) {
      const bool starts = p.text.compare(0, rep_.size(), rep_) == 0;
      if (!starts &&
          (scheme_ == PrependScheme::Always || (scheme_ == PrependScheme::First && p.at_start))) {
        p.text.insert(0, rep_);
      }
    }
    if (split_) {
      const char32_t r = replacement_;
      split_each(pieces, [&](std::string& text) {
        return split_ranges(char_segments(text, [r](char32_t c) { return c == r; }),
                            SplitBehavior::MergedWithNext);
      });
    }
  }

 private:
  char32_t replacement_;
  PrependScheme scheme_;
  bool split_;
  std::string rep_;
};

// Whitespace: \w+|[^\w\s]+ runs (Rust regex classes), whitespace dropped.
class Whitespace final : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    split_each(pieces, [](std::string& text) {
      std::vector<std::pair<size_t, size_t>> out;
      size_t pos = 0;
      while (pos < text.size()) {
        size_t next = pos;
        const char32_t c = next_code_point(text, next);
        if (is_white_space(c)) {
          pos = next;
          continue;
        }
        const bool word = is_word_char(c);
        size_t end = next;
        while (end < text.size()) {
          size_t after = end;
          const char32_t d = next_code_point(text, after);
          if (word ? !is_word_char(d) : (is_word_char(d) || is_white_space(d))) break;
          end = after;
        }
        out.emplace_back(pos, end);
        pos = end;
      }
      return out;
    });
  }
};

class Sequence final : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    for (const auto& p : parts_) p->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

class Chain final : public PreTokenizer {  // BertPreTokenizer: two fixed steps
 public:
  Chain(std::unique_ptr<PreTokenizer> a, std::unique_ptr<PreTokenizer> b)
      : a_(std::move(a)), b_(std::move(b)) {}
  void pre_tokenize(std::vector<PreToken>& pieces) const override {
    a_->pre_tokenize(pieces);
    b_->pre_tokenize(pieces);
  }

 private:
  std::unique_ptr<PreTokenizer> a_, b_;
};

PrependScheme parse_scheme(const Json& j, const std::string& path) {
  const auto name = optional_string(j, "prepend_scheme", path);
  PrependScheme scheme = PrependScheme::Always;  // HF's serde default
  if (name) {
    if (*name == "always")
      scheme = PrependScheme::Always;
    else if (*name == "first")
      scheme = PrependScheme::First;
    else if (*name == "never")
      scheme = PrependScheme::Never;
    else
      throw_json(child_path(path, "prepend_scheme"),
                 "unknown prepend_scheme '" + *name + "'; expected always, first or never");
  }
  const Json* legacy = member(j, "add_prefix_space");
  if (legacy != nullptr && legacy->is_boolean() && !legacy->get<bool>()) {
    if (scheme != PrependScheme::Never && name) {
      throw_json(child_path(path, "add_prefix_space"),
                 "add_prefix_space does not match declared prepend_scheme");
    }
    scheme = PrependScheme::Never;
  }
  return scheme;
}
}  // namespace

std::unique_ptr<PreTokenizer> parse_pre_tokenizer(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  const std::string type = type_tag(j, path);
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevel>(bool_or(j, "add_prefix_space", path, true),
                                       bool_or(j, "use_regex", path, true));
  }
  if (type == "Split") {
    const std::string behavior = string_field(j, "behavior", path);
    return std::make_unique<Split>(parse_pattern(j, path),
                                   parse_split_behavior(behavior, child_path(path, "behavior")),
                                   bool_field(j, "invert", path));
  }
  if (type == "Digits") {
    const bool individual = bool_or(j, "individual_digits", path, false);
    return std::make_unique<CharSplit>(
        is_numeric, individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous);
  }
  if (type == "Punctuation") {
    const auto behavior = optional_string(j, "behavior", path);
    return std::make_unique<CharSplit>(
        is_punctuation, behavior ? parse_split_behavior(*behavior, child_path(path, "behavior"))
                                 : SplitBehavior::Isolated);
  }
  if (type == "WhitespaceSplit")
    return std::make_unique<CharSplit>(is_white_space, SplitBehavior::Removed);
  if (type == "Whitespace") return std::make_unique<Whitespace>();
  if (type == "CharDelimiterSplit") {
    const char32_t d = char_field(j, "delimiter", path);
    return std::make_unique<CharSplit>([d](char32_t c) { return c == d; }, SplitBehavior::Removed);
  }
  if (type == "BertPreTokenizer") {
    return std::make_unique<Chain>(
        std::make_unique<CharSplit>(is_white_space, SplitBehavior::Removed),
        std::make_unique<CharSplit>(is_punctuation, SplitBehavior::Isolated));
  }
  if (type == "Metaspace") {
    return std::make_unique<Metaspace>(char_field(j, "replacement", path), parse_scheme(j, path),
                                       bool_or(j, "split", path, true));
  }
  if (type == "Sequence") {
    const std::string p = child_path(path, "pretokenizers");
    const Json* list = member(j, "pretokenizers");
    if (list == nullptr) throw_json(p, "missing (required)");
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    for (size_t i = 0; i < require_array(*list, p).size(); ++i) {
      auto t = parse_pre_tokenizer((*list)[i], index_path(p, i));
      if (t == nullptr) throw_json(index_path(p, i), "expected a pre-tokenizer, got null");
      parts.push_back(std::move(t));
    }
    return std::make_unique<Sequence>(std::move(parts));
  }
  throw_unsupported(child_path(path, "type"),
                    "pre-tokenizer '" + type +
                        "' is not supported (supported: ByteLevel, Split, Digits, Metaspace, "
                        "Punctuation, Whitespace, WhitespaceSplit, CharDelimiterSplit, "
                        "BertPreTokenizer, Sequence)");
}

}  // namespace archscope::tok
