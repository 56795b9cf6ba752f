#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "config/config_json.hpp"
#include "config_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// A valid file with `extra` spliced into the top-level object and `attention` as the attention body.
std::string model(const std::string& extra,
                  const std::string& attention = R"("heads": 4, "kv_heads": 2, "head_dim": 16)",
                  const std::string& ffn = R"("d_ff": 64)") {
  return R"({"format": "archscope.model/1", "vocab_size": 100, "d_model": 32, "n_layers": 2,
  "ffn": {)" + ffn + R"(}, "attention": {)" + attention + "}" + (extra.empty() ? "" : ", " + extra) + "}";
}

Error parse_error_of(const std::string& text, const std::string& origin = "m.json") {
  const auto e = error_of([&] { config_from_text(text, origin); });
  BOOST_REQUIRE(e.has_value());
  return *e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_json_errors)

BOOST_AUTO_TEST_CASE(base_document_is_valid) { BOOST_CHECK_NO_THROW(config_from_text(model(""))); }

BOOST_AUTO_TEST_CASE(unknown_key_has_a_hint) {
  const Error e = parse_error_of(model("", R"("heads": 4, "kv_head": 2, "head_dim": 16)"), "qwen.json");
  BOOST_TEST((e.kind() == ErrorKind::Parse));
  BOOST_TEST(std::string(e.what()) ==
             "qwen.json: attention.kv_head: unknown key 'kv_head'; did you mean 'kv_heads'?");
}

BOOST_AUTO_TEST_CASE(unknown_keys_at_every_level) {
  BOOST_TEST(parse_error_of(model(R"("vocab": 5)")).where() == "m.json: vocab");
  BOOST_TEST(contains(parse_error_of(model(R"("vocab": 5)")).message(), "did you mean 'vocab_size'?"));
  BOOST_TEST(parse_error_of(model(R"("position": {"rope": {"scaling": {"kind": "yarn", "factr": 2}}})"))
                 .where() == "m.json: position.rope.scaling.factr");
  BOOST_TEST(parse_error_of(model(R"("moe": {"num_experts": 2})")).where() == "m.json: moe.num_experts");
  // Nothing close: list what is valid instead.
  const Error far = parse_error_of(model(R"("norm": {"zzzzzzzz": 1})"));
  BOOST_TEST(far.message() == "unknown key 'zzzzzzzz'; expected one of kind, eps, placement, bias");
}

BOOST_AUTO_TEST_CASE(malformed_json_reports_line_and_column) {
  const Error e = parse_error_of("{\n  \"format\": \"archscope.model/1\",\n  \"name\" \"x\"\n}");
  BOOST_TEST((e.kind() == ErrorKind::Parse));
  // file:line:column and the reason, nlohmann's own prefix ("[json.exception.parse_error.101]")
  // gone.
  BOOST_TEST(e.where().rfind("m.json:3:", 0) == 0u, e.where());
  BOOST_TEST(e.message().rfind("malformed JSON: ", 0) == 0u, e.message());
  BOOST_TEST(std::string(e.what()).find("json.exception") == std::string::npos);
  BOOST_TEST(contains(parse_error_of("").message(), "malformed JSON"));
  BOOST_TEST(contains(parse_error_of("{\"a\": 1e999}").message(), "malformed JSON"));
  BOOST_TEST(parse_error_of("{} trailing").where().rfind("m.json:1:", 0) == 0u);
  BOOST_TEST(contains(parse_error_of("{\"name\": \"\xff\"}").message(), "malformed JSON"));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_errors) {
  const Error e = parse_error_of(model("", R"("heads": 4, "kv_heads": 2, "heads": 8, "head_dim": 16)"));
  BOOST_TEST((e.kind() == ErrorKind::Parse));
  BOOST_TEST(e.where() == "m.json: attention.heads");
  BOOST_TEST(e.message() == "duplicate key 'heads'");
  const Error in_array = parse_error_of(R"({"x": [1, {"a": 1, "a": 2}]})");
  BOOST_TEST(in_array.where() == "m.json: x[1].a");
}

BOOST_AUTO_TEST_CASE(format_tag_is_required) {
  const Error missing = parse_error_of(R"({"name": "x"})");
  BOOST_TEST(missing.where() == "m.json: format");
  BOOST_TEST(contains(missing.message(), "missing"));
  const Error wrong = parse_error_of(R"({"format": "archscope.model/2"})");
  BOOST_TEST(contains(wrong.message(), "unsupported format 'archscope.model/2'"));
  BOOST_TEST(parse_error_of("[1, 2]").message() == "expected an object, got array");
}

BOOST_AUTO_TEST_CASE(type_errors) {
  const struct {
    std::string text;
    const char* where;
    const char* message;
  } cases[] = {
      {model("", R"("heads": "32", "kv_heads": 2, "head_dim": 16)"), "m.json: attention.heads",
       "expected an integer, got string"},
      {model("", R"("heads": 4.5, "kv_heads": 2, "head_dim": 16)"), "m.json: attention.heads",
       "expected an integer, got 4.5"},
      {model(R"("tied_embeddings": 1)"), "m.json: tied_embeddings", "expected true or false, got 1"},
      {model(R"("embedding_scale": "big")"), "m.json: embedding_scale",
       "expected a number, got string"},
      {model(R"("name": 7)"), "m.json: name", "expected a string, got 7"},
      {model(R"("norm": [])"), "m.json: norm", "expected an object, got array"},
      {model(R"("max_context": 9223372036854775808)"), "m.json: max_context",
       "9223372036854775808 is out of range for a 64-bit integer"},
      {model(R"("max_context": 1e30)"), "m.json: max_context", "1e+30 is out of range for a 64-bit integer"},
      {model(R"("moe": {"dense_layers": [1, "2"]})"), "m.json: moe.dense_layers[1]",
       "expected an integer, got string"},
      {model(R"("moe": {"dense_layers": 3})"), "m.json: moe.dense_layers",
       "expected an array of integers, got 3"},
      {model(R"("norm": {"kind": "batchnorm"})"), "m.json: norm.kind",
       "unknown norm kind 'batchnorm'; expected one of rmsnorm, layernorm, rmsnorm_plus_one"},
      {model("", R"("heads": 4, "kv_heads": 2, "head_dim": 16)", R"("kind": "swish", "d_ff": 64)"), "m.json: ffn.kind",
       "unknown ffn kind 'swish'; expected one of swiglu, geglu, gelu, relu, swiglu_clamped"},
      {model(R"("moe": {"scoring": "topk"})"), "m.json: moe.scoring",
       "unknown router scoring 'topk'; expected one of softmax, sigmoid"},
      {model("", R"("heads": 4, "kv_heads": 2, "head_dim": 16, "qk_norm": "rms")"),
       "m.json: attention.qk_norm",
       "unknown qk_norm kind 'rms'; expected one of none, per_head, projection, l2"},
      {model(R"("position": {"rope": {"scaling": {"kind": "ntk"}}})"),
       "m.json: position.rope.scaling.kind",
       "unknown rope scaling kind 'ntk'; expected one of none, linear, llama3, yarn"},
      {model(R"("norm": {"placement": "middle"})"), "m.json: norm.placement",
       "unknown norm placement 'middle'; expected one of pre, post, sandwich"},
      {model(R"("position": {"pattern": ["alibi"]})"), "m.json: position.pattern[0]",
       "unknown position kind 'alibi'; expected one of rope, nope, learned"},
      {model(R"("max_context": null)"), "m.json: max_context", "expected an integer, got null"},
  };
  for (const auto& t : cases) {
    BOOST_TEST_CONTEXT(t.text) {
      const Error e = parse_error_of(t.text);
      BOOST_TEST((e.kind() == ErrorKind::Parse));
      BOOST_TEST(e.where() == t.where);
      BOOST_TEST(e.message() == t.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(numbers_in_other_spellings) {
  // Integral floats are integers; integers are doubles.
  const ModelConfig c = config_from_text(model(R"("max_context": 1e5, "embedding_scale": 2)"));
  BOOST_TEST(c.max_context == 100000);
  BOOST_TEST(c.embedding_scale == 2.0);
}

BOOST_AUTO_TEST_CASE(validation_errors_carry_the_origin) {
  const Error e = parse_error_of(model("", R"("heads": 32, "kv_heads": 3, "head_dim": 16)"), "qwen.json");
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(std::string(e.what()) == "qwen.json: attention.kv_heads: 3 does not divide heads 32");
  // Without an origin the path stands alone.
  const auto bare = error_of([] { config_from_text(model(R"("mtp_layers": -1)")); });
  BOOST_REQUIRE(bare.has_value());
  BOOST_TEST(std::string(bare->what()) == "mtp_layers: must not be negative, got -1");
}

BOOST_AUTO_TEST_CASE(rope_local_null_means_absent) {
  const ModelConfig c = config_from_text(model(R"("position": {"rope_local": null})"));
  BOOST_TEST(!c.position.rope_local.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
