// The Run dock: what to run (the open configuration or a preset), on which backend (the CPU, or a
// CUDA device when the registry lists one), with how many prompt and new tokens, batch, threads
// weights dtype and weight-quantization scheme (a scheme implies fp32 weights, the CLI's rule:
// engine/generate/engine_model.hpp weights_choice), into which run database (empty: the CLI's
// default), and the Run, Stop and Follow run… buttons. The run itself is LiveRun's: this widget
// only reads the form and shows the run's status line (run id, step, events dropped).
#pragma once

#include <QWidget>
#include <functional>
#include <optional>

#include "config/model_config.hpp"
#include "runner/profiled_run.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace archscope::studio {

class LiveRun;

class RunPanel : public QWidget {
  Q_OBJECT
 public:
  // `open_config` gives the open configuration (nullopt when it breaks a rule).
  RunPanel(LiveRun& run, std::function<std::optional<ModelConfig>()> open_config,
           QWidget* parent = nullptr);

  // The form's choice: "" for the open configuration, else a preset name.
  void set_source(const QString& preset);
  void set_tokens(int prompt, int new_tokens);
  void set_db(const QString& path);
  void set_threads(int threads);  // 0: one per logical CPU
  // "" for none, else a quant::Format name ("q8_0"); false when the dock does not offer it.
  bool set_weights_quant(const QString& scheme);
  // A KV cache dtype (kv/kv_dtype.hpp: "fp32", "bf16", "fp16", "int8", "fp8"); false when the dock
  // does not offer it.
  bool set_kv_dtype(const QString& dtype);
  QString db() const;
  // The run options the form describes (validated by LiveRun::start).
  prof::RunOptions options() const;
  // Starts a run of the chosen model; false (and the reason in the status line) when it cannot.
  bool start_run();
  // Asks for a run id (the newest running run of the database first) and follows it.
  void follow_dialog();
  QString status_text() const;

 Q_SIGNALS:
  void runStarted();

 private:
  void update_status();
  std::optional<ModelConfig> chosen_config(QString& why) const;

  LiveRun& run_;
  std::function<std::optional<ModelConfig>()> open_config_;
  QComboBox* source_ = nullptr;
  QComboBox* backend_ = nullptr;
  QComboBox* weights_ = nullptr;
  QComboBox* weights_quant_ = nullptr;
  QComboBox* kv_dtype_ = nullptr;
  QSpinBox* prompt_ = nullptr;
  QSpinBox* new_tokens_ = nullptr;
  QSpinBox* batch_ = nullptr;
  QSpinBox* threads_ = nullptr;
  QLineEdit* db_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* stop_ = nullptr;
  QPushButton* follow_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace archscope::studio
