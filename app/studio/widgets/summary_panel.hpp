// The live analytic summary beside the editor: what-if controls, the figures of the current
// configuration (recomputed off the UI thread on every edit), the analysis' warnings, how long the
// analysis took, and the per-layer figures.
#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace archscope::studio {

class LayerTableModel;
class SummaryModel;
class WhatIfBar;

class SummaryPanel : public QWidget {
  Q_OBJECT
 public:
  SummaryPanel(SummaryModel& summary, LayerTableModel& layers, QWidget* parent = nullptr);
  WhatIfBar& whatif() { return *whatif_; }
  QTableView& table() { return *table_; }
  // "computed in 4.2 ms" or the error that stopped the analysis.
  void set_status(const QString& text, bool error);
  void set_warnings(const QStringList& warnings);
  QString status_text() const;

 Q_SIGNALS:
  void topicRequested(const QString& topic);

 private:
  WhatIfBar* whatif_ = nullptr;
  QLabel* status_ = nullptr;
  QLabel* warnings_ = nullptr;
  QTableView* table_ = nullptr;
};

}  // namespace archscope::studio
