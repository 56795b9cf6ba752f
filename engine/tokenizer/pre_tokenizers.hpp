// Pre-tokenizers of tokenizer.json (HF pre_tokenizers/): each cuts every piece that has no token
// yet into smaller pieces (and ByteLevel / Metaspace rewrite them). Supported: ByteLevel (with or
// without its GPT-2 regex), Split (String or Regex pattern, every behaviour, invert), Digits,
// Metaspace (prepend_scheme always / first / never, split), Punctuation, Whitespace,
// WhitespaceSplit, CharDelimiterSplit, BertPreTokenizer and Sequence. Others (UnicodeScripts,
// FixedLength) are refused with Error(Unsupported) naming them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokenizer/json_fields.hpp"

namespace archscope::tok {

struct PreToken {
  std::string text;
  // Whether the piece starts at byte 0 of the original text (Metaspace's "first" scheme
  // prepends only there, as HF checks offsets_original().0 == 0).
  bool at_start = false;
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void pre_tokenize(std::vector<PreToken>& pieces) const = 0;
};

// nullptr for a null pre-tokenizer.
std::unique_ptr<PreTokenizer> parse_pre_tokenizer(const Json& j, const std::string& path);

// The GPT-2 pattern the ByteLevel pre-tokenizer uses when use_regex is true.
extern const char* const kGpt2Pattern;

}  // namespace archscope::tok
