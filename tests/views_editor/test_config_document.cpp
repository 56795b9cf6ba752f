// The editor's working copy: edits, the errors it reports (compared with what the real CLI says
// about the same configuration saved to a file), undo/redo and the modified flag.
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "cli/cli_runner.hpp"
#include "config/config_json.hpp"
#include "editor/config_document.hpp"
#include "editor/layer_pattern.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;
using namespace archscope::editor;

namespace {

ModelConfig preset(const char* name) {
  return load_preset(name, ARCHSCOPE_PRESETS);
}

// What `archscope analyze --config` prints for `config` saved as a file, without the file name.
std::string cli_error_for(const ModelConfig& config) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("archscope-editor-" + std::to_string(::getpid()) + ".json");
  save_config_file(config, path);
  const test::CliResult r = test::run_cli({"analyze", "--config", path.string()});
  std::filesystem::remove(path);
  BOOST_TEST(r.exit_code == 2);
  const std::string prefix = "archscope: error: " + path.string() + ": ";
  BOOST_REQUIRE(r.err.rfind(prefix, 0) == 0);
  return r.err.substr(prefix.size(), r.err.size() - prefix.size() - 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(working_copy)

BOOST_AUTO_TEST_CASE(a_rule_broken_by_an_edit_is_reported_as_the_cli_reports_it) {
  ConfigDocument doc(preset("llama3-8b"));
  BOOST_TEST(doc.valid());
  BOOST_TEST(!doc.set_field("attention.kv_heads", int64_t{3}).has_value());
  BOOST_REQUIRE(!doc.valid());
  BOOST_TEST(doc.error()->where() == "attention.kv_heads");
  BOOST_TEST(doc.config().attention.kv_heads == 3);  // kept, so the user can see and fix it
  BOOST_TEST(doc.error()->where() + ": " + doc.error()->message() == cli_error_for(doc.config()));
  BOOST_TEST(!doc.set_field("attention.kv_heads", int64_t{4}).has_value());
  BOOST_TEST(doc.valid());
}

BOOST_AUTO_TEST_CASE(more_broken_rules_match_the_cli) {
  ConfigDocument doc(preset("deepseek-v3"));
  doc.set_field("moe.top_k", int64_t{300});
  BOOST_REQUIRE(!doc.valid());
  BOOST_TEST(doc.error()->where() + ": " + doc.error()->message() == cli_error_for(doc.config()));
  doc.undo();
  doc.set_field("attention.pattern", std::string("mla, sliding"));
  BOOST_REQUIRE(!doc.valid());
  BOOST_TEST(doc.error()->where() + ": " + doc.error()->message() == cli_error_for(doc.config()));
}

BOOST_AUTO_TEST_CASE(an_unreadable_pattern_is_not_applied_and_names_the_entry) {
  ConfigDocument doc(preset("gemma3-27b"));
  const long rev = doc.revision();
  const auto e = doc.set_field("attention.pattern", std::string("sliding*5, flul"));
  BOOST_REQUIRE(e.has_value());
  BOOST_TEST(e->where() == "attention.pattern[1]");
  BOOST_TEST(e->message() ==
             "unknown attention kind 'flul'; expected one of full, sliding, chunked, mla, linear");
  BOOST_TEST(doc.revision() == rev);
  BOOST_TEST(!doc.can_undo());
  const auto bad_count = doc.set_field("attention.pattern", std::string("sliding*x"));
  BOOST_REQUIRE(bad_count.has_value());
  BOOST_TEST(bad_count->where() == "attention.pattern[0]");
  const auto bad_list = doc.set_field("moe.dense_layers", std::string("1, two"));
  BOOST_REQUIRE(bad_list.has_value());
  BOOST_TEST(bad_list->where() == "moe.dense_layers[1]");
}

BOOST_AUTO_TEST_CASE(undo_redo_and_modified) {
  ConfigDocument doc(preset("qwen3-8b"));
  BOOST_TEST(!doc.modified());
  doc.set_field("d_model", int64_t{2048});
  doc.set_field("n_layers", int64_t{20});
  BOOST_TEST(doc.modified());
  BOOST_TEST(doc.undo_label() == "Undo Layers");
  doc.mark_saved();
  BOOST_TEST(!doc.modified());
  doc.undo();
  BOOST_TEST(doc.config().n_layers == 36);
  BOOST_TEST(doc.config().d_model == 2048);
  BOOST_TEST(doc.modified());
  BOOST_TEST(doc.redo_label() == "Redo Layers");
  doc.redo();
  BOOST_TEST(!doc.modified());
  doc.undo();
  doc.undo();
  BOOST_TEST((doc.config() == preset("qwen3-8b")));
  BOOST_TEST(!doc.can_undo());
  // A new edit after undo drops the redo branch, and with it the saved state.
  doc.set_field("vocab_size", int64_t{1000});
  BOOST_TEST(!doc.can_redo());
  BOOST_TEST(doc.modified());
  // An edit that changes nothing is no step.
  doc.set_field("vocab_size", int64_t{1000});
  doc.undo();
  BOOST_TEST(!doc.can_undo());
}

BOOST_AUTO_TEST_CASE(per_layer_edits_fold_into_the_shortest_pattern) {
  ConfigDocument doc(preset("llama3-8b"));  // 32 full layers
  std::vector<int64_t> sliding;
  for (int64_t i = 0; i < 32; ++i)
    if (i % 4 != 3) sliding.push_back(i);
  doc.set_layers_attention(sliding, AttentionKind::Sliding);
  const LayerPattern<AttentionKind> expected = {AttentionKind::Sliding, AttentionKind::Sliding,
                                                AttentionKind::Sliding, AttentionKind::Full};
  BOOST_TEST((doc.config().attention.pattern == expected));
  BOOST_TEST(doc.error()->where() == "attention.sliding_window");  // sliding layers need a window
  doc.set_field("attention.sliding_window", int64_t{4096});
  BOOST_TEST(doc.valid());
  // Layer 31 sliding too: layers 28..31 are s s s s, and the shortest pattern that repeats to the
  // same 32 layers is the first 29 (its repeat supplies 29..31 = layers 0..2 = sliding).
  doc.set_layers_attention({31}, AttentionKind::Sliding);
  BOOST_TEST(doc.config().attention.pattern.size() == 29u);
  std::vector<AttentionKind> want;
  for (int64_t i = 0; i < 32; ++i)
    want.push_back(i % 4 == 3 && i != 31 ? AttentionKind::Full : AttentionKind::Sliding);
  BOOST_TEST((expand_pattern(doc.config().attention.pattern, 32) == want));
  BOOST_TEST((expand_layers(doc.config()).back().attention == AttentionKind::Sliding));
}

BOOST_AUTO_TEST_CASE(per_layer_moe_edits) {
  ConfigDocument doc(preset("deepseek-v3"));  // first_dense 3
  BOOST_TEST(!doc.set_layers_moe({10, 20}, false).has_value());
  BOOST_TEST((doc.config().moe.dense_layers == std::vector<int64_t>{10, 20}));
  BOOST_TEST(!is_moe_layer(doc.config(), 10));
  BOOST_TEST(!doc.set_layers_moe({10}, true).has_value());
  BOOST_TEST((doc.config().moe.dense_layers == std::vector<int64_t>{20}));
  const auto e = doc.set_layers_moe({1}, true);
  BOOST_REQUIRE(e.has_value());
  BOOST_TEST(e->where() == "moe.first_dense");
  ConfigDocument dense(preset("llama3-8b"));
  BOOST_TEST(dense.set_layers_moe({1}, true)->where() == "moe.experts");
}

BOOST_AUTO_TEST_CASE(local_rope_toggle) {
  ConfigDocument doc(preset("llama3-8b"));
  doc.set_field("position.rope_local", true);
  BOOST_REQUIRE(doc.config().position.rope_local.has_value());
  BOOST_TEST(doc.config().position.rope_local->theta == 500000.0);
  doc.set_field("position.rope_local.theta", 10000.0);
  BOOST_TEST(doc.config().position.rope_local->theta == 10000.0);
  doc.set_field("position.rope_local", false);
  BOOST_TEST(!doc.config().position.rope_local.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
