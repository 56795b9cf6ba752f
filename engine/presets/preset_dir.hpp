// Where presets live: the source tree in a build, <prefix>/share/archscope/presets once
// installed, or anywhere the user points ARCHSCOPE_PRESET_DIR at.
#pragma once

#include <filesystem>

namespace archscope {

// First match wins: $ARCHSCOPE_PRESET_DIR if set and non-empty (taken as given, so a wrong
// path fails loudly at lookup instead of silently falling back); else
// <dir of this executable>/../share/archscope/presets if it is a directory; else the
// compiled-in source presets directory (ARCHSCOPE_SOURCE_PRESET_DIR).
std::filesystem::path preset_dir();

// The directory of the running executable (/proc/self/exe); empty when it cannot be read.
std::filesystem::path executable_dir();

}  // namespace archscope
