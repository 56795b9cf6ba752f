// Bad input: every failure is an archscope::Error naming the key, never a crash.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "common/error.hpp"
#include "hf_test_util.hpp"

using namespace archscope;

namespace {

nlohmann::json llama() {
  return nlohmann::json::parse(std::ifstream(hf_test::fixture("llama3-8b")));
}

// Runs the import and returns the Error it must throw.
Error import_error(const nlohmann::json& j) {
  try {
    import_hf_config(j, "config.json");
  } catch (const Error& e) {
    return e;
  }
  BOOST_FAIL("import did not throw");
  return Error(ErrorKind::Internal, "", "");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hf_errors)

BOOST_AUTO_TEST_CASE(unsupported_model_type_lists_supported) {
  auto j = llama();
  j["model_type"] = "bloom";  // gpt2 became importable
  const Error e = import_error(j);
  BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  BOOST_TEST(e.where() == "config.json: model_type");
  BOOST_TEST(e.message().find("'bloom'") != std::string::npos);
  for (const auto& t : supported_hf_model_types()) {
    BOOST_TEST(e.message().find(t) != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(missing_required_field_names_key) {
  auto j = llama();
  j.erase("hidden_size");
  const Error e = import_error(j);
  BOOST_TEST(e.where() == "config.json: hidden_size");
}

BOOST_AUTO_TEST_CASE(nested_missing_field_names_path) {
  auto j = nlohmann::json::parse(std::ifstream(hf_test::fixture("gemma3-27b")));
  j["text_config"].erase("num_hidden_layers");
  BOOST_TEST(import_error(j).where() == "config.json: text_config.num_hidden_layers");
}

BOOST_AUTO_TEST_CASE(wrong_types_name_key) {
  const std::pair<const char*, nlohmann::json> cases[] = {
      {"hidden_size", "4096"},       {"num_hidden_layers", 32.5},
      {"rms_norm_eps", "tiny"},      {"tie_word_embeddings", 1},
      {"rope_scaling", "llama3"},    {"num_key_value_heads", nlohmann::json::array()},
      {"hidden_act", 7},             {"vocab_size", -5},
      {"hidden_size", 1e300}};
  for (const auto& [key, value] : cases) {
    auto j = llama();
    j[key] = value;
    BOOST_TEST_CONTEXT(key << " = " << value.dump()) {
      BOOST_TEST(import_error(j).where() == std::string("config.json: ") + key);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_rope_scaling_fields) {
  auto j = llama();
  j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}};
  BOOST_TEST(import_error(j).where() ==
             "config.json: rope_scaling.original_max_position_embeddings");
  j["rope_scaling"] = {{"rope_type", "longrope"}, {"factor", 8.0}};
  const Error e = import_error(j);
  BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  BOOST_TEST(e.where() == "config.json: rope_scaling.rope_type");
}

BOOST_AUTO_TEST_CASE(layer_types_length_and_values) {
  auto j = nlohmann::json::parse(std::ifstream(hf_test::fixture("gpt-oss-20b")));
  j["layer_types"].erase(0);
  BOOST_TEST(import_error(j).where() == "config.json: layer_types");
  j = nlohmann::json::parse(std::ifstream(hf_test::fixture("gpt-oss-20b")));
  j["layer_types"][3] = "mamba";
  BOOST_TEST(import_error(j).where() == "config.json: layer_types[3]");
}

BOOST_AUTO_TEST_CASE(not_an_object_and_missing_model_type) {
  BOOST_TEST((import_error(nlohmann::json::array()).kind() == ErrorKind::Parse));
  auto j = llama();
  j.erase("model_type");
  BOOST_TEST(import_error(j).where() == "config.json: model_type");
  j = nlohmann::json::parse(std::ifstream(hf_test::fixture("mistral-small-3.1-24b")));
  j["text_config"] = 5;
  BOOST_TEST(import_error(j).where() == "config.json: text_config");
}

BOOST_AUTO_TEST_CASE(rule_violations_surface_as_validation) {
  auto j = llama();
  j["num_key_value_heads"] = 3;  // does not divide 32
  const Error e = import_error(j);
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(e.where().find("kv_heads") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unreadable_file) {
  try {
    import_hf_config_file(hf_test::fixture("no-such-model"));
    BOOST_FAIL("no error");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Io));
  }
}

BOOST_AUTO_TEST_SUITE_END()
