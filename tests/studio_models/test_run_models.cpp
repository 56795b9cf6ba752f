// The runs browser's item models under QAbstractItemModelTester: the runs table with its filter
// and sort proxy (text over name / model / backend, status, numeric sort of numeric columns, the
// rename handler behind the editable name), and a comparison section with its changes against
// the first run (decode 100 -> 150 tokens/s is +50%, better; 2 -> 3 ms per step +50%, worse).
#include <QAbstractItemModelTester>
#include <boost/test/unit_test.hpp>

#include "compare/comparison.hpp"
#include "models/run_comparison_model.hpp"
#include "models/run_database.hpp"
#include "models/runs_model.hpp"
#include "studio/qt_fixture.hpp"

using namespace archscope;
using namespace archscope::studio;

namespace {

struct Tester {
  explicit Tester(QAbstractItemModel* model)
      : tester(model, QAbstractItemModelTester::FailureReportingMode::Warning) {
    test::model_test_failures().clear();
  }
  ~Tester() { BOOST_TEST(test::model_test_failures().join('\n').toStdString() == ""); }
  QAbstractItemModelTester tester;
};

prof::RunInfo run(int64_t id, const char* name, const char* model, const char* backend,
                  prof::RunStatus status, int64_t batch) {
  prof::RunInfo r;
  r.id = id;
  r.name = name;
  r.model = model;
  r.backend = backend;
  r.status = status;
  r.batch = batch;
  r.started_at = "2026-12-01T10:0" + std::to_string(id) + ":00Z";
  return r;
}

std::vector<prof::RunInfo> sample_runs() {
  return {run(12, "baseline", "llama3-mini", "cpu", prof::RunStatus::Complete, 1),
          run(9, "moe try", "qwen3-moe-mini", "cpu", prof::RunStatus::Interrupted, 16),
          run(3, "gpu one", "Llama3-8B", "cuda:0", prof::RunStatus::Failed, 2)};
}

std::vector<std::string> column(const QAbstractItemModel& m, int c) {
  std::vector<std::string> out;
  for (int r = 0; r < m.rowCount(); ++r)
    out.push_back(m.index(r, c).data().toString().toStdString());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_models)

BOOST_AUTO_TEST_CASE(runs_table_filter_and_sort) {
  RunsModel model;
  RunsFilterModel proxy;
  proxy.setSourceModel(&model);
  Tester t1(&model), t2(&proxy);
  model.set_runs(sample_runs());
  BOOST_TEST(model.rowCount() == 3);
  BOOST_TEST(model.columnCount() == RunsModel::ColumnCount);
  BOOST_TEST(model.row_of(9) == 1);
  BOOST_TEST(model.row_of(4) == -1);
  BOOST_TEST(model.index(1, RunsModel::Status).data().toString() == QStringLiteral("interrupted"));

  proxy.set_text(QStringLiteral("llama3"));  // case-insensitive: both Llama models
  BOOST_TEST(column(proxy, RunsModel::Name) == (std::vector<std::string>{"baseline", "gpu one"}));
  proxy.set_text(QStringLiteral("CUDA"));  // the backend
  BOOST_TEST(column(proxy, RunsModel::Name) == std::vector<std::string>{"gpu one"});
  proxy.set_text(QStringLiteral("try"));  // the name
  BOOST_TEST(column(proxy, RunsModel::Name) == std::vector<std::string>{"moe try"});
  proxy.set_text({});
  proxy.set_status(QStringLiteral("failed"));
  BOOST_TEST(column(proxy, RunsModel::Name) == std::vector<std::string>{"gpu one"});
  proxy.set_status({});

  // Numeric columns sort as numbers (16 after 2), text columns case-insensitively.
  proxy.sort(RunsModel::Batch, Qt::AscendingOrder);
  BOOST_TEST(column(proxy, RunsModel::Batch) == (std::vector<std::string>{"1", "2", "16"}));
  proxy.sort(RunsModel::Id, Qt::DescendingOrder);
  BOOST_TEST(column(proxy, RunsModel::Id) == (std::vector<std::string>{"12", "9", "3"}));
  proxy.sort(RunsModel::Model, Qt::AscendingOrder);
  BOOST_TEST(column(proxy, RunsModel::Model).back() == "qwen3-moe-mini");  // not after "L..."

  // The name is editable only with a rename handler; a refused rename changes nothing.
  const QModelIndex name = model.index(0, RunsModel::Name);
  BOOST_TEST(!(model.flags(name) & Qt::ItemIsEditable));
  BOOST_TEST(!model.setData(name, QStringLiteral("x")));
  bool allow = false;
  std::vector<std::pair<int64_t, QString>> calls;
  model.set_rename_handler([&](int64_t id, const QString& n) {
    calls.emplace_back(id, n);
    return allow;
  });
  BOOST_TEST(bool(model.flags(name) & Qt::ItemIsEditable));
  BOOST_TEST(!(model.flags(model.index(0, RunsModel::Model)) & Qt::ItemIsEditable));
  BOOST_TEST(!model.setData(name, QStringLiteral("refused")));
  BOOST_TEST(name.data().toString() == QStringLiteral("baseline"));
  allow = true;
  BOOST_TEST(model.setData(name, QStringLiteral("kept")));
  BOOST_TEST(name.data().toString() == QStringLiteral("kept"));
  BOOST_REQUIRE(calls.size() == 2u);
  BOOST_TEST(calls.back().first == 12);
  model.set_runs({});
  BOOST_TEST(proxy.rowCount() == 0);
}

BOOST_AUTO_TEST_CASE(comparison_section_with_changes_against_the_first_run) {
  views::compare::RunFigures a, b;
  a.run = run(1, "a", "llama3-mini", "cpu", prof::RunStatus::Complete, 1);
  b.run = run(2, "b", "qwen3-moe-mini", "cpu", prof::RunStatus::Complete, 1);
  a.summary.decode_steps = b.summary.decode_steps = 4;
  a.summary.decode_tokens_per_s = 100;
  b.summary.decode_tokens_per_s = 150;
  a.summary.decode_ms_per_step_mean = 2;
  b.summary.decode_ms_per_step_mean = 3;
  const views::compare::Comparison c = views::compare::compare_runs({a, b});

  RunComparisonModel figures(RunComparisonModel::Section::Figures);
  RunComparisonModel layers(RunComparisonModel::Section::Layers);
  Tester t1(&figures), t2(&layers);
  figures.set_comparison(c);
  layers.set_comparison(c);
  BOOST_TEST(figures.columnCount() == 4);  // label, better, two runs
  BOOST_TEST(figures.rowCount() == static_cast<int>(c.figures.size()));
  BOOST_TEST(
      figures.headerData(2, Qt::Horizontal).toString().contains(QStringLiteral("llama3-mini")));
  const int tps = figures.row_of(QStringLiteral("decode_tokens_per_s"));
  BOOST_REQUIRE(tps >= 0);
  BOOST_TEST(figures.index(tps, 2).data(RunComparisonModel::ValueRole).toDouble() == 100.0);
  BOOST_TEST(figures.index(tps, 3).data(RunComparisonModel::DeltaPctRole).toDouble() == 50.0);
  BOOST_TEST(!figures.index(tps, 2).data(RunComparisonModel::DeltaPctRole).isValid());
  BOOST_TEST(figures.index(tps, 3).data().toString().contains(QStringLiteral("+50.0%")));
  const int ms = figures.row_of(QStringLiteral("decode_ms_per_step_mean"));
  BOOST_REQUIRE(ms >= 0);
  BOOST_TEST(figures.index(ms, 3).data(RunComparisonModel::DeltaPctRole).toDouble() == 50.0);
  // Higher throughput is better, more time per step is worse: different colours.
  BOOST_TEST((figures.index(tps, 3).data(Qt::BackgroundRole) !=
              figures.index(ms, 3).data(Qt::BackgroundRole)));
  // No spans recorded: no prefill steps, so the prefill figures are missing, not 0.
  const int prefill = figures.row_of(QStringLiteral("prefill_tokens_per_s"));
  BOOST_REQUIRE(prefill >= 0);
  BOOST_TEST(!figures.index(prefill, 2).data(RunComparisonModel::ValueRole).isValid());
  BOOST_TEST(layers.rowCount() == 0);
  // Same settings: no note; a different batch is named with both values.
  BOOST_TEST(settings_difference(c) == "");
  b.run.batch = 16;
  BOOST_TEST(settings_difference(views::compare::compare_runs({a, b})) ==
             "Settings differ: batch 1 vs 16");
  figures.clear();
  BOOST_TEST(figures.rowCount() == 0);
  BOOST_TEST(figures.columnCount() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
