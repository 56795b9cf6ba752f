// Text made safe for XML content and attribute values (SVG, XHTML). Run names, model names and
// device strings come from users and files, so every one of them goes through here.
#pragma once

#include <string>
#include <string_view>

namespace archscope::svg {

// Escapes & < > " ' and makes the text well-formed XML: bytes that are not valid UTF-8 become
// U+FFFD, and control characters XML 1.0 forbids (everything below 0x20 except tab, newline and
// carriage return, plus U+FFFE/U+FFFF) become U+FFFD too, instead of breaking the document.
std::string escape(std::string_view text);

// At most `max_chars` code points of `text`, ending in "…" when shortened; never splits a UTF-8
// sequence. For labels that must fit a fixed width (the full text goes in a <title>).
std::string truncate(std::string_view text, size_t max_chars);

}  // namespace archscope::svg
