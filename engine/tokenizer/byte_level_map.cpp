#include "tokenizer/byte_level_map.hpp"

#include "tokenizer/utf8.hpp"

namespace archscope::tok {

namespace {
struct Tables {
  std::array<std::string, 256> chars;
  std::array<int16_t, 512> byte_of{};  // code point (< 512) -> byte, -1 for none
  Tables() {
    byte_of.fill(-1);
    std::array<bool, 256> printable{};
    for (int b = '!'; b <= '~'; ++b) printable[b] = true;
    for (int b = 0xA1; b <= 0xAC; ++b) printable[b] = true;
    for (int b = 0xAE; b <= 0xFF; ++b) printable[b] = true;
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const char32_t cp =
          printable[b] ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
      append_utf8(chars[b], cp);
      byte_of[cp] = static_cast<int16_t>(b);
    }
  }
};
const Tables& tables() {
  static const Tables t;
  return t;
}
}  // namespace

const std::array<std::string, 256>& byte_level_chars() {
  return tables().chars;
}

std::optional<uint8_t> byte_level_byte(char32_t c) {
  if (c >= 512) return std::nullopt;
  const int16_t b = tables().byte_of[c];
  if (b < 0) return std::nullopt;
  return static_cast<uint8_t>(b);
}

std::string to_byte_level(std::string_view text) {
  const auto& chars = tables().chars;
  // Every byte maps to a 1- or 2-byte character: size the output once, then copy.
  size_t n = 0;
  for (char c : text) n += chars[static_cast<unsigned char>(c)].size();
  std::string out(n, '\0');
  char* w = out.data();
  for (char c : text) {
    const std::string& s = chars[static_cast<unsigned char>(c)];
    w[0] = s[0];
    if (s.size() == 2) w[1] = s[1];
    w += s.size();
  }
  return out;
}

}  // namespace archscope::tok
