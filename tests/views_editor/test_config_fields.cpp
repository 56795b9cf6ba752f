// The editor's field table against the configuration's own JSON form: every leaf that
// config_to_json writes for any preset is a field, and reading then writing every field through
// its text form changes nothing.
#include <boost/test/unit_test.hpp>
#include <set>

#include "config/config_json.hpp"
#include "editor/config_fields.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;
using namespace archscope::editor;

namespace {

void leaves(const nlohmann::json& j, const std::string& prefix, std::set<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      leaves(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else {
    out.insert(prefix);  // arrays (patterns, dense_layers) are one field
  }
}

std::vector<ModelConfig> all_presets() {
  std::vector<ModelConfig> out;
  for (const std::string& name : preset_names(ARCHSCOPE_PRESETS))
    out.push_back(load_preset(name, ARCHSCOPE_PRESETS));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(field_table)

BOOST_AUTO_TEST_CASE(every_json_leaf_of_every_preset_is_a_field) {
  std::set<std::string> paths;
  for (const ModelConfig& c : all_presets()) leaves(config_to_json(c), "", paths);
  paths.erase("format");  // the file's tag, not a field
  // position.rope_local is an object in the file and a flag in the form; its leaves are fields too.
  for (const std::string& p : paths) BOOST_TEST(find_field(p) != nullptr, p);
  BOOST_TEST(find_field("position.rope_local") != nullptr);
  // Every sub-object the writer can emit was seen (mla, linear, temperature tuning, scaling, moe).
  for (const char* p : {"attention.mla.kv_lora_rank", "attention.linear.conv_kernel",
                        "attention.temperature_tuning.enabled", "position.rope.scaling.kind",
                        "position.rope_local.theta", "moe.dense_layers"})
    BOOST_TEST(paths.count(p) == 1u, p);
}

BOOST_AUTO_TEST_CASE(paths_are_unique_and_grouped) {
  std::set<std::string> seen;
  for (const FieldSpec& f : config_fields()) {
    BOOST_TEST(seen.insert(f.path).second, f.path);
    BOOST_TEST(!f.label.empty(), f.path);
    BOOST_TEST(!f.group.empty(), f.path);
    if (f.kind == FieldKind::Choice || f.kind == FieldKind::Pattern)
      BOOST_TEST(!f.choices.empty(), f.path);
  }
  const auto groups = field_groups();
  BOOST_TEST(groups.front() == "Model");
  BOOST_TEST(std::count(groups.begin(), groups.end(), "MoE") == 1);
}

BOOST_AUTO_TEST_CASE(get_then_set_is_the_identity_for_every_field_of_every_preset) {
  for (const ModelConfig& c : all_presets()) {
    for (const FieldSpec& f : config_fields()) {
      if (!f.applies(c)) continue;
      ModelConfig copy = c;
      f.set(copy, f.get(c));
      BOOST_TEST((copy == c), c.name + " " + f.path + " = " + value_text(f.get(c)));
    }
  }
}

BOOST_AUTO_TEST_CASE(text_forms) {
  const ModelConfig g = load_preset("gemma3-27b", ARCHSCOPE_PRESETS);
  BOOST_TEST(value_text(find_field("attention.pattern")->get(g)) == "sliding*5, full");
  BOOST_TEST(value_text(find_field("norm.eps")->get(g)) == "1e-06");
  BOOST_TEST(value_text(find_field("position.rope_local")->get(g)) == "true");
  BOOST_TEST(value_text(find_field("position.rope_local.theta")->get(g)) == "10000.0");
  const ModelConfig d = load_preset("llama4-maverick", ARCHSCOPE_PRESETS);
  BOOST_TEST(find_field("position.rope_local.theta")->applies(d) == false);
}

BOOST_AUTO_TEST_CASE(errors_map_to_their_field) {
  BOOST_TEST(field_for_error("attention.kv_heads")->path == "attention.kv_heads");
  BOOST_TEST(field_for_error("my.json: attention.pattern[3]")->path == "attention.pattern");
  BOOST_TEST(field_for_error("moe.dense_layers[2]")->path == "moe.dense_layers");
  BOOST_TEST(field_for_error("position.rope.scaling.factor")->path ==
             "position.rope.scaling.factor");
  BOOST_TEST(field_for_error("position.rope_local.scaling")->path == "position.rope_local");
  BOOST_TEST(field_for_error("options.context") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
