// libFuzzer target: any bytes through nlohmann::json::parse and import_hf_config. Malformed JSON is
// not the importer's concern, so parse errors are skipped; after that archscope::Error is the only
// acceptable failure. An imported config must be valid and survive our own JSON writer and reader.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "hf/hf_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json hf = nlohmann::json::parse(data, data + size, nullptr, false);
  if (hf.is_discarded()) return 0;
  archscope::ModelConfig config;
  try {
    config = archscope::import_hf_config(hf, "config.json");
  } catch (const archscope::Error&) {
    return 0;
  }
  archscope::validate(config);  // the importer promises a validated result: throwing here is a bug
  if (!(archscope::config_from_text(archscope::config_to_text(config)) == config)) std::abort();
  return 0;
}
