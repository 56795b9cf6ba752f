#include "widgets/quant_results_view.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "charts/quant_charts.hpp"
#include "run_report/quant_section.hpp"
#include "widgets/line_chart_widget.hpp"

namespace archscope::studio {

namespace {

QTableWidget* table_of(const views::TableData& t, int index, QWidget* parent) {
  auto* w =
      new QTableWidget(static_cast<int>(t.rows.size()), static_cast<int>(t.header.size()), parent);
  w->setObjectName(QStringLiteral("quant-table-%1").arg(index));
  QStringList header;
  for (const std::string& h : t.header) header << QString::fromStdString(h);
  w->setHorizontalHeaderLabels(header);
  for (size_t r = 0; r < t.rows.size(); ++r)
    for (size_t c = 0; c < t.rows[r].size() && c < t.header.size(); ++c) {
      auto* item = new QTableWidgetItem(QString::fromStdString(t.rows[r][c]));
      item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
      item->setTextAlignment((t.left(c) ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
      w->setItem(static_cast<int>(r), static_cast<int>(c), item);
    }
  w->setAlternatingRowColors(true);
  w->verticalHeader()->hide();
  w->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  w->verticalHeader()->setDefaultSectionSize(w->fontMetrics().height() + 6);
  w->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
  // Tall enough for every row (up to a screenful): the page scrolls as a whole.
  const int h = w->horizontalHeader()->sizeHint().height() + 2 * w->frameWidth() +
                w->rowCount() * w->verticalHeader()->defaultSectionSize();
  w->setFixedHeight(std::min(h, 520));
  return w;
}

}  // namespace

QuantResultsView::QuantResultsView(QWidget* parent) : QWidget(parent) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  auto* inner = new QWidget(scroll);
  content_ = new QVBoxLayout(inner);
  scroll->setWidget(inner);
  outer->addWidget(scroll);
}

void QuantResultsView::clear() {
  for (QWidget* w : tables_) delete w;
  for (QWidget* w : captions_) delete w;
  for (QWidget* w : charts_) delete w;
  tables_.clear();
  captions_.clear();
  charts_.clear();
}

void QuantResultsView::show_result(const quant::EvalResult& r) {
  clear();
  QWidget* parent = content_->parentWidget();
  int index = 0;
  for (const views::TableData& t : views::quant_tables(r)) {
    auto* caption = new QLabel(QString::fromStdString(t.caption), parent);
    caption->setWordWrap(true);
    caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    content_->addWidget(caption);
    captions_.push_back(caption);
    QTableWidget* table = table_of(t, index++, parent);
    content_->addWidget(table);
    tables_.push_back(table);
  }
  if (r.schemes.empty()) return;
  for (charts::LineChart c :
       {charts::quant_pareto_chart(r), charts::quant_depth_chart(r), charts::quant_sqnr_chart(r)}) {
    auto* w = new LineChartWidget(parent);
    w->set_chart(std::move(c));
    w->setMinimumHeight(280);
    content_->addWidget(w);
    charts_.push_back(w);
  }
}

}  // namespace archscope::studio
