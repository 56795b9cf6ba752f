// Shared helpers of the HF importer tests: fixture paths and pattern expansion.
#pragma once

#include <string>

#include "config/model_config.hpp"
#include "hf/hf_import.hpp"

namespace archscope::hf_test {

inline std::string fixture(const std::string& name) {
  return std::string(ARCHSCOPE_FIXTURES) + "/hf_configs/" + name + ".json";
}

inline ModelConfig load(const std::string& name) { return import_hf_config_file(fixture(name)); }

template <class T>
T at(const LayerPattern<T>& p, int64_t layer) {
  return p[static_cast<size_t>(layer) % p.size()];
}

}  // namespace archscope::hf_test
