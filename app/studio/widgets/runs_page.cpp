#include "widgets/runs_page.hpp"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "common/error.hpp"
#include "models/runs_model.hpp"
#include "store/db_path.hpp"
#include "widgets/run_figures_view.hpp"

namespace archscope::studio {

namespace {

QString error_text(const std::exception& e) {
  return QString::fromUtf8(e.what());
}

// Runs as the CLI names them in messages: "run 3" or "3 runs".
QString runs_phrase(const std::vector<int64_t>& ids) {
  return ids.size() == 1 ? QObject::tr("run %1").arg(ids.front())
                         : QObject::tr("%1 runs").arg(ids.size());
}

}  // namespace

RunsPage::RunsPage(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  path_label_ = new QLabel(this);
  path_label_->setObjectName(QStringLiteral("runs-database"));
  path_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  path_label_->setWordWrap(true);  // a long path must not widen the window
  path_label_->setMinimumWidth(120);
  top->addWidget(path_label_, 1);
  auto* choose = new QPushButton(tr("Open Run &Database…"), this);
  auto* reload = new QPushButton(tr("Re&load"), this);
  top->addWidget(choose);
  top->addWidget(reload);
  layout->addLayout(top);
  banner_ = new QLabel(this);
  banner_->setObjectName(QStringLiteral("runs-banner"));
  banner_->setWordWrap(true);
  banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(banner_);

  auto* filters = new QHBoxLayout;
  filter_ = new QLineEdit(this);
  filter_->setObjectName(QStringLiteral("runs-filter"));
  filter_->setPlaceholderText(tr("Filter runs by name, model or backend…"));
  filter_->setClearButtonEnabled(true);
  status_ = new QComboBox(this);
  status_->setObjectName(QStringLiteral("runs-status"));
  status_->addItem(tr("Any status"), QString());
  for (const char* s : {"complete", "interrupted", "failed", "running"})
    status_->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
  count_ = new QLabel(this);
  filters->addWidget(filter_, 1);
  filters->addWidget(status_);
  filters->addWidget(count_);
  layout->addLayout(filters);

  model_ = new RunsModel(this);
  proxy_ = new RunsFilterModel(this);
  proxy_->setSourceModel(model_);
  table_ = new QTableView(this);
  table_->setObjectName(QStringLiteral("runs-table"));
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(RunsModel::Id, Qt::DescendingOrder);  // newest first, as the store lists
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);

  auto* buttons = new QHBoxLayout;
  open_ = new QPushButton(tr("&Open"), this);
  compare_ = new QPushButton(tr("&Compare"), this);
  compare_->setToolTip(
      tr("Select two or more runs (Ctrl+click); the first selected is the baseline"));
  rename_ = new QPushButton(tr("&Rename"), this);
  delete_ = new QPushButton(tr("De&lete…"), this);
  export_ = new QToolButton(this);
  export_->setText(tr("&Export"));
  export_->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(export_);
  menu->addSection(tr("The selected run (a report takes several)"));
  menu->addAction(tr("Report as HTML…"), this, [this] { export_dialog(RunExport::Report); });
  menu->addAction(tr("Report as Markdown…"), this,
                  [this] { export_dialog(RunExport::Report, true); });
  menu->addAction(tr("Spans as CSV…"), this, [this] { export_dialog(RunExport::Csv); });
  menu->addAction(tr("Run as JSON…"), this, [this] { export_dialog(RunExport::Json); });
  menu->addAction(tr("Chrome / Perfetto trace…"), this,
                  [this] { export_dialog(RunExport::ChromeTrace); });
  menu->addSection(tr("The selected runs compared"));
  menu->addAction(tr("Comparison as JSON…"), this,
                  [this] { export_dialog(RunExport::ComparisonJson); });
  menu->addAction(tr("Comparison as text…"), this,
                  [this] { export_dialog(RunExport::ComparisonText); });
  export_->setMenu(menu);
  for (QWidget* b : std::initializer_list<QWidget*>{open_, compare_, rename_, delete_, export_})
    buttons->addWidget(b);
  buttons->addStretch(1);

  auto* list = new QWidget(this);
  auto* list_layout = new QVBoxLayout(list);
  list_layout->setContentsMargins(0, 0, 0, 0);
  list_layout->addWidget(table_, 1);
  list_layout->addLayout(buttons);
  detail_ = new QTabWidget(this);
  detail_->setObjectName(QStringLiteral("runs-detail"));
  run_view_ = new RunFiguresView(
      tr("Double-click a run (or select it and press Open) to see its figures."), detail_);
  compare_view_ = new RunFiguresView(
      tr("Select two or more runs and press Compare to see them side by side."), detail_);
  detail_->addTab(run_view_, tr("Run"));
  detail_->addTab(compare_view_, tr("Comparison"));
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(list);
  split->addWidget(detail_);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  layout->addWidget(split, 1);

  confirm_ = [this](const QString& question) {
    return QMessageBox::question(this, tr("Delete runs"), question,
                                 QMessageBox::Yes | QMessageBox::Cancel,
                                 QMessageBox::Cancel) == QMessageBox::Yes;
  };
  model_->set_rename_handler(
      [this](int64_t id, const QString& name) { return rename_run(id, name); });

  connect(choose, &QPushButton::clicked, this, &RunsPage::choose_database_dialog);
  connect(reload, &QPushButton::clicked, this, &RunsPage::refresh);
  connect(filter_, &QLineEdit::textChanged, this, [this](const QString& t) {
    proxy_->set_text(t);
    update_status();
  });
  connect(status_, &QComboBox::currentIndexChanged, this, [this] {
    proxy_->set_status(status_->currentData().toString());
    update_status();
  });
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &RunsPage::update_buttons);
  connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
    if (index.column() != RunsModel::Name) open_run(index.data(RunsModel::RunIdRole).toLongLong());
  });
  connect(open_, &QPushButton::clicked, this, [this] {
    if (const auto ids = selected_ids(); ids.size() == 1) open_run(ids.front());
  });
  connect(compare_, &QPushButton::clicked, this, [this] { compare_runs(selected_ids()); });
  connect(rename_, &QPushButton::clicked, this, [this] {
    const QModelIndexList rows = table_->selectionModel()->selectedRows(RunsModel::Name);
    if (rows.size() == 1) table_->edit(rows.front());
  });
  connect(delete_, &QPushButton::clicked, this, [this] { delete_runs(selected_ids()); });
  // The Delete key on the list (a name being edited keeps its own Delete key).
  auto* del = new QAction(tr("Delete runs"), table_);
  del->setShortcut(QKeySequence::Delete);
  del->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(del, &QAction::triggered, this, [this] { delete_runs(selected_ids()); });
  table_->addAction(del);

  const QString saved = QSettings().value(QString::fromLatin1(kDatabaseSetting)).toString();
  set_database(saved.isEmpty() ? QString::fromStdString(prof::store::default_db_path().string())
                               : saved);
}

RunsPage::~RunsPage() = default;

QString RunsPage::database() const {
  return db_ ? QString::fromStdString(db_->path().string()) : QString();
}

bool RunsPage::set_database(const QString& path) {
  db_ = std::make_unique<RunDatabase>(std::filesystem::path(path.toStdString()));
  path_label_->setText(tr("Run database: %1").arg(path));
  run_view_->clear();
  compare_view_->clear();
  return refresh();
}

void RunsPage::fail(const QString& message) {
  error_ = message;
  banner_->setStyleSheet(QStringLiteral("color: #b01e1e; font-weight: bold"));
  banner_->setText(message);
  banner_->show();
}

bool RunsPage::refresh() {
  error_.clear();
  banner_->setStyleSheet(QString());
  banner_->hide();
  const std::vector<int64_t> keep = selected_ids();
  std::vector<prof::RunInfo> runs;
  bool ok = true;
  if (!db_->exists()) {
    banner_->setText(
        tr("No runs yet: %1 does not exist (archscope run creates it).").arg(database()));
    banner_->show();
  } else {
    try {
      runs = db_->list();
    } catch (const std::exception& e) {
      // The store refuses before writing anything: the file stays as it is.
      fail(tr("Refused: %1").arg(error_text(e)));
      ok = false;
    }
  }
  model_->set_runs(std::move(runs));
  select_ids(keep);
  update_status();
  update_buttons();
  Q_EMIT runsChanged();
  return ok;
}

void RunsPage::update_status() {
  count_->setText(tr("%1 of %2 runs").arg(proxy_->rowCount()).arg(model_->rowCount()));
}

void RunsPage::update_buttons() {
  const size_t n = selected_ids().size();
  open_->setEnabled(n == 1);
  compare_->setEnabled(n >= 2);
  rename_->setEnabled(n == 1);
  delete_->setEnabled(n >= 1);
  export_->setEnabled(n >= 1);
}

std::vector<int64_t> RunsPage::selected_ids() const {
  std::vector<std::pair<int, int64_t>> rows;
  for (const QModelIndex& i : table_->selectionModel()->selectedRows())
    rows.emplace_back(i.row(), i.data(RunsModel::RunIdRole).toLongLong());
  std::sort(rows.begin(), rows.end());
  std::vector<int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.second);
  return ids;
}

void RunsPage::select_ids(const std::vector<int64_t>& ids) {
  QItemSelection selection;
  for (int64_t id : ids) {
    const int row = model_->row_of(id);
    if (row < 0) continue;
    const QModelIndex i = proxy_->mapFromSource(model_->index(row, 0));
    if (i.isValid()) selection.select(i, i.siblingAtColumn(RunsModel::ColumnCount - 1));
  }
  table_->selectionModel()->select(selection,
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void RunsPage::show_detail(bool comparison) {
  detail_->setCurrentIndex(comparison ? 1 : 0);
}

bool RunsPage::open_run(int64_t id) {
  QApplication::setOverrideCursor(Qt::WaitCursor);
  bool ok = false;
  try {
    const views::compare::Comparison c = db_->compare({id});
    const int row = model_->row_of(id);
    prof::RunInfo info = row >= 0 ? model_->runs()[static_cast<size_t>(row)] : prof::RunInfo{};
    if (row < 0) {
      info.id = id;
      info.name = c.runs.front().name;
    }
    const std::optional<quant::EvalResult> quant = db_->quant_result(id);
    run_view_->show_run(info, c, quant ? &*quant : nullptr);
    show_detail(false);
    ok = true;
  } catch (const std::exception& e) {
    fail(tr("Run %1 could not be read: %2").arg(id).arg(error_text(e)));
  }
  QApplication::restoreOverrideCursor();
  return ok;
}

bool RunsPage::compare_runs(const std::vector<int64_t>& ids) {
  if (ids.size() < 2) {
    fail(tr("Select two or more runs to compare."));
    return false;
  }
  QApplication::setOverrideCursor(Qt::WaitCursor);
  bool ok = false;
  try {
    compare_view_->show_comparison(db_->compare(ids));
    show_detail(true);
    ok = true;
  } catch (const std::exception& e) {
    fail(tr("The runs could not be compared: %1").arg(error_text(e)));
  }
  QApplication::restoreOverrideCursor();
  return ok;
}

bool RunsPage::rename_run(int64_t id, const QString& name) {
  try {
    db_->rename(id, name.toStdString());
  } catch (const std::exception& e) {
    fail(tr("Run %1 was not renamed: %2").arg(id).arg(error_text(e)));
    return false;
  }
  return true;
}

bool RunsPage::delete_runs(const std::vector<int64_t>& ids) {
  if (ids.empty()) return false;
  QStringList names;
  for (int64_t id : ids) {
    const int row = model_->row_of(id);
    names << QStringLiteral("#%1 %2").arg(id).arg(
        row >= 0 ? QString::fromStdString(model_->runs()[static_cast<size_t>(row)].name)
                 : QString());
  }
  const QString question =
      tr("Delete %1 and all their records from %2? This cannot be undone.\n\n%3")
          .arg(runs_phrase(ids), database(), names.join('\n'));
  if (!confirm_ || !confirm_(question)) return false;
  bool ok = true;
  try {
    db_->remove(ids);
  } catch (const std::exception& e) {
    fail(tr("Not deleted: %1").arg(error_text(e)));
    ok = false;
  }
  refresh();
  if (ok) {
    run_view_->clear();
    compare_view_->clear();
  }
  return ok;
}

}  // namespace archscope::studio
