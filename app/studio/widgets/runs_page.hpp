// The runs browser: the stored runs of a run database (the CLI's by default; File ▸ Open Run
// Database… picks another), filtered by text and status and sorted by any column; rename (edit
// the name), delete (asks first), open one (its figures, per-layer and per-kind times) or compare
// two or more side by side, and export a run or a comparison with the CLI's writers.
//
// A file that is not a run database (corrupt, foreign SQLite, newer schema) is refused with the
// store's reason and never written.
#pragma once

#include <QString>
#include <QWidget>
#include <functional>
#include <memory>
#include <vector>

#include "models/run_database.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTableView;
class QToolButton;

namespace archscope::studio {

class RunFiguresView;
class RunsFilterModel;
class RunsModel;

class RunsPage : public QWidget {
  Q_OBJECT
 public:
  // The QSettings key of the database chosen with the dialog (the next start opens it).
  static constexpr const char* kDatabaseSetting = "runs/database";

  explicit RunsPage(QWidget* parent = nullptr);
  ~RunsPage() override;

  // Reads `path` (nothing is created or changed). False, with error(), when it is refused.
  bool set_database(const QString& path);
  QString database() const;
  // Reads the list again (a run another process wrote appears); false on a refusal.
  bool refresh();
  // Opens run `id` below the list / compares `ids` (first: baseline). False, with error().
  bool open_run(int64_t id);
  bool compare_runs(const std::vector<int64_t>& ids);
  bool rename_run(int64_t id, const QString& name);
  // Asks first (confirm()); false when declined or the store refused.
  bool delete_runs(const std::vector<int64_t>& ids);
  bool export_runs(const std::vector<int64_t>& ids, RunExport format, const QString& path);
  // The selected runs, in the list's order.
  std::vector<int64_t> selected_ids() const;
  void select_ids(const std::vector<int64_t>& ids);

  // Dialogs: choose a database / an export file. Not used by the tests.
  void choose_database_dialog();
  void export_dialog(RunExport format, bool markdown = false);  // markdown: a Report as .md
  // The question asked before deleting (default: a message box); tests answer it.
  void set_confirm(std::function<bool(const QString& question)> confirm) {
    confirm_ = std::move(confirm);
  }

  const QString& error() const { return error_; }
  RunsModel& model() { return *model_; }
  RunsFilterModel& proxy() { return *proxy_; }
  QTableView& table() { return *table_; }
  QLineEdit& filter() { return *filter_; }
  QComboBox& status_filter() { return *status_; }
  QPushButton& open_button() { return *open_; }
  QPushButton& compare_button() { return *compare_; }
  QPushButton& rename_button() { return *rename_; }
  QPushButton& delete_button() { return *delete_; }
  RunFiguresView& run_view() { return *run_view_; }
  RunFiguresView& comparison_view() { return *compare_view_; }
  // Shows the opened run (false) or the comparison (true) below the list.
  void show_detail(bool comparison);

 Q_SIGNALS:
  void runsChanged();

 private:
  void fail(const QString& message);
  void update_buttons();
  void update_status();
  std::unique_ptr<RunDatabase> db_;
  RunsModel* model_ = nullptr;
  RunsFilterModel* proxy_ = nullptr;
  QLabel* path_label_ = nullptr;
  QLabel* banner_ = nullptr;
  QLabel* count_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QComboBox* status_ = nullptr;
  QTableView* table_ = nullptr;
  QPushButton* open_ = nullptr;
  QPushButton* compare_ = nullptr;
  QPushButton* rename_ = nullptr;
  QPushButton* delete_ = nullptr;
  QToolButton* export_ = nullptr;
  QTabWidget* detail_ = nullptr;
  RunFiguresView* run_view_ = nullptr;
  RunFiguresView* compare_view_ = nullptr;
  std::function<bool(const QString&)> confirm_;
  QString error_;
};

}  // namespace archscope::studio
