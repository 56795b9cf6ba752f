#include "widgets/run_figures_view.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "models/run_comparison_model.hpp"
#include "models/run_database.hpp"
#include "widgets/quant_results_view.hpp"
#include "widgets/run_layer_chart.hpp"

namespace archscope::studio {

namespace {

QTableView* table(QAbstractItemModel* model, const QString& name, QWidget* parent) {
  auto* v = new QTableView(parent);
  v->setObjectName(name);
  v->setModel(model);
  v->setAlternatingRowColors(true);
  v->setSelectionBehavior(QAbstractItemView::SelectRows);
  v->verticalHeader()->hide();
  v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 6);
  v->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  v->horizontalHeader()->setStretchLastSection(true);
  return v;
}

QString esc(const std::string& s) {
  return QString::fromStdString(s).toHtmlEscaped();
}

}  // namespace

RunFiguresView::RunFiguresView(const QString& placeholder, QWidget* parent)
    : QWidget(parent), placeholder_(placeholder) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  heading_ = new QLabel(placeholder, this);
  heading_->setObjectName(QStringLiteral("run-heading"));
  heading_->setWordWrap(true);
  heading_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(heading_);
  tabs_ = new QTabWidget(this);
  tabs_->setDocumentMode(true);
  figures_ = new RunComparisonModel(RunComparisonModel::Section::Figures, this);
  layers_ = new RunComparisonModel(RunComparisonModel::Section::Layers, this);
  kinds_ = new RunComparisonModel(RunComparisonModel::Section::Kinds, this);
  tabs_->addTab(table(figures_, QStringLiteral("run-figures"), tabs_), tr("Figures"));
  tabs_->addTab(table(layers_, QStringLiteral("run-layers"), tabs_), tr("Per layer"));
  tabs_->addTab(table(kinds_, QStringLiteral("run-kinds"), tabs_), tr("Per op kind"));
  chart_ = new RunLayerChart;
  auto* scroll = new QScrollArea(tabs_);
  scroll->setWidget(chart_);
  scroll->setWidgetResizable(true);
  tabs_->addTab(scroll, tr("Per-layer chart"));
  quant_ = new QuantResultsView(tabs_);
  quant_->setObjectName(QStringLiteral("run-quant"));
  quant_tab_ = tabs_->addTab(quant_, tr("Quantization"));
  tabs_->setTabVisible(quant_tab_, false);
  layout->addWidget(tabs_, 1);
}

void RunFiguresView::set_models(const views::compare::Comparison& c) {
  figures_->set_comparison(c);
  layers_->set_comparison(c);
  kinds_->set_comparison(c);
  chart_->set_comparison(c);
}

void RunFiguresView::show_run(const prof::RunInfo& r, const views::compare::Comparison& c,
                              const quant::EvalResult* quant) {
  set_models(c);
  if (quant) {
    quant_->show_result(*quant);
    tabs_->setTabVisible(quant_tab_, true);
  } else {
    quant_->clear();
    tabs_->setTabVisible(quant_tab_, false);
  }
  QString h = tr("<b>Run %1: %2</b> [%3]")
                  .arg(r.id)
                  .arg(esc(r.name), QString::fromLatin1(prof::to_string(r.status)));
  if (!r.failure.empty()) h += tr(" — %1").arg(esc(r.failure));
  h += tr("<br/>%1, %2 weights, %3 KV · batch %4, prompt %5, new %6 · %7 measured pass(es), %8 "
          "warm-up, "
          "checks %9")
           .arg(esc(r.model), esc(r.weights_dtype), esc(r.kv_dtype))
           .arg(r.batch)
           .arg(r.prompt_tokens)
           .arg(r.new_tokens)
           .arg(r.repeat)
           .arg(r.warmup)
           .arg(r.checks ? tr("on") : tr("off"));
  h +=
      tr("<br/>%1 (%2) · archscope %3 (%4) · %5 .. %6")
          .arg(esc(r.device), esc(r.backend), esc(r.version), esc(r.git_revision),
               esc(r.started_at), r.finished_at.empty() ? QStringLiteral("-") : esc(r.finished_at));
  heading_->setText(h);
}

void RunFiguresView::show_comparison(const views::compare::Comparison& c) {
  set_models(c);
  quant_->clear();
  tabs_->setTabVisible(quant_tab_, false);
  QStringList names;
  for (const auto& r : c.runs)
    names << QStringLiteral("#%1 %2 (%3)").arg(r.id).arg(esc(r.name), esc(r.model));
  QString h = tr("<b>Comparing %1 runs</b>, changes against the first: %2")
                  .arg(c.runs.size())
                  .arg(names.join(QStringLiteral(", ")));
  const std::string diff = settings_difference(c);
  if (!diff.empty())
    h += QStringLiteral(
             "<br/><span style='color:#a06000'>%1 — per-step figures compare unlike work.</span>")
             .arg(esc(diff));
  heading_->setText(h);
}

void RunFiguresView::clear() {
  figures_->clear();
  layers_->clear();
  kinds_->clear();
  chart_->clear();
  quant_->clear();
  tabs_->setTabVisible(quant_tab_, false);
  heading_->setText(placeholder_);
}

bool RunFiguresView::quant_shown() const {
  return tabs_->isTabVisible(quant_tab_);
}

bool RunFiguresView::empty() const {
  return figures_->rowCount() == 0 && layers_->rowCount() == 0;
}

}  // namespace archscope::studio
