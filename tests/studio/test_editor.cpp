// The editor round trip and invalid edits, driven through the window's own widgets: load a preset,
// type a new value, see the new exact figure, save, reload, get the same bytes; broken values are
// shown at their field with the CLI's words and never crash anything.
#include <QTableView>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "cli/cli_runner.hpp"
#include "config/config_json.hpp"
#include "editor/config_fields.hpp"
#include "editor/layer_pattern.hpp"
#include "models/layer_table_model.hpp"
#include "models/studio_document.hpp"
#include "presets/preset_catalog.hpp"
#include "studio/qt_fixture.hpp"
#include "studio/studio_support.hpp"
#include "widgets/summary_panel.hpp"

using namespace archscope;

namespace {
std::filesystem::path temp(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("archscope-studio-" + std::to_string(::getpid()) + "-" + name);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(editing)

BOOST_AUTO_TEST_CASE(round_trip_load_edit_figure_save_reload) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("llama3-8b"));
  BOOST_REQUIRE(t.w.wait_until_idle());
  // Llama 3 8B: 2 (K, V) × 32 layers × 8 KV heads × 128 × 2 bytes per token.
  BOOST_TEST(test::summary_value(t.w, "/kv_cache/bytes_per_token", summary::Format::Bytes) ==
             "131072");
  test::type_into(t.w, "attention.kv_heads", "4");
  BOOST_TEST(t.w.document().config().attention.kv_heads == 4);
  BOOST_TEST(test::summary_value(t.w, "/kv_cache/bytes_per_token", summary::Format::Bytes) ==
             std::to_string(2 * 32 * 4 * 128 * 2));
  BOOST_TEST(t.w.isWindowModified());

  const auto a = temp("a.json"), b = temp("b.json");
  BOOST_REQUIRE(t.w.save_to(QString::fromStdString(a.string())));
  BOOST_TEST(!t.w.isWindowModified());
  const std::string saved = test::read_all(a);
  BOOST_TEST(saved == config_to_text(t.w.document().config()));
  BOOST_REQUIRE(t.w.open_file(QString::fromStdString(a.string())));
  BOOST_TEST(t.w.document().config().attention.kv_heads == 4);
  BOOST_REQUIRE(t.w.save_to(QString::fromStdString(b.string())));
  BOOST_TEST(test::read_all(b) == saved);
  // The CLI reads the saved file to the same figure.
  const test::CliResult cli = test::run_cli({"analyze", "--config", a.string(), "--json"});
  BOOST_REQUIRE(cli.exit_code == 0);
  BOOST_TEST(nlohmann::json::parse(cli.out)["kv_cache"]["bytes_per_token"].get<uint64_t>() ==
             2u * 32 * 4 * 128 * 2);
  std::filesystem::remove(a);
  std::filesystem::remove(b);

  // Undo brings the old figure back.
  t.w.document().open(load_preset("llama3-8b", ARCHSCOPE_PRESETS), QString());
  test::type_into(t.w, "attention.kv_heads", "2");
  t.w.document().undo();
  t.w.wait_until_idle();
  BOOST_TEST(test::summary_value(t.w, "/kv_cache/bytes_per_token", summary::Format::Bytes) ==
             "131072");
}

BOOST_AUTO_TEST_CASE(a_broken_rule_shows_at_its_field_as_the_cli_says_it) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("llama3-8b"));
  t.w.wait_until_idle();
  test::type_into(t.w, "attention.kv_heads", "3");
  const QString shown = t.w.editor().form().error_text("attention.kv_heads");
  BOOST_TEST(shown.toStdString() == "attention.kv_heads: 3 does not divide heads 32");
  BOOST_TEST(t.w.editor().banner_text().contains(shown));
  BOOST_TEST(t.w.summary().status_text().contains(QStringLiteral("Not recomputed")));
  // The figures stay those of the last valid configuration.
  BOOST_TEST(test::summary_value(t.w, "/kv_cache/bytes_per_token", summary::Format::Bytes) ==
             "131072");
  const auto file = temp("bad.json");
  BOOST_REQUIRE(
      t.w.save_to(QString::fromStdString(file.string())));  // saving work in progress is allowed
  const test::CliResult cli = test::run_cli({"analyze", "--config", file.string()});
  std::filesystem::remove(file);
  BOOST_TEST(cli.exit_code == 2);
  BOOST_TEST(cli.err == "archscope: error: " + file.string() + ": " + shown.toStdString() + "\n");

  test::type_into(t.w, "d_model", "12x");
  BOOST_TEST(t.w.editor().form().error_text("d_model").toStdString() ==
             "d_model: expected an integer, got '12x'");
  BOOST_TEST(t.w.document().config().d_model == 4096);
  test::type_into(t.w, "attention.pattern", "full*3, flul");
  BOOST_TEST(t.w.editor()
                 .form()
                 .error_text("attention.pattern")
                 .contains(QStringLiteral("unknown attention kind 'flul'")));
  test::type_into(t.w, "attention.kv_heads", "8");
  test::type_into(t.w, "d_model", "4096");
  test::type_into(t.w, "attention.pattern", "full");
  BOOST_TEST(t.w.document().doc().valid());
  BOOST_TEST(t.w.editor().banner_text().isEmpty());
}

BOOST_AUTO_TEST_CASE(a_file_that_breaks_a_rule_opens_with_the_error_at_its_field) {
  ModelConfig broken = load_preset("llama3-8b", ARCHSCOPE_PRESETS);
  broken.attention.kv_heads = 3;
  const auto file = temp("opened-broken.json");
  save_config_file(broken, file);
  test::Window t;
  BOOST_REQUIRE(t.w.open_file(QString::fromStdString(file.string())));
  t.w.wait_until_idle();
  BOOST_TEST((t.w.document().config() == broken));
  BOOST_TEST(t.w.editor().form().error_text("attention.kv_heads").toStdString() ==
             "attention.kv_heads: 3 does not divide heads 32");
  BOOST_TEST(t.w.summary().status_text().contains(
      QStringLiteral("No figures until the configuration is valid")));
  test::type_into(t.w, "attention.kv_heads", "8");
  BOOST_TEST(test::summary_value(t.w, "/kv_cache/bytes_per_token", summary::Format::Bytes) ==
             "131072");
  // A file that does not even read (a string where a number goes) is refused with its path.
  std::ofstream(file) << "{\"format\": \"archscope.model/1\", \"d_model\": \"wide\"}";
  BOOST_TEST(!t.w.open_file(QString::fromStdString(file.string())));
  BOOST_TEST(t.w.last_error().contains(QStringLiteral(": d_model: ")));
  std::filesystem::remove(file);
}

BOOST_AUTO_TEST_CASE(every_field_survives_hostile_values) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("qwen3-next-mini"));
  t.w.wait_until_idle();
  const auto& doc = t.w.document();
  int errors = 0;
  for (const editor::FieldSpec& f : editor::config_fields()) {
    std::vector<editor::FieldValue> values;
    switch (f.kind) {
      case editor::FieldKind::Integer:
        values = {int64_t{-1}, int64_t{0}, int64_t{3}, int64_t{1} << 40};
        break;
      case editor::FieldKind::Real:
        values = {-1.0, 0.0, std::nan(""), 1e300};
        break;
      case editor::FieldKind::Flag:
        values = {true, false};
        break;
      case editor::FieldKind::Text:
        values = {std::string(), std::string("\xff\xfe not utf-8")};
        break;
      case editor::FieldKind::Choice:
        for (const auto& c : f.choices) values.emplace_back(c);
        break;
      case editor::FieldKind::Pattern:
        values = {std::string(), std::string("full*0"), std::string("x"),
                  std::string("linear*70000")};
        break;
      case editor::FieldKind::IntList:
        values = {std::string("-1"), std::string("999999"), std::string("a"), std::string("0, 0")};
        break;
    }
    for (const auto& v : values) {
      t.w.document().set_field(QString::fromStdString(f.path), v,
                               QString::fromStdString(editor::value_text(v)));
      BOOST_REQUIRE(t.w.wait_until_idle(20000));
      if (!doc.doc().valid() || !doc.pending().empty()) {
        ++errors;
        // The problem is on screen: at a field, or in the banner when it concerns the whole config.
        BOOST_TEST(!t.w.editor().banner_text().isEmpty(), f.path + " = " + editor::value_text(v));
      }
      while (doc.doc().can_undo()) t.w.document().undo();
      t.w.document().set_field(QString::fromStdString(f.path), f.get(doc.config()),
                               QString());  // clears pending text
    }
  }
  BOOST_TEST(errors > 100);
  t.w.wait_until_idle();
  BOOST_TEST(doc.doc().valid());
}

BOOST_AUTO_TEST_CASE(layer_rows_change_together) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("llama3-8b"));
  t.w.wait_until_idle();
  QTableView& view = t.w.editor().layer_view();
  view.selectionModel()->select(
      QItemSelection(t.w.layer_model().index(4, 0), t.w.layer_model().index(7, 0)),
      QItemSelectionModel::Select | QItemSelectionModel::Rows);
  BOOST_TEST(t.w.layer_model().setData(
      t.w.layer_model().index(5, studio::LayerTableModel::Attention), QStringLiteral("sliding")));
  t.w.wait_until_idle();
  // 0-3 full, 4-7 sliding, 8-31 full; the shortest pattern repeating to that is 28 long.
  BOOST_TEST(t.w.document().config().attention.pattern.size() == 28u);
  const auto layers = editor::expand_pattern(t.w.document().config().attention.pattern, 32);
  for (int i = 0; i < 32; ++i)
    BOOST_TEST((layers[static_cast<size_t>(i)] ==
                (i >= 4 && i <= 7 ? AttentionKind::Sliding : AttentionKind::Full)),
               i);
  BOOST_TEST(t.w.editor()
                 .form()
                 .error_text("attention.sliding_window")
                 .contains(QStringLiteral("attention.sliding_window")));
  test::type_into(t.w, "attention.sliding_window", "1024");
  BOOST_TEST(t.w.document().doc().valid());
  // 28 full layers hold 4,096 tokens, 4 sliding layers 1,024: 2 × 8 × 128 × 2 B per token and
  // layer.
  BOOST_TEST(test::summary_value(t.w, "/kv_cache/bytes_at_context", summary::Format::Bytes) ==
             std::to_string(4096ull * (28 * 4096 + 4 * 1024)));
}

BOOST_AUTO_TEST_SUITE_END()
