// The Runs page against the real CLI: a database written by `archscope run` (two -mini presets of
// different architectures, tiny token counts) is listed as `archscope runs list` lists it,
// filtered, sorted, renamed and deleted through the widgets (the CLI then sees the change); a
// corrupt or foreign file is refused with its reason and keeps its bytes; two runs compare with
// the figures `archscope compare --json` prints; and every export is byte for byte what
// `archscope export`, `report` and `compare` write for the same runs.
#include <sqlite3.h>

#include <QComboBox>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QTest>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"
#include "models/run_comparison_model.hpp"
#include "models/runs_model.hpp"
#include "studio/studio_support.hpp"
#include "widgets/run_figures_view.hpp"
#include "widgets/run_layer_chart.hpp"
#include "widgets/runs_page.hpp"

using namespace archscope;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// SQLite opened directly, to make files the store must refuse.
struct RawSqlite {
  explicit RawSqlite(const fs::path& p) { sqlite3_open(p.c_str(), &db); }
  ~RawSqlite() { sqlite3_close(db); }
  bool exec(const std::string& sql) {
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  sqlite3* db = nullptr;
};

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-runs-page-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

// One database per test program, written once by the real CLI: run 1 qwen3-moe-mini ("moe a"),
// run 2 llama3-mini ("dense b"), run 3 qwen3-moe-mini ("moe c"). Each test copies it.
const fs::path& cli_database() {
  static const struct Dir {
    fs::path dir = fs::temp_directory_path() / ("archscope-runs-db-" + std::to_string(::getpid()));
    Dir() { fs::create_directories(dir); }
    ~Dir() { fs::remove_all(dir); }
  } scratch;
  static const fs::path db = [] {
    const fs::path path = scratch.dir / "runs.db";
    const std::pair<const char*, const char*> runs[] = {
        {"qwen3-moe-mini", "moe a"}, {"llama3-mini", "dense b"}, {"qwen3-moe-mini", "moe c"}};
    for (const auto& [preset, name] : runs) {
      const test::CliResult r =
          test::run_cli({"run", "--preset", preset, "--prompt", "4", "--new", "2", "--warmup", "0",
                         "--threads", "1", "--name", name, "--db", path.string()});
      BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    return path;
  }();
  return db;
}

fs::path copy_database(const fs::path& dir) {
  const fs::path copy = dir / "copy.db";
  fs::copy_file(cli_database(), copy, fs::copy_options::overwrite_existing);
  return copy;
}

nlohmann::json cli_json(const std::vector<std::string>& args) {
  const test::CliResult r = test::run_cli(args);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

std::vector<std::string> names_in_view(studio::RunsPage& page, int column) {
  std::vector<std::string> out;
  for (int r = 0; r < page.proxy().rowCount(); ++r)
    out.push_back(page.proxy().index(r, column).data().toString().toStdString());
  return out;
}

void select_row_of(studio::RunsPage& page, int64_t id) {
  page.select_ids({id});
  BOOST_REQUIRE(page.selected_ids() == std::vector<int64_t>{id});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(runs_page)

BOOST_AUTO_TEST_CASE(lists_filters_sorts_renames_and_deletes_what_the_cli_wrote) {
  Scratch s;
  const fs::path db = copy_database(s.dir);
  test::Window t;
  t.w.show_page(QStringLiteral("runs"));
  studio::RunsPage& page = t.w.runs();
  BOOST_REQUIRE(page.set_database(QString::fromStdString(db.string())));

  // The list: the CLI's runs, ids and names.
  const nlohmann::json listed = cli_json({"runs", "list", "--json", "--db", db.string()});
  BOOST_REQUIRE(page.model().rowCount() == static_cast<int>(listed.size()));
  for (const auto& r : listed) {
    const int row = page.model().row_of(r["id"].get<int64_t>());
    BOOST_REQUIRE(row >= 0);
    BOOST_TEST(page.model().index(row, studio::RunsModel::Name).data().toString().toStdString() ==
               r["name"].get<std::string>());
    BOOST_TEST(page.model().index(row, studio::RunsModel::Model).data().toString().toStdString() ==
               r["model"].get<std::string>());
  }

  // Filter by typing: "LLAMA" matches the dense run's model only; a status filter.
  QTest::keyClicks(&page.filter(), QStringLiteral("LLAMA"));
  BOOST_TEST(names_in_view(page, studio::RunsModel::Name) == std::vector<std::string>{"dense b"});
  page.filter().clear();
  BOOST_TEST(page.proxy().rowCount() == 3);
  QTest::keyClicks(&page.filter(), QStringLiteral("moe"));
  BOOST_TEST(page.proxy().rowCount() == 2);
  page.filter().clear();
  page.status_filter().setCurrentIndex(page.status_filter().findData(QStringLiteral("failed")));
  BOOST_TEST(page.proxy().rowCount() == 0);
  page.status_filter().setCurrentIndex(page.status_filter().findData(QStringLiteral("complete")));
  BOOST_TEST(page.proxy().rowCount() == 3);
  page.status_filter().setCurrentIndex(0);

  // Sort by clicking column headers: by name ascending, then by id (numerically) both ways.
  QHeaderView* header = page.table().horizontalHeader();
  const auto click_header = [&](int column) {
    QTest::mouseClick(
        header->viewport(), Qt::LeftButton, {},
        QPoint(header->sectionViewportPosition(column) + header->sectionSize(column) / 2,
               header->height() / 2));
  };
  click_header(studio::RunsModel::Name);
  std::vector<std::string> names = names_in_view(page, studio::RunsModel::Name);
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  if (names != sorted) {  // the first click may sort descending after a descending column
    click_header(studio::RunsModel::Name);
    names = names_in_view(page, studio::RunsModel::Name);
  }
  BOOST_TEST(names == sorted);
  click_header(studio::RunsModel::Id);
  const std::vector<std::string> ids = names_in_view(page, studio::RunsModel::Id);
  BOOST_TEST((ids == std::vector<std::string>{"1", "2", "3"} ||
              ids == std::vector<std::string>{"3", "2", "1"}));

  // Rename: select, press Rename, type, Return; the CLI reads the new name.
  select_row_of(page, 2);
  QTest::mouseClick(&page.rename_button(), Qt::LeftButton);
  auto* editor = page.table().viewport()->findChild<QLineEdit*>();
  BOOST_REQUIRE(editor);
  editor->selectAll();
  QTest::keyClicks(editor, QStringLiteral("renamed"));
  editor->insert(QStringLiteral(" ✓"));  // QTest types Latin-1 only
  QTest::keyClick(editor, Qt::Key_Return);
  QApplication::processEvents();  // the delegate commits the edit through a queued call
  BOOST_TEST(page.error().toStdString() == "");
  const nlohmann::json shown = cli_json({"runs", "show", "2", "--json", "--db", db.string()});
  BOOST_TEST(shown["name"].get<std::string>() == "renamed ✓");
  BOOST_TEST(
      page.model().index(page.model().row_of(2), studio::RunsModel::Name).data().toString() ==
      QStringLiteral("renamed ✓"));

  // Delete asks first: declined, nothing happens; accepted, the run is gone for the CLI too.
  QString asked;
  page.set_confirm([&](const QString& q) {
    asked = q;
    return false;
  });
  select_row_of(page, 3);
  QTest::mouseClick(&page.delete_button(), Qt::LeftButton);
  BOOST_TEST(asked.contains(QStringLiteral("moe c")));
  BOOST_TEST(cli_json({"runs", "list", "--json", "--db", db.string()}).size() == 3u);
  asked.clear();
  QApplication::setActiveWindow(&t.w);  // shortcuts need an active window
  page.table().setFocus();
  QTest::keyClick(&page.table(), Qt::Key_Delete);  // the key asks too
  BOOST_TEST(asked.contains(QStringLiteral("moe c")));
  page.set_confirm([](const QString&) { return true; });
  QTest::mouseClick(&page.delete_button(), Qt::LeftButton);
  const nlohmann::json after = cli_json({"runs", "list", "--json", "--db", db.string()});
  BOOST_REQUIRE(after.size() == 2u);
  for (const auto& r : after) BOOST_TEST(r["id"].get<int64_t>() != 3);
  BOOST_TEST(page.model().rowCount() == 2);
  BOOST_TEST(page.error().isEmpty());
}

BOOST_AUTO_TEST_CASE(corrupt_and_foreign_files_are_refused_and_left_unchanged) {
  Scratch s;
  studio::RunsPage page;
  const fs::path garbage = s.dir / "garbage.db", foreign = s.dir / "foreign.db";
  std::string noise(8192, '\0');
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 2654435761u) >> 13);
  write_file(garbage, noise);
  // A SQLite database of some other program, with a table and data.
  {
    RawSqlite raw(foreign);
    BOOST_REQUIRE(
        raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);"
                 "INSERT INTO notes (text) VALUES ('keep me'), ('and me')"));
  }
  // A database of a newer archscope.
  const fs::path newer = copy_database(s.dir);
  {
    RawSqlite raw(newer);
    BOOST_REQUIRE(raw.exec("PRAGMA user_version = 9999"));
  }
  const std::pair<fs::path, const char*> cases[] = {{garbage, "not an SQLite database"},
                                                    {foreign, "not an archscope run database"},
                                                    {newer, "newer"}};
  for (const auto& [path, reason] : cases) {
    const std::string before = test::read_all(path);
    BOOST_TEST(!page.set_database(QString::fromStdString(path.string())), path.string());
    BOOST_TEST(page.error().contains(QString::fromLatin1(reason), Qt::CaseInsensitive),
               page.error().toStdString());
    BOOST_TEST(page.error().contains(QString::fromStdString(path.string())));
    BOOST_TEST(page.model().rowCount() == 0);
    // Reload and the dialogs' actions cannot touch it either.
    BOOST_TEST(!page.refresh());
    BOOST_TEST(test::read_all(path) == before, path.string());
    BOOST_TEST(!fs::exists(path.string() + "-wal"));
    BOOST_TEST(!fs::exists(path.string() + "-shm"));
  }
  // A missing file is no error and is not created.
  BOOST_TEST(page.set_database(QString::fromStdString((s.dir / "none.db").string())));
  BOOST_TEST(!fs::exists(s.dir / "none.db"));
}

BOOST_AUTO_TEST_CASE(two_architectures_compared_as_the_cli_compares_them) {
  Scratch s;
  const fs::path db = copy_database(s.dir);
  studio::RunsPage page;
  BOOST_REQUIRE(page.set_database(QString::fromStdString(db.string())));
  page.select_ids({1, 2});
  BOOST_REQUIRE(page.compare_button().isEnabled());
  QTest::mouseClick(&page.compare_button(), Qt::LeftButton);
  BOOST_REQUIRE(page.error().isEmpty());
  const std::vector<int64_t> order = page.selected_ids();  // the list's order: the baseline first
  const nlohmann::json cli = cli_json({"compare", std::to_string(order[0]),
                                       std::to_string(order[1]), "--json", "--db", db.string()});
  studio::RunFiguresView& view = page.comparison_view();
  BOOST_TEST(view.heading().text().contains(QStringLiteral("qwen3-moe-mini")));
  BOOST_TEST(view.heading().text().contains(QStringLiteral("llama3-mini")));
  size_t checked = 0;
  for (const auto& [section, model] :
       {std::pair{"figures", &view.figures()}, std::pair{"layers", &view.layers()},
        std::pair{"kinds", &view.kinds()}}) {
    BOOST_TEST(model->rowCount() == static_cast<int>(cli[section].size()), section);
    for (const auto& row : cli[section]) {
      const int r = model->row_of(QString::fromStdString(row["key"].get<std::string>()));
      BOOST_REQUIRE_MESSAGE(r >= 0, row["key"]);
      for (size_t k = 0; k < 2; ++k) {
        const QVariant v =
            model->index(r, 2 + static_cast<int>(k)).data(studio::RunComparisonModel::ValueRole);
        if (row["values"][k].is_null()) {
          BOOST_TEST(!v.isValid(), row["key"]);
        } else {
          BOOST_TEST(v.toDouble() == row["values"][k].get<double>(), row["key"]);
          ++checked;
        }
      }
    }
  }
  BOOST_TEST(checked > 20u);
  // The MoE run has an expert balance, the dense one has none (n/a, not 0).
  const int cv = view.figures().row_of(QStringLiteral("expert_cv_mean"));
  BOOST_REQUIRE(cv >= 0);
  BOOST_TEST(view.figures().index(cv, 2).data().toString() !=
             view.figures().index(cv, 3).data().toString());

  // The per-layer chart: the decode layers of both models, a bar colour per run.
  int decode_layers = 0;
  for (const auto& row : cli["layers"])
    decode_layers += row["key"].get<std::string>().rfind("decode ", 0) == 0 ? 1 : 0;
  BOOST_TEST(view.chart().phase() == QStringLiteral("decode"));
  BOOST_TEST(view.chart().layer_count() == decode_layers);
  page.resize(1200, 900);
  page.show();
  for (int i = 0; i < view.tabs().count(); ++i)
    if (view.tabs().tabText(i) == QStringLiteral("Per-layer chart")) view.tabs().setCurrentIndex(i);
  QApplication::processEvents();
  BOOST_TEST(view.chart().width() > 600);
  const QImage chart = view.chart().grab().toImage();
  BOOST_TEST(test::has_colour(chart, studio::RunLayerChart::run_colour(0)));
  BOOST_TEST(test::has_colour(chart, studio::RunLayerChart::run_colour(1)));

  // One run opened: its own figures.
  BOOST_REQUIRE(page.open_run(2));
  BOOST_TEST(page.run_view().layers().columnCount() == 3);
  BOOST_TEST(page.run_view().layers().rowCount() > 0);
  BOOST_TEST(page.run_view().heading().text().contains(QStringLiteral("dense b")));
}

BOOST_AUTO_TEST_CASE(exports_are_byte_identical_to_the_cli) {
  Scratch s;
  const fs::path db = copy_database(s.dir);
  studio::RunsPage page;
  BOOST_REQUIRE(page.set_database(QString::fromStdString(db.string())));
  fs::create_directories(s.dir / "app");
  fs::create_directories(s.dir / "cli");
  const auto app = [&](const std::vector<int64_t>& ids, studio::RunExport format,
                       const std::string& name) {
    BOOST_REQUIRE_MESSAGE(
        page.export_runs(ids, format, QString::fromStdString((s.dir / "app" / name).string())),
        page.error().toStdString());
    return test::read_all(s.dir / "app" / name);
  };
  const std::string dbs = db.string(), cli = (s.dir / "cli").string();
  const std::pair<studio::RunExport, const char*> formats[] = {
      {studio::RunExport::Csv, "csv"},
      {studio::RunExport::Json, "json"},
      {studio::RunExport::ChromeTrace, "chrome-trace"}};
  for (const auto& [format, name] : formats) {
    const std::string file = std::string("run1.") + name;
    const test::CliResult r =
        test::run_cli({"export", "1", "--format", name, "--out", cli + "/" + file, "--db", dbs});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const std::string expected = test::read_all(s.dir / "cli" / file);
    BOOST_TEST(expected.size() > 100u, name);
    BOOST_TEST((app({1}, format, file) == expected), name);
  }
  // Reports of the two architectures: HTML, and Markdown with its figure files.
  for (const char* file : {"report.html", "report.md"}) {
    const test::CliResult r =
        test::run_cli({"report", "1", "2", "--out", cli + "/" + file, "--db", dbs});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    BOOST_TEST(
        (app({1, 2}, studio::RunExport::Report, file) == test::read_all(s.dir / "cli" / file)),
        file);
  }
  size_t figures = 0;
  for (const auto& e : fs::directory_iterator(s.dir / "cli")) {
    if (e.path().extension() != ".svg") continue;
    ++figures;
    BOOST_TEST(test::read_all(e.path()) == test::read_all(s.dir / "app" / e.path().filename()),
               e.path().filename());
  }
  BOOST_TEST(figures > 0u);
  // The comparison, as `compare --json` and `compare` print it.
  const test::CliResult json = test::run_cli({"compare", "1", "2", "--json", "--db", dbs});
  const test::CliResult text = test::run_cli({"compare", "1", "2", "--db", dbs});
  BOOST_REQUIRE(json.exit_code == 0);
  BOOST_REQUIRE(text.exit_code == 0);
  BOOST_TEST(app({1, 2}, studio::RunExport::ComparisonJson, "c.json") == json.out);
  BOOST_TEST(app({1, 2}, studio::RunExport::ComparisonText, "c.txt") == text.out);
  // Wrong uses are refused with a reason, nothing written.
  BOOST_TEST(!page.export_runs({1, 2}, studio::RunExport::Csv,
                               QString::fromStdString((s.dir / "x.csv").string())));
  BOOST_TEST(!page.export_runs({1}, studio::RunExport::ComparisonJson,
                               QString::fromStdString((s.dir / "x.json").string())));
  BOOST_TEST(!page.export_runs({1}, studio::RunExport::Report,
                               QString::fromStdString((s.dir / "x.pdf").string())));
  BOOST_TEST(!fs::exists(s.dir / "x.csv"));
  BOOST_TEST(!fs::exists(s.dir / "x.pdf"));
}

// `archscope-studio --screenshot DIR --db PATH --view runs|run-compare [--runs ID,ID]`: the real
// app renders the browser with a run opened and with two runs compared; a refused --db exits 2.
BOOST_AUTO_TEST_CASE(screenshots_of_the_runs_views) {
  Scratch s;
  const fs::path db = copy_database(s.dir);
  const fs::path studio = fs::path(ARCHSCOPE_CLI).parent_path() / "archscope-studio";
  const auto shoot = [&](const QStringList& extra) {
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    QStringList args = {"--screenshot", QString::fromStdString((s.dir / "shots").string()),
                        "--preset",     "llama3-mini",
                        "--size",       "1400x900",
                        "--db",         QString::fromStdString(db.string())};
    p.start(QString::fromStdString(studio.string()), args + extra);
    if (!p.waitForFinished(60000)) p.kill();
    return std::pair{p.exitCode(), QString::fromUtf8(p.readAllStandardError())};
  };
  for (const char* view : {"runs", "run-compare"}) {
    const auto [code, err] = shoot({"--view", view, "--runs", "2,1"});
    BOOST_REQUIRE_MESSAGE(code == 0, err.toStdString());
    QImage image;
    BOOST_REQUIRE(image.load(
        QString::fromStdString((s.dir / "shots" / (std::string(view) + ".png")).string())));
    BOOST_TEST(image.width() > 400, view);
    BOOST_TEST(test::distinct_colours(image) > 40u, view);
  }
  const fs::path garbage = s.dir / "garbage.db";
  write_file(garbage, std::string(4096, 'x'));
  {
    QProcess p;
    p.start(QString::fromStdString(studio.string()),
            {"--screenshot", QString::fromStdString((s.dir / "shots").string()), "--preset",
             "llama3-mini", "--db", QString::fromStdString(garbage.string())});
    p.waitForFinished(60000);
    BOOST_TEST(p.exitCode() == 2);
    BOOST_TEST(QString::fromUtf8(p.readAllStandardError())
                   .contains(QStringLiteral("archscope-studio: error: --db: Refused: ")));
  }
  BOOST_TEST(test::read_all(garbage) == std::string(4096, 'x'));
  const auto [code, err] = shoot({"--view", "runs", "--runs", "2,x"});
  BOOST_TEST(code == 2);
  BOOST_TEST(err.contains(QStringLiteral("archscope-studio: error: --runs: 'x' is not a run id")));
}

BOOST_AUTO_TEST_SUITE_END()
