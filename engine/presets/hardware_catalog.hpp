// Hardware profiles by name: presets/hardware/<name>.json (name = file stem), parsed by the
// plan's hardware_from_json. Unknown names fail like unknown presets, located at "--hardware".
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "plan/hardware.hpp"

namespace archscope {

// <preset dir>/hardware.
std::filesystem::path hardware_dir(const std::filesystem::path& preset_dir);

// Profile names in `hw_dir`, sorted.
std::vector<std::string> hardware_names(const std::filesystem::path& hw_dir);

// Every profile in `hw_dir`, sorted by name; a broken file throws its own error.
std::vector<HardwareProfile> list_hardware(const std::filesystem::path& hw_dir);

// Unknown name: Error(NotFound, "--hardware", "unknown hardware profile 'x'; did you mean 'y'?
// (archscope hardware lists them)").
HardwareProfile load_hardware(std::string_view name, const std::filesystem::path& hw_dir);

// The same against hardware_dir(preset_dir()). A `name` with a '/' or ending in ".json" is a
// profile file (load_hardware_file), e.g. one `archscope hardware --measure --out` wrote.
std::vector<HardwareProfile> list_hardware();
HardwareProfile load_hardware(std::string_view name);

}  // namespace archscope
