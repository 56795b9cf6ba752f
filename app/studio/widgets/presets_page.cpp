#include "widgets/presets_page.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include "models/preset_model.hpp"

namespace archscope::studio {

PresetsPage::PresetsPage(PresetModel& model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  search_ = new QLineEdit(this);
  search_->setObjectName(QStringLiteral("preset-search"));
  search_->setPlaceholderText(
      tr("Search presets: name, family, architecture (e.g. moe, mla, sliding)…"));
  search_->setClearButtonEnabled(true);
  top->addWidget(search_, 1);
  open_ = new QPushButton(tr("&Open"), this);
  compare_ = new QPushButton(tr("&Compare"), this);
  compare_->setToolTip(tr("Select two to four presets (Ctrl+click) and compare them side by side"));
  top->addWidget(open_);
  top->addWidget(compare_);
  layout->addLayout(top);

  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(&model_);
  proxy_->setRecursiveFilteringEnabled(true);
  // A search that matches a family ("glm4.5") shows its presets, whose names need not match.
  proxy_->setAutoAcceptChildRows(true);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setFilterKeyColumn(-1);  // any column: name, family, description, source
  proxy_->setSortRole(PresetModel::SortRole);
  view_ = new QTreeView(this);
  view_->setObjectName(QStringLiteral("preset-tree"));
  view_->setModel(proxy_);
  view_->setSortingEnabled(true);
  view_->sortByColumn(PresetModel::Name, Qt::AscendingOrder);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setUniformRowHeights(true);
  view_->setAlternatingRowColors(true);
  view_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  view_->header()->setStretchLastSection(true);
  layout->addWidget(view_, 1);
  status_ = new QLabel(this);
  layout->addWidget(status_);

  connect(search_, &QLineEdit::textChanged, this, [this](const QString& text) {
    proxy_->setFilterFixedString(text);
    if (!text.isEmpty()) view_->expandAll();
  });
  connect(view_, &QTreeView::doubleClicked, this, &PresetsPage::open_index);
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &PresetsPage::update_buttons);
  connect(&model_, &QAbstractItemModel::modelReset, this, [this] {
    view_->expandAll();
    status_->setText(tr("%1 presets").arg(model_.preset_count()));
    update_buttons();
  });
  connect(open_, &QPushButton::clicked, this, [this] {
    const QModelIndexList rows = view_->selectionModel()->selectedRows(0);
    for (const QModelIndex& i : rows)
      if (!i.data(PresetModel::PathRole).toString().isEmpty()) return open_index(i);
  });
  connect(compare_, &QPushButton::clicked, this,
          [this] { Q_EMIT compareRequested(selected_paths()); });
  update_buttons();
}

void PresetsPage::open_index(const QModelIndex& index) {
  const QModelIndex first = index.siblingAtColumn(0);
  const QString path = first.data(PresetModel::PathRole).toString();
  if (path.isEmpty()) return;  // a family row
  if (first.data(PresetModel::TrainedRole).toBool()) {
    Q_EMIT openModelRequested(path, first.data(PresetModel::NameRole).toString());
  } else {
    Q_EMIT openRequested(path);
  }
}

QStringList PresetsPage::selected_paths() const {
  QStringList paths;
  for (const QModelIndex& i : view_->selectionModel()->selectedRows(0)) {
    const QString p = i.data(PresetModel::PathRole).toString();
    if (!p.isEmpty()) paths << p;
  }
  return paths;
}

void PresetsPage::set_loading(bool loading) {
  if (loading) status_->setText(tr("Loading presets…"));
}

void PresetsPage::update_buttons() {
  const int n = static_cast<int>(selected_paths().size());
  open_->setEnabled(n >= 1);
  compare_->setEnabled(n >= 2 && n <= 4);
}

}  // namespace archscope::studio
