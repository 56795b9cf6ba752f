// UTF-8 as the tokenizer pipeline needs it: validation of external text (HF tokenizers takes Rust
// strings, so invalid UTF-8 can never reach it; we refuse it with the byte offset), code point
// iteration over text already validated, and Rust's from_utf8_lossy for decoded byte streams.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace archscope::tok {

// Byte offset of the first invalid sequence (overlong forms, surrogates and values above
// U+10FFFF count as invalid, as in Rust's str), or nullopt when `text` is valid UTF-8.
std::optional<size_t> first_invalid_utf8(std::string_view text);

// Throws Error(Validation, where, "invalid UTF-8 at byte N ...") unless `text` is valid.
void require_utf8(std::string_view text, const std::string& where);

// Length in bytes of the code point starting with lead byte `lead` (valid text only).
inline size_t utf8_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Decodes the code point at `pos` of valid UTF-8 and advances `pos` past it.
char32_t next_code_point(std::string_view text, size_t& pos);

// Decodes the code point that ends at `end` (exclusive) of valid UTF-8.
char32_t code_point_before(std::string_view text, size_t end);

void append_utf8(std::string& out, char32_t cp);

// String::from_utf8_lossy: each maximal invalid subsequence becomes one U+FFFD.
std::string utf8_lossy(std::string_view bytes);

}  // namespace archscope::tok
