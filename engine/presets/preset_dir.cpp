#include "presets/preset_dir.hpp"

#include <cstdlib>
#include <system_error>

namespace archscope {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe.parent_path();
}

std::filesystem::path preset_dir() {
  if (const char* env = std::getenv("ARCHSCOPE_PRESET_DIR"); env && *env) return env;
  if (const auto exe = executable_dir(); !exe.empty()) {
    const auto installed = exe / ".." / "share" / "archscope" / "presets";
    std::error_code ec;
    if (std::filesystem::is_directory(installed, ec)) return installed.lexically_normal();
  }
  return ARCHSCOPE_SOURCE_PRESET_DIR;
}

}  // namespace archscope
