// config.json's quantization_config (hf/hf_quantization.hpp): the two published formats as their
// model cards' config.json write them (openai/gpt-oss-20b, deepseek-ai/DeepSeek-V3), and every
// value outside them refused with the JSON path.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "hf/hf_quantization.hpp"

using namespace archscope;
using nlohmann::json;

namespace {

json with(const json& q) {
  return {{"model_type", "deepseek_v3"}, {"quantization_config", q}};
}

bool error_at(const json& hf, ErrorKind kind, const std::string& where) {
  try {
    read_hf_quantization(hf, "config.json");
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.kind() == kind && e.where() == where;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hf_quantization)

BOOST_AUTO_TEST_CASE(published_configs) {
  const json gpt_oss = {
      {"modules_to_not_convert",
       {"model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"}},
      {"quant_method", "mxfp4"}};
  const auto m = read_hf_quantization(with(gpt_oss), "config.json");
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST((m->format == quant::Format::Mxfp4));
  BOOST_TEST(m->experts_only);
  BOOST_TEST(m->modules_to_not_convert.size() == 4u);
  BOOST_TEST(m->where == "config.json: quantization_config");

  const json v3 = {{"activation_scheme", "dynamic"},
                   {"fmt", "e4m3"},
                   {"quant_method", "fp8"},
                   {"weight_block_size", {128, 128}}};
  const auto f = read_hf_quantization(with(v3), "config.json");
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST((f->format == quant::Format::Fp8E4M3Block128));
  BOOST_TEST(!f->experts_only);
  BOOST_TEST(f->block_n == 128);
  BOOST_TEST(f->block_k == 128);
  // FineGrainedFP8Config's defaults when only the method is written.
  BOOST_TEST(read_hf_quantization(with({{"quant_method", "fp8"}}), "c")->block_k == 128);

  BOOST_TEST(!read_hf_quantization({{"model_type", "llama"}}, "c").has_value());
  BOOST_TEST(!read_hf_quantization({{"model_type", "llama"}, {"quantization_config", nullptr}}, "c")
                  .has_value());
}

BOOST_AUTO_TEST_CASE(everything_else_is_refused_where_it_is) {
  BOOST_TEST(error_at(with({{"quant_method", "gptq"}}), ErrorKind::Unsupported,
                      "config.json: quantization_config.quant_method"));
  BOOST_TEST(error_at(with({{"quant_method", 4}}), ErrorKind::Parse,
                      "config.json: quantization_config.quant_method"));
  BOOST_TEST(error_at(with(json::object()), ErrorKind::Validation,
                      "config.json: quantization_config.quant_method"));
  BOOST_TEST(error_at(with("mxfp4"), ErrorKind::Parse, "config.json: quantization_config"));
  BOOST_TEST(error_at(with({{"quant_method", "fp8"}, {"weight_block_size", {128, 64}}}),
                      ErrorKind::Unsupported,
                      "config.json: quantization_config.weight_block_size"));
  BOOST_TEST(error_at(with({{"quant_method", "fp8"}, {"weight_block_size", {128}}}),
                      ErrorKind::Unsupported,
                      "config.json: quantization_config.weight_block_size"));
  BOOST_TEST(error_at(with({{"quant_method", "fp8"}, {"weight_block_size", "128"}}),
                      ErrorKind::Parse, "config.json: quantization_config.weight_block_size"));
  BOOST_TEST(error_at(with({{"quant_method", "fp8"}, {"fmt", "e5m2"}}), ErrorKind::Unsupported,
                      "config.json: quantization_config.fmt"));
  BOOST_TEST(error_at(with({{"quant_method", "fp8"}, {"activation_scheme", "static"}}),
                      ErrorKind::Unsupported,
                      "config.json: quantization_config.activation_scheme"));
  BOOST_TEST(error_at(with({{"quant_method", "mxfp4"}, {"modules_to_not_convert", {"lm_head", 3}}}),
                      ErrorKind::Parse,
                      "config.json: quantization_config.modules_to_not_convert[1]"));
}

BOOST_AUTO_TEST_SUITE_END()
