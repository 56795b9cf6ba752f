// The Explain panel: the text of one topic (MHA/GQA/MLA, sliding windows, KV cache, RoPE, norms,
// GLUs, MoE, quantization, ...) filled with the current configuration's own numbers and its
// sources. Follows the field being edited and the diagram block clicked; LoRA takes a rank and a
// choice of modules.
#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "explain/explain_template.hpp"
#include "plan/analysis.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;
class QTextBrowser;

namespace archscope::studio {

class BackgroundWorker;

class ExplainPanel : public QWidget {
  Q_OBJECT
 public:
  ExplainPanel(BackgroundWorker& worker, QWidget* parent = nullptr);

  void set_analysis(std::shared_ptr<const Analysis> analysis);
  void show_topic(const QString& id);
  QString topic() const;
  // The rendered Markdown of the current topic ("" until rendered).
  const QString& markdown() const { return markdown_; }
  // True while a render is on its way (tests and screenshots wait for it).
  bool busy() const { return delivered_ != request_; }

 Q_SIGNALS:
  void rendered();

 private:
  void render_later();

  BackgroundWorker& worker_;
  std::vector<explain::Topic> topics_;
  std::shared_ptr<const Analysis> analysis_;
  QComboBox* choice_ = nullptr;
  QWidget* lora_ = nullptr;
  QSpinBox* rank_ = nullptr;
  QCheckBox* all_linear_ = nullptr;
  QTextBrowser* text_ = nullptr;
  QString markdown_;
  long request_ = 0;
  long delivered_ = 0;
};

}  // namespace archscope::studio
