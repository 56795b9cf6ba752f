// GPT-2 checkpoints come in two layouts: save_pretrained's "transformer.wte.weight" (the parity
// fixture) and the original hub files without the prefix, which also carry the causal-mask
// buffers h.N.attn.bias / h.N.attn.masked_bias. Both must load to the fixture's logits; a tensor
// the config does not explain must still be reported.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// Copies the gpt2 fixture's model.safetensors without the "transformer." prefix, plus 4-float
// tensors named `extra` appended to the data section.
void write_hub_layout(const std::filesystem::path& to, const std::vector<std::string>& extra) {
  std::ifstream in(fixture_dir("gpt2") / "model.safetensors", std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string bytes = buf.str();
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  nlohmann::json out;
  for (const auto& [k, v] : header.items()) {
    const std::string p = "transformer.";
    out[k.rfind(p, 0) == 0 ? k.substr(p.size()) : k] = v;
  }
  const uint64_t data_len = bytes.size() - 8 - n;
  for (size_t i = 0; i < extra.size(); ++i)
    out[extra[i]] = {{"dtype", "F32"}, {"shape", {1, 1, 2, 2}}, {"data_offsets", {data_len + 16 * i, data_len + 16 * (i + 1)}}};
  std::string h = out.dump();
  while ((h.size() + 8) % 8) h += ' ';
  const uint64_t hn = h.size();
  std::ofstream o(to, std::ios::binary);
  o.write(reinterpret_cast<const char*>(&hn), 8);
  o << h;
  o.write(bytes.data() + 8 + n, static_cast<std::streamsize>(data_len));
  const float values[4] = {1, 0, 1, 1};
  for (size_t i = 0; i < extra.size(); ++i) o.write(reinterpret_cast<const char*>(values), sizeof values);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gpt2_checkpoint)

BOOST_AUTO_TEST_CASE(hub_layout_without_prefix_and_with_mask_buffers_loads) {
  const Fixture f = load_fixture("gpt2");
  cpu::CpuBackend be(2);
  const auto tmp = std::filesystem::temp_directory_path() / ("archscope_gpt2_" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  write_hub_layout(tmp / "model.safetensors", {"h.0.attn.bias", "h.1.attn.masked_bias"});
  {
    const ModelWeights w = load_hf_weights(be, f.config, tmp);
    Model model(be, f.config, w);
    PagedKvCache cache(be, f.config, small_cache());
    const int64_t s = cache.add_sequence();
    BOOST_TEST(rel_diff(model.forward_host(cache, {{s, f.tokens}}), f, 0) <= kParityTolerance);
  }
  // A tensor GPT-2 does not have is still unexpected (the buffer exemption is by exact name).
  write_hub_layout(tmp / "model.safetensors", {"h.0.attn.c_attn.extra"});
  BOOST_CHECK_THROW(load_hf_weights(be, f.config, tmp), Error);
  std::filesystem::remove_all(tmp);
}

BOOST_AUTO_TEST_SUITE_END()
