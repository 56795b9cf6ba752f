// Multimodal checkpoints wrap the language model: "model.language_model.*" (transformers 5.x) or
// "language_model.model.*" with "language_model.lm_head.*" (4.x Llama 4 / Gemma 3). The fixture
// checkpoint is rewritten under those prefixes, with a vision-tower tensor added, and must load
// to the same logits.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstring>
#include <functional>
#include <fstream>
#include <sstream>

#include "parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// Copies model.safetensors with every name rewritten by `rename`, plus one extra vision tensor
// (4 floats appended to the data section).
void rewrite(const std::filesystem::path& from, const std::filesystem::path& to,
             const std::function<std::string(const std::string&)>& rename) {
  std::ifstream in(from, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string bytes = buf.str();
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  nlohmann::json out;
  for (const auto& [k, v] : header.items()) {
    if (k == "__metadata__") {
      out[k] = v;
      continue;
    }
    out[rename(k)] = v;
  }
  const uint64_t data_len = bytes.size() - 8 - n;
  out["vision_tower.patch_embed.weight"] = {{"dtype", "F32"}, {"shape", {4}}, {"data_offsets", {data_len, data_len + 16}}};
  std::string h = out.dump();
  while ((h.size() + 8) % 8) h += ' ';
  const uint64_t hn = h.size();
  std::ofstream o(to, std::ios::binary);
  o.write(reinterpret_cast<const char*>(&hn), 8);
  o << h;
  o.write(bytes.data() + 8 + n, static_cast<std::streamsize>(data_len));
  const float vision[4] = {1, 2, 3, 4};
  o.write(reinterpret_cast<const char*>(vision), sizeof vision);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(checkpoint_prefixes)

BOOST_AUTO_TEST_CASE(multimodal_prefixes_load) {
  const Fixture f = load_fixture("llama");
  cpu::CpuBackend be(2);
  const auto tmp = std::filesystem::temp_directory_path() / ("archscope_prefix_" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  const std::function<std::string(const std::string&)> renames[] = {
      [](const std::string& k) { return k.rfind("model.", 0) == 0 ? "model.language_model." + k.substr(6) : k; },
      [](const std::string& k) { return "language_model." + k; },
  };
  for (const auto& rename : renames) {
    rewrite(fixture_dir("llama") / "model.safetensors", tmp / "model.safetensors", rename);
    const ModelWeights w = load_hf_weights(be, f.config, tmp);
    Model model(be, f.config, w);
    PagedKvCache cache(be, f.config, small_cache());
    const int64_t s = cache.add_sequence();
    BOOST_TEST(rel_diff(model.forward_host(cache, {{s, f.tokens}}), f, 0) <= kParityTolerance);
  }
  std::filesystem::remove_all(tmp);
}

BOOST_AUTO_TEST_SUITE_END()
