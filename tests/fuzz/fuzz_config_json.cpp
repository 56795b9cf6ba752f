// libFuzzer target: any bytes through config_from_text. archscope::Error is the only acceptable
// failure; any other exception escapes and libFuzzer reports it, as do sanitizer findings. A
// config that loads must also survive the writer and expansion, and round-trip exactly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/error.hpp"
#include "config/config_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  archscope::ModelConfig config;
  try {
    config = archscope::config_from_text(text, "fuzz.json");
  } catch (const archscope::Error&) {
    return 0;
  }
  const auto layers = archscope::expand_layers(config);
  if (static_cast<int64_t>(layers.size()) != config.n_layers) std::abort();
  const std::string saved = archscope::config_to_text(config);
  const archscope::ModelConfig reloaded = archscope::config_from_text(saved);
  if (!(reloaded == config) || archscope::config_to_text(reloaded) != saved) std::abort();
  return 0;
}
