// Shared by the preset and hardware catalogs: the *.json files of one directory, addressed by
// file stem, with the NotFound error and its did-you-mean hint for names that are not there.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace archscope {

struct NamedFileKind {
  const char* what;     // "preset", "hardware profile"
  const char* option;   // where the name came from: "--preset", "--hardware"
  const char* listing;  // the command that lists them: "archscope presets"
};

// Stems of the regular *.json files directly in `dir`, sorted. A missing directory throws
// Error(Io) naming it, so a wrong ARCHSCOPE_PRESET_DIR is reported as such.
std::vector<std::string> json_stems(const std::filesystem::path& dir);

// dir/<name>.json if `name` is one of json_stems(dir); otherwise
// Error(NotFound, kind.option, "unknown <what> '<name>'; did you mean '<y>'? (<listing> lists them)"),
// the hint left out when nothing is close.
std::filesystem::path find_named_json(const std::filesystem::path& dir, std::string_view name,
                                      const NamedFileKind& kind);

}  // namespace archscope
