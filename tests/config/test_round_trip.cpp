#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_json.hpp"
#include "config_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(config_round_trip)

BOOST_AUTO_TEST_CASE(rich_config_is_valid_and_non_default) {
  const ModelConfig c = rich();
  validate(c);
  // Each sub-object differs from its default, so every writer branch is exercised.
  BOOST_TEST(!(c.norm == NormConfig{}));
  BOOST_TEST(!(c.attention.mla == MlaConfig{}));
  BOOST_TEST(!(c.attention.linear == LinearAttentionConfig{}));
  BOOST_TEST(!(c.attention.temperature_tuning == TemperatureTuning{}));
  BOOST_TEST(!(c.position.rope.scaling == RopeScaling{}));
  BOOST_TEST(!(c.ffn == FfnConfig{}));
  BOOST_TEST(!(c.moe == MoeConfig{}));
}

BOOST_AUTO_TEST_CASE(struct_to_text_to_struct) {
  const ModelConfig c = rich();
  const std::string text = config_to_text(c);
  const ModelConfig back = config_from_text(text, "rich.json");
  BOOST_TEST((back == c));
  BOOST_TEST(back.embedding_scale == c.embedding_scale);  // exact, not approximately
  BOOST_TEST(back.logit_scale == 0.1 + 0.2);
  BOOST_TEST(text.back() == '\n');
}

BOOST_AUTO_TEST_CASE(text_to_struct_to_text_is_byte_identical) {
  for (const ModelConfig& c : {rich(), small_dense()}) {
    const std::string once = config_to_text(c);
    const std::string twice = config_to_text(config_from_text(once));
    BOOST_TEST(once == twice);
  }
}

BOOST_AUTO_TEST_CASE(json_object_round_trip) {
  const ModelConfig c = rich();
  const nlohmann::json j = config_to_json(c);
  BOOST_TEST(j.at("format") == kModelFormatTag);
  BOOST_TEST((config_from_json(j) == c));
}

BOOST_AUTO_TEST_CASE(file_round_trip) {
  const auto path = std::filesystem::temp_directory_path() / "archscope_test_round_trip.json";
  save_config_file(rich(), path);
  BOOST_TEST((load_config_file(path) == rich()));
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(writer_uses_field_order_and_omits_default_sub_objects) {
  const std::string text = config_to_text(small_dense());
  BOOST_TEST(text.rfind("{\n  \"format\": \"archscope.model/1\",\n  \"name\": \"tiny\"", 0) == 0);
  BOOST_TEST(text.find("\"vocab_size\"") < text.find("\"d_model\""));
  BOOST_TEST(text.find("\"norm\"") < text.find("\"attention\""));
  BOOST_TEST(text.find("\"attention\"") < text.find("\"position\""));
  BOOST_TEST(!contains(text, "\"mla\""));
  BOOST_TEST(!contains(text, "\"moe\""));
  BOOST_TEST(!contains(text, "\"scaling\""));
  BOOST_TEST(!contains(text, "\"rope_local\""));
  // Every top-level field is written even at its default.
  BOOST_TEST(contains(text, "\"final_softcap\": 0.0"));
  BOOST_TEST(contains(text, "\"tied_embeddings\": false"));
}

BOOST_AUTO_TEST_CASE(omitted_fields_take_defaults) {
  const ModelConfig c = config_from_text(R"({
    "format": "archscope.model/1", "vocab_size": 1000, "d_model": 64, "n_layers": 4,
    "max_context": 2048, "name": "tiny",
    "attention": {"heads": 4, "kv_heads": 2, "head_dim": 16}, "ffn": {"d_ff": 256}})");
  BOOST_TEST((c == small_dense()));
}

BOOST_AUTO_TEST_CASE(fixture_file_loads) {
  const ModelConfig c =
      load_config_file(std::filesystem::path(ARCHSCOPE_FIXTURES) / "config" / "gemma3_like.json");
  BOOST_TEST(c.n_layers == 62);
  BOOST_TEST(c.position.rope_local.has_value());
  BOOST_TEST(c.position.rope_local->theta == 10000.0);
  BOOST_TEST((c.norm.kind == NormKind::RmsNormPlusOne));
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error) {
  const auto e = error_of([] { load_config_file("/nonexistent/dir/model.json"); });
  BOOST_REQUIRE(e.has_value());
  BOOST_TEST((e->kind() == ErrorKind::Io));
  BOOST_TEST(e->where() == "/nonexistent/dir/model.json");
}

BOOST_AUTO_TEST_CASE(file_errors_name_the_file) {
  const auto path = std::filesystem::path(ARCHSCOPE_FIXTURES) / "config" / "bad_kv_heads.json";
  const auto e = error_of([&] { load_config_file(path); });
  BOOST_REQUIRE(e.has_value());
  BOOST_TEST((e->kind() == ErrorKind::Validation));
  BOOST_TEST(std::string(e->what()) ==
             path.string() + ": attention.kv_heads: 3 does not divide heads 32");
}

BOOST_AUTO_TEST_SUITE_END()
