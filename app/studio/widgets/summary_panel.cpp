#include "widgets/summary_panel.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "models/layer_table_model.hpp"
#include "models/summary_model.hpp"
#include "widgets/whatif_bar.hpp"

namespace archscope::studio {

SummaryPanel::SummaryPanel(SummaryModel& summary, LayerTableModel& layers, QWidget* parent)
    : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  whatif_ = new WhatIfBar(this);
  layout->addWidget(whatif_);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("summary-status"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);
  warnings_ = new QLabel(this);
  warnings_->setWordWrap(true);
  warnings_->setStyleSheet(QStringLiteral("color: #8a5a00;"));
  warnings_->hide();
  layout->addWidget(warnings_);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  table_ = new QTableView(splitter);
  table_->setObjectName(QStringLiteral("summary-table"));
  table_->setModel(&summary);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(22);
  table_->horizontalHeader()->setSectionResizeMode(SummaryModel::Figure,
                                                   QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(SummaryModel::Value,
                                                   QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  splitter->addWidget(table_);
  auto* per_layer = new QTableView(splitter);
  per_layer->setObjectName(QStringLiteral("summary-layers"));
  per_layer->setModel(&layers);
  per_layer->verticalHeader()->hide();
  per_layer->verticalHeader()->setDefaultSectionSize(20);
  per_layer->horizontalHeader()->setStretchLastSection(true);
  per_layer->setEditTriggers(QAbstractItemView::NoEditTriggers);
  splitter->addWidget(per_layer);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);

  connect(table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
    const QString topic = index.data(SummaryModel::TopicRole).toString();
    if (!topic.isEmpty()) Q_EMIT topicRequested(topic);
  });
}

void SummaryPanel::set_status(const QString& text, bool error) {
  status_->setText(text);
  status_->setStyleSheet(error ? QStringLiteral("color: #a4262c;")
                               : QStringLiteral("color: #5f6368;"));
}

QString SummaryPanel::status_text() const {
  return status_->text();
}

void SummaryPanel::set_warnings(const QStringList& warnings) {
  warnings_->setText(warnings.join(QStringLiteral("\n")));
  warnings_->setVisible(!warnings.isEmpty());
}

}  // namespace archscope::studio
