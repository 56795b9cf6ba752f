// What-if controls of the live summary: context, batch, weights and KV dtype, quantization group
// size and the hardware profile. Values are checked as the CLI checks its flags.
#pragma once

#include <QWidget>

#include "plan/analysis.hpp"

class QComboBox;
class QSpinBox;

namespace archscope::studio {

class WhatIfBar : public QWidget {
  Q_OBJECT
 public:
  explicit WhatIfBar(QWidget* parent = nullptr);

  AnalysisOptions options() const;
  QString hardware() const;  // profile name, "" for none
  void set_hardware_names(const QStringList& names);
  void set_state(const AnalysisOptions& options, const QString& hardware);

  QComboBox& context_box() { return *context_; }

 Q_SIGNALS:
  void changed();

 private:
  QComboBox* context_ = nullptr;
  QSpinBox* batch_ = nullptr;
  QComboBox* weights_ = nullptr;
  QComboBox* kv_ = nullptr;
  QSpinBox* group_ = nullptr;
  QComboBox* hardware_ = nullptr;
};

}  // namespace archscope::studio
