// Text -> JSON with the errors a config author needs: the line and column of a syntax error, and
// duplicate keys (nlohmann silently keeps the last one, which hides copy-paste mistakes).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace archscope {

// Throws Error(Parse) with where = the JSON path (duplicate keys), the text position "line:column"
// (syntax errors; Error::within puts the file in front the compiler way, "file.json:3:7") or ""
// (a number out of range, which nlohmann does not locate).
nlohmann::json parse_json_text(std::string_view text);

// The whole file through parse_json_text, its errors within the file's name ("file.json:3:7").
// Error(Io, path, open_failure) when it cannot be opened, Error(System, path, "read failed") when
// reading stops short.
nlohmann::json read_json_file(const std::filesystem::path& path,
                              const std::string& open_failure = "cannot open for reading");

}  // namespace archscope
