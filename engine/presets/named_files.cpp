#include "presets/named_files.hpp"

#include <algorithm>
#include <system_error>

#include "common/error.hpp"
#include "presets/closest_name.hpp"

namespace archscope {

std::vector<std::string> json_stems(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw Error(ErrorKind::Io, dir.string(), "not a directory (presets are looked up here)");
  }
  std::vector<std::string> stems;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      stems.push_back(entry.path().stem().string());
    }
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

std::filesystem::path find_named_json(const std::filesystem::path& dir, std::string_view name,
                                      const NamedFileKind& kind) {
  const std::vector<std::string> stems = json_stems(dir);
  // Comparing against the listed stems (not probing dir/name.json) keeps "../x" or "hardware/x"
  // from reaching files outside the catalog.
  if (std::find(stems.begin(), stems.end(), name) != stems.end()) {
    return dir / (std::string(name) + ".json");
  }
  std::string message = std::string("unknown ") + kind.what + " '" + std::string(name) + "'";
  if (auto hint = closest_name(name, stems)) message += "; did you mean '" + *hint + "'?";
  message += std::string(" (") + kind.listing + " lists them)";
  throw Error(ErrorKind::NotFound, kind.option, message);
}

}  // namespace archscope
