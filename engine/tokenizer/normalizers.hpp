// Normalizers of tokenizer.json (HF normalizers/): each rewrites the text of one piece before
// pre-tokenization. Supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip,
// StripAccents, ByteLevel and Sequence. Any other type (BertNormalizer, Precompiled, Nmt) is
// refused with Error(Unsupported) naming it and its JSON path.
#pragma once

#include <memory>
#include <string>

#include "tokenizer/json_fields.hpp"

namespace archscope::tok {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// nullptr for a null normalizer.
std::unique_ptr<Normalizer> parse_normalizer(const Json& j, const std::string& path);

}  // namespace archscope::tok
