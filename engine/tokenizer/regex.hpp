// The regexes of tokenizer.json (Split and Replace patterns, the ByteLevel GPT-2 pattern), which
// HF tokenizers compiles with Oniguruma. We run them on PCRE2 (UTF + UCP, JIT) after translating
// the few places where the two dialects differ: Oniguruma's \s is White_Space (PCRE2's adds U+180E
// and lacks U+0085), its \w is
// letters, marks, decimal digits and connector punctuation, \h is a hex digit, \uHHHH is a code
// point, (?m) is dot-all, and ^ / $ are line anchors. Matches are enumerated as the onig crate's
// find_iter does (an empty match right after the previous match is skipped).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace archscope::tok {

// Oniguruma (Ruby-syntax) pattern -> equivalent PCRE2 pattern. Throws Error(Unsupported, where)
// for constructs PCRE2 cannot express (character-class intersection "&&", absent operator).
std::string onig_to_pcre2(std::string_view pattern, const std::string& where);

class Regex {
 public:
  // Compiles `pattern` (Oniguruma syntax). Throws Error(Parse, where, PCRE2's message + offset).
  Regex(std::string_view pattern, const std::string& where);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  const std::string& pattern() const { return pattern_; }

  // Byte ranges [start, end) of the successive matches in valid UTF-8 `text`.
  std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string pattern_;
  std::string where_;
};

}  // namespace archscope::tok
