#include "presets/hardware_catalog.hpp"

#include "common/error.hpp"
#include "presets/named_files.hpp"
#include "presets/preset_dir.hpp"

namespace archscope {

namespace {
const NamedFileKind kHardwareKind{"hardware profile", "--hardware", "archscope hardware"};
}  // namespace

std::filesystem::path hardware_dir(const std::filesystem::path& preset_dir) {
  return preset_dir / "hardware";
}

std::vector<std::string> hardware_names(const std::filesystem::path& hw_dir) {
  return json_stems(hw_dir);
}

std::vector<HardwareProfile> list_hardware(const std::filesystem::path& hw_dir) {
  std::vector<HardwareProfile> out;
  for (const std::string& name : hardware_names(hw_dir)) {
    out.push_back(load_hardware_file(hw_dir / (name + ".json")));
  }
  return out;
}

HardwareProfile load_hardware(std::string_view name, const std::filesystem::path& hw_dir) {
  return load_hardware_file(find_named_json(hw_dir, name, kHardwareKind));
}

std::vector<HardwareProfile> list_hardware() {
  return list_hardware(hardware_dir(preset_dir()));
}
HardwareProfile load_hardware(std::string_view name) {
  // A path (what `archscope hardware --measure --out FILE` writes) rather than a catalog name.
  const std::string_view json_ext = ".json";
  const bool path_like =
      name.find('/') != std::string_view::npos ||
      (name.size() > json_ext.size() && name.substr(name.size() - json_ext.size()) == json_ext);
  if (path_like) {
    try {
      return load_hardware_file(std::filesystem::path(name));
    } catch (const Error& e) {
      throw e.within("--hardware");  // "--hardware: host.json: cannot open hardware profile"
    }
  }
  return load_hardware(name, hardware_dir(preset_dir()));
}

}  // namespace archscope
