#include "plan/hardware.hpp"

#include <cmath>
#include <initializer_list>

#include "common/error.hpp"
#include "config/json_text.hpp"

namespace archscope {

namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& path,
                       const std::string& message) {
  throw Error(ErrorKind::Validation, path, message).within(origin);
}

double positive_number(const nlohmann::json& j, const char* key, const std::string& origin) {
  if (!j.contains(key)) fail(origin, key, "missing (a positive number)");
  const nlohmann::json& v = j.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0) {
    fail(origin, key, "must be a positive number, got " + v.dump());
  }
  return v.get<double>();
}

std::string text(const nlohmann::json& j, const char* key, const std::string& origin,
                 bool required) {
  if (!j.contains(key)) {
    if (required) fail(origin, key, "missing (a non-empty string)");
    return "";
  }
  const nlohmann::json& v = j.at(key);
  if (!v.is_string()) fail(origin, key, "must be a string, got " + v.dump());
  if (required && v.get<std::string>().empty()) fail(origin, key, "must not be empty");
  return v.get<std::string>();
}

}  // namespace

DType effective_compute_dtype(const HardwareProfile& hw, DType wanted) {
  DType t = wanted;
  while (true) {
    if (hw.peak(t) > 0) return t;
    switch (t) {
      case DType::INT4: t = DType::INT8; break;
      case DType::INT8: t = DType::F16; break;
      case DType::FP8: t = DType::BF16; break;
      case DType::F16:
      case DType::BF16: t = DType::F32; break;
      case DType::F32:
        throw Error(ErrorKind::Unsupported, hw.name,
                    std::string("no peak FLOP/s for ") + to_string(wanted) +
                        " or any wider dtype");
    }
  }
}

HardwareProfile hardware_from_json(const nlohmann::json& j, const std::string& origin) {
  if (!j.is_object()) fail(origin, "", "a hardware profile must be a JSON object");
  static const std::initializer_list<const char*> known = {
      "format", "name", "description", "source", "memory_bandwidth_gbs", "memory_gib",
      "peak_tflops"};
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) {
      fail(origin, key,
           "unknown key (expected format, name, description, source, memory_bandwidth_gbs, "
           "memory_gib, peak_tflops)");
    }
  }
  const std::string format = text(j, "format", origin, true);
  if (format != kHardwareFormatTag) {
    fail(origin, "format",
         "\"" + format + "\" is not \"" + std::string(kHardwareFormatTag) + "\"");
  }

  HardwareProfile hw;
  hw.name = text(j, "name", origin, true);
  hw.description = text(j, "description", origin, false);
  hw.source = text(j, "source", origin, false);
  hw.memory_bandwidth = positive_number(j, "memory_bandwidth_gbs", origin) * 1e9;
  hw.memory_bytes =
      static_cast<uint64_t>(std::llround(positive_number(j, "memory_gib", origin) * 1073741824.0));

  if (!j.contains("peak_tflops")) fail(origin, "peak_tflops", "missing (an object of dtype: TFLOP/s)");
  const nlohmann::json& peaks = j.at("peak_tflops");
  if (!peaks.is_object()) fail(origin, "peak_tflops", "must be an object of dtype: TFLOP/s");
  bool any = false;
  for (const auto& [key, value] : peaks.items()) {
    const std::string path = "peak_tflops." + key;
    const auto t = parse_dtype(key);
    if (!t || key != to_string(*t)) fail(origin, path, "unknown dtype (expected " + dtype_names() + ")");
    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0) {
      fail(origin, path, "must be a non-negative number, got " + value.dump());
    }
    hw.peak_flops[static_cast<size_t>(*t)] = value.get<double>() * 1e12;
    any = any || value.get<double>() > 0;
  }
  if (!any) fail(origin, "peak_tflops", "no dtype has a positive peak");
  return hw;
}

HardwareProfile load_hardware_file(const std::filesystem::path& path) {
  const std::string origin = path.string();
  return hardware_from_json(read_json_file(path, "cannot open hardware profile"), origin);
}

}  // namespace archscope
