// Text -> JSON with the errors a config author needs: the line and column of a syntax error, and
// duplicate keys (nlohmann silently keeps the last one, which hides copy-paste mistakes).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace archscope {

// Throws Error(Parse) with where = the JSON path (duplicate keys) or "" (syntax errors).
nlohmann::json parse_json_text(std::string_view text);

}  // namespace archscope
