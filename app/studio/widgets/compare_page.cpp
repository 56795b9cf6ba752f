#include "widgets/compare_page.hpp"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "models/compare_model.hpp"
#include "widgets/diagram_widget.hpp"

namespace archscope::studio {

ComparePage::ComparePage(CompareModel& figures, FieldDiffModel& fields, QWidget* parent)
    : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  title_ = new QLabel(tr("Select two to four presets in the Presets tab and press Compare, or add "
                         "the open configuration."),
                      this);
  title_->setWordWrap(true);
  top->addWidget(title_, 1);
  auto* add = new QPushButton(tr("Add open configuration"), this);
  auto* clear = new QPushButton(tr("Clear"), this);
  top->addWidget(add);
  top->addWidget(clear);
  layout->addLayout(top);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  scroll_ = new QScrollArea(splitter);
  diagrams_ = new DiagramWidget;
  diagrams_->setObjectName(QStringLiteral("compare-diagrams"));
  scroll_->setWidget(diagrams_);
  scroll_->setWidgetResizable(false);
  scroll_->setBackgroundRole(QPalette::Base);
  splitter->addWidget(scroll_);

  auto* tabs = new QTabWidget(splitter);
  figures_view_ = new QTableView(tabs);
  figures_view_->setObjectName(QStringLiteral("compare-figures"));
  figures_view_->setModel(&figures);
  figures_view_->verticalHeader()->hide();
  figures_view_->verticalHeader()->setDefaultSectionSize(22);
  figures_view_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  tabs->addTab(figures_view_, tr("Figures"));
  auto* fields_box = new QWidget(tabs);
  auto* fl = new QVBoxLayout(fields_box);
  fl->setContentsMargins(0, 0, 0, 0);
  only_differing_ = new QCheckBox(tr("Only the fields that differ"), fields_box);
  only_differing_->setChecked(true);
  fl->addWidget(only_differing_);
  fields_view_ = new QTableView(fields_box);
  fields_view_->setObjectName(QStringLiteral("compare-fields"));
  fields_view_->setModel(&fields);
  fields_view_->verticalHeader()->hide();
  fields_view_->verticalHeader()->setDefaultSectionSize(22);
  fields_view_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  fl->addWidget(fields_view_);
  tabs->addTab(fields_box, tr("Fields"));
  splitter->addWidget(tabs);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setSizes({600, 300});  // the diagrams first: they are what a comparison is for
  layout->addWidget(splitter, 1);

  connect(only_differing_, &QCheckBox::toggled, &fields, &FieldDiffModel::set_only_differing);
  connect(add, &QPushButton::clicked, this, &ComparePage::addCurrentRequested);
  connect(clear, &QPushButton::clicked, this, &ComparePage::clearRequested);
}

void ComparePage::set_title(const QString& text) {
  title_->setText(text);
}

void ComparePage::fit_width() {
  const double natural = diagrams_->natural_size().width();
  if (natural <= 0) return;
  const double available = scroll_->viewport()->width() - 2;
  diagrams_->set_zoom(std::clamp(available / natural, 0.5, 1.0));
}

void ComparePage::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  fit_width();
}

}  // namespace archscope::studio
