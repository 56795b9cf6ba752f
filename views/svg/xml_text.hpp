// Text made safe for XML content and attribute values (SVG, XHTML). Run names, model names and
// device strings come from users and files, so every one of them goes through here.
#pragma once

#include <string>
#include <string_view>

#include "report/text_format.hpp"

namespace archscope::svg {

// Escapes & < > " ' and makes the text well-formed XML: bytes that are not valid UTF-8 become
// U+FFFD, and control characters XML 1.0 forbids (everything below 0x20 except tab, newline and
// carriage return, plus U+FFFE/U+FFFF) become U+FFFD too, instead of breaking the document.
std::string escape(std::string_view text);

// Labels that must fit a fixed width are cut by text::truncate (the full text goes in a <title>).
using text::truncate;

}  // namespace archscope::svg
