// The Unicode operations of the pipeline, on ICU (a kept library, not hand-written tables):
// normalization forms, Rust's char::to_lowercase, and the character classes that Rust code in
// HF tokenizers tests (char::is_whitespace, is_numeric, is_alphabetic, unicode_categories'
// is_punctuation, and the regex crate's \w). All take valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace archscope::tok {

enum class NormalForm { NFC, NFD, NFKC, NFKD };

// The normalized text (ICU 72, Unicode 15.0).
std::string normalize_unicode(std::string_view text, NormalForm form);

// Each code point replaced by its full lowercase mapping with no context, as Rust's
// char::to_lowercase does ('İ' -> "i̇", 'Σ' -> "σ" even at a word end).
std::string lowercase_chars(std::string_view text);

bool is_white_space(char32_t c);  // White_Space property (Rust char::is_whitespace)
bool is_numeric(char32_t c);      // general category Nd, Nl or No (Rust char::is_numeric)
bool is_alphabetic(char32_t c);   // Alphabetic property
bool is_punctuation(char32_t c);  // ASCII punctuation or a P* category (HF's is_punc)
bool is_word_char(char32_t c);    // Rust regex \w: Alphabetic, M, Nd, Pc, Join_Control
bool is_mark(char32_t c);         // category M (Mn, Mc, Me): StripAccents removes these

}  // namespace archscope::tok
