// Two to four configurations side by side: their block diagrams with the blocks and lines that
// differ from the first highlighted, the summary figures with their change against the first, and
// every config field (only the differing ones by default).
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QScrollArea;
class QTableView;

namespace archscope::studio {

class CompareModel;
class DiagramWidget;
class FieldDiffModel;

class ComparePage : public QWidget {
  Q_OBJECT
 public:
  ComparePage(CompareModel& figures, FieldDiffModel& fields, QWidget* parent = nullptr);
  DiagramWidget& diagrams() { return *diagrams_; }
  QTableView& figures_view() { return *figures_view_; }
  void set_title(const QString& text);
  // Zooms the diagrams so that all of them fit the page's width (never above 1, never below 0.5).
  void fit_width();

 Q_SIGNALS:
  void clearRequested();
  void addCurrentRequested();

 private:
  void resizeEvent(QResizeEvent* e) override;
  QLabel* title_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  DiagramWidget* diagrams_ = nullptr;
  QTableView* figures_view_ = nullptr;
  QTableView* fields_view_ = nullptr;
  QCheckBox* only_differing_ = nullptr;
};

}  // namespace archscope::studio
