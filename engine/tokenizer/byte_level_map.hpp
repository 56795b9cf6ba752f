// GPT-2's byte <-> character table (openai/gpt-2 encoder.py bytes_to_unicode): printable bytes
// map to themselves, the other 68 to U+0100.. in order. Shared by the ByteLevel pre-tokenizer,
// normalizer and decoder.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace archscope::tok {

// The UTF-8 spelling of the character each byte maps to.
const std::array<std::string, 256>& byte_level_chars();

// The byte a ByteLevel character stands for, or nullopt for any other character.
std::optional<uint8_t> byte_level_byte(char32_t c);

// Every byte of `text` replaced by its character.
std::string to_byte_level(std::string_view text);

}  // namespace archscope::tok
