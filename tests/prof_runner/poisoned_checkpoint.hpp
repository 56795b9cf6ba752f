// A copy of an HF reference fixture (tests/fixtures/hf) with chosen weight elements set to NaN:
// the place a non-finite value enters the forward pass is then known in advance, independent of
// the engine, so a test can check that the profiler names exactly that layer and op.
#pragma once

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hf/hf_import.hpp"

namespace archscope::test {

struct PoisonedCheckpoint {
  std::filesystem::path dir;
  ModelConfig config;
  ~PoisonedCheckpoint() { std::filesystem::remove_all(dir); }
};

// Copies fixture `family` and sets elements [first, first + count) (stride `stride`) of the F32
// tensor `tensor` to NaN.
inline void poison(const std::filesystem::path& file, const std::string& tensor, int64_t first,
                   int64_t count, int64_t stride) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_REQUIRE(bytes.size() > 8);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);  // little-endian header length
  const auto header =
      nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<int64_t>(n));
  const auto& t = header.at(tensor);
  BOOST_REQUIRE(t.at("dtype") == "F32");
  const size_t begin = 8 + n + t.at("data_offsets")[0].get<size_t>();
  const size_t end = 8 + n + t.at("data_offsets")[1].get<size_t>();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int64_t i = 0; i < count; ++i) {
    const size_t at = begin + static_cast<size_t>((first + i * stride) * 4);
    BOOST_REQUIRE(at + 4 <= end);
    std::memcpy(bytes.data() + at, &nan, 4);
  }
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::unique_ptr<PoisonedCheckpoint> poisoned(const std::string& family,
                                                    const std::string& tensor, int64_t first,
                                                    int64_t count = 1, int64_t stride = 1) {
  auto p = std::make_unique<PoisonedCheckpoint>();
  const auto src = std::filesystem::path(ARCHSCOPE_FIXTURES) / "hf" / family;
  p->dir = std::filesystem::temp_directory_path() /
           ("archscope_poisoned_" + family + "_" + std::to_string(::getpid()) + "_" +
            std::to_string(first));
  std::filesystem::create_directories(p->dir);
  for (const char* f : {"config.json", "model.safetensors"})
    std::filesystem::copy_file(src / f, p->dir / f,
                               std::filesystem::copy_options::overwrite_existing);
  poison(p->dir / "model.safetensors", tensor, first, count, stride);
  std::ifstream cin(p->dir / "config.json");
  p->config = import_hf_config(nlohmann::json::parse(cin), (p->dir / "config.json").string());
  return p;
}

}  // namespace archscope::test
