#include "widgets/run_panel.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include "generate/engine_model.hpp"
#include "kv/kv_dtype.hpp"
#include "live/live_run.hpp"
#include "presets/preset_catalog.hpp"
#include "presets/preset_dir.hpp"
#include "registry/registry.hpp"
#include "store/db_path.hpp"
#include "store/run_store.hpp"

namespace archscope::studio {

namespace {
QSpinBox* spin(int lo, int hi, int value, QWidget* parent) {
  auto* s = new QSpinBox(parent);
  s->setRange(lo, hi);
  s->setValue(value);
  return s;
}
}  // namespace

RunPanel::RunPanel(LiveRun& run, std::function<std::optional<ModelConfig>()> open_config,
                   QWidget* parent)
    : QWidget(parent), run_(run), open_config_(std::move(open_config)) {
  setObjectName(QStringLiteral("run-panel"));
  auto* form = new QFormLayout(this);
  source_ = new QComboBox(this);
  source_->addItem(tr("Open configuration"), QString());
  try {
    for (const std::string& name : preset_names(preset_dir()))
      source_->addItem(QString::fromStdString(name), QString::fromStdString(name));
  } catch (const std::exception&) {
    // No preset folder: only the open configuration can run.
  }
  form->addRow(tr("Model"), source_);
  backend_ = new QComboBox(this);
  for (const DeviceInfo& d : devices())
    backend_->addItem(QString::fromStdString(d.spec + " — " + d.name),
                      QString::fromStdString(d.spec));
  form->addRow(tr("Backend"), backend_);
  prompt_ = spin(1, 1 << 20, 32, this);
  new_tokens_ = spin(0, 1 << 20, 16, this);
  batch_ = spin(1, 4096, 1, this);
  threads_ = spin(0, 1024, 0, this);
  threads_->setSpecialValueText(tr("one per CPU"));
  form->addRow(tr("Prompt tokens"), prompt_);
  form->addRow(tr("New tokens"), new_tokens_);
  form->addRow(tr("Batch"), batch_);
  form->addRow(tr("Threads"), threads_);
  weights_ = new QComboBox(this);
  for (const char* t : {"bf16", "fp32", "fp16"}) weights_->addItem(QString::fromLatin1(t));
  form->addRow(tr("Weights"), weights_);
  weights_quant_ = new QComboBox(this);
  weights_quant_->addItem(tr("none"), QString());
  for (const quant::Format f : quant::all_formats())
    weights_quant_->addItem(QString::fromLatin1(quant::to_string(f)),
                            QString::fromLatin1(quant::to_string(f)));
  weights_quant_->setToolTip(
      tr("Quantize the block linear weights at load (docs/quantization.md): held packed and run "
         "by kernels that read the packed blocks on the cpu backend (every scheme) and on cuda "
         "(every scheme but fp8-e4m3-block128, held dequantized in fp32 there); the other weights "
         "are fp32 here. The quantization view shows each layer's weight SQNR"));
  form->addRow(tr("Weights quant"), weights_quant_);
  connect(weights_quant_, &QComboBox::currentIndexChanged, this, [this] {
    const bool quantized = !weights_quant_->currentData().toString().isEmpty();
    if (quantized) weights_->setCurrentText(QStringLiteral("fp32"));
    weights_->setEnabled(!quantized);
  });
  // The engine's --kv-dtype names, in its order (fp32 first: the CLI's default).
  kv_dtype_ = new QComboBox(this);
  for (const QString& name : QString::fromStdString(kv_dtype_names()).split(QLatin1Char('|')))
    kv_dtype_->addItem(name, name);
  kv_dtype_->setToolTip(
      tr("KV cache dtype, as the CLI's --kv-dtype: int8 / fp8 (OCP E4M3) store one byte per "
         "element and one fp32 scale per token and KV head, dequantized as attention reads them "
         "(cpu backend only); linear-attention states stay fp32 (docs/quantization.md)"));
  form->addRow(tr("KV cache"), kv_dtype_);
  db_ = new QLineEdit(this);
  try {
    db_->setPlaceholderText(QString::fromStdString(prof::store::default_db_path().string()));
  } catch (const std::exception&) {
  }
  form->addRow(tr("Run database"), db_);
  auto* buttons = new QHBoxLayout;
  start_ = new QPushButton(tr("&Run"), this);
  stop_ = new QPushButton(tr("Stop"), this);
  follow_ = new QPushButton(tr("Follow run…"), this);
  buttons->addWidget(start_);
  buttons->addWidget(stop_);
  buttons->addWidget(follow_);
  form->addRow(buttons);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  form->addRow(status_);
  connect(start_, &QPushButton::clicked, this, [this] { start_run(); });
  connect(stop_, &QPushButton::clicked, this, [this] { run_.stop(); });
  connect(follow_, &QPushButton::clicked, this, &RunPanel::follow_dialog);
  connect(&run_, &LiveRun::updated, this, &RunPanel::update_status);
  connect(&run_, &LiveRun::finished, this, &RunPanel::update_status);
  connect(&run_, &LiveRun::failed, this, [this](const QString& why) {
    status_->setText(tr("The run failed: %1").arg(why));
    update_status();
  });
  update_status();
}

void RunPanel::set_source(const QString& preset) {
  const int i = source_->findData(preset);
  if (i >= 0) source_->setCurrentIndex(i);
}
void RunPanel::set_tokens(int prompt, int new_tokens) {
  prompt_->setValue(prompt);
  new_tokens_->setValue(new_tokens);
}
void RunPanel::set_threads(int threads) {
  threads_->setValue(threads);
}
void RunPanel::set_db(const QString& path) {
  db_->setText(path);
}
bool RunPanel::set_weights_quant(const QString& scheme) {
  const int i = weights_quant_->findData(scheme);
  if (i < 0) return false;
  weights_quant_->setCurrentIndex(i);
  return true;
}
bool RunPanel::set_kv_dtype(const QString& dtype) {
  const int i = kv_dtype_->findData(dtype);
  if (i < 0) return false;
  kv_dtype_->setCurrentIndex(i);
  return true;
}
QString RunPanel::db() const {
  return db_->text();
}

prof::RunOptions RunPanel::options() const {
  prof::RunOptions o;
  o.backend = parse_backend_spec(backend_->currentData().toString().toStdString());
  o.prompt = prompt_->value();
  o.new_tokens = new_tokens_->value();
  o.batch = batch_->value();
  o.threads = threads_->value();
  // The dtype combo is pinned to fp32 while a scheme is chosen, so it is never "given" against it.
  const WeightsChoice w = weights_choice(weights_->currentText().toStdString(), false,
                                         weights_quant_->currentData().toString().toStdString(),
                                         "weights", "weights quant");
  o.weights = w.weights;
  o.weights_quant = w.quant;
  o.kv = parse_kv_elem(kv_dtype_->currentData().toString().toStdString(), "KV cache");
  o.source = "archscope-studio";
  o.observe.spans = true;
  o.observe.activations = o.observe.op_checks = true;
  o.prefill_chunk = 1024;  // the CLI's default
  return o;
}

std::optional<ModelConfig> RunPanel::chosen_config(QString& why) const {
  const QString preset = source_->currentData().toString();
  if (preset.isEmpty()) {
    auto c = open_config_ ? open_config_() : std::nullopt;
    if (!c) why = tr("the open configuration breaks a rule: fix it first, or pick a preset");
    return c;
  }
  try {
    return load_preset(preset.toStdString(), preset_dir());
  } catch (const std::exception& e) {
    why = QString::fromUtf8(e.what());
    return std::nullopt;
  }
}

bool RunPanel::start_run() {
  QString why;
  const std::optional<ModelConfig> config = chosen_config(why);
  if (!config) {
    status_->setText(tr("Cannot run: %1").arg(why));
    return false;
  }
  prof::RunOptions o;
  try {
    o = options();
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot run: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  if (!run_.start(*config, o, db_->text())) {
    status_->setText(tr("Cannot run: %1").arg(run_.error()));
    return false;
  }
  update_status();
  Q_EMIT runStarted();
  return true;
}

void RunPanel::follow_dialog() {
  QString path = db_->text();
  int64_t newest = 1;
  try {
    if (path.isEmpty()) path = QString::fromStdString(prof::store::default_db_path().string());
    auto store = prof::store::RunStore::open_read_only(path.toStdString());
    for (const prof::RunInfo& r : store.list_runs())  // newest first: the newest running one
      if (r.status == prof::RunStatus::Running) {
        newest = r.id;
        break;
      }
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot follow a run of %1: %2").arg(path, QString::fromUtf8(e.what())));
    return;
  }
  bool ok = false;
  const int id = QInputDialog::getInt(
      this, tr("Follow run"),
      tr("Run id in %1 (written by another process, e.g. archscope run):").arg(path),
      static_cast<int>(newest), 1, INT32_MAX, 1, &ok);
  if (!ok) return;
  if (!run_.follow(path, id))
    status_->setText(tr("Cannot follow run %1: %2").arg(id).arg(run_.error()));
  update_status();
  Q_EMIT runStarted();
}

QString RunPanel::status_text() const {
  return status_->text();
}

void RunPanel::update_status() {
  start_->setEnabled(!run_.active());
  follow_->setEnabled(!run_.active());
  stop_->setEnabled(run_.active());
  const views::live::LiveState& s = run_.state();
  if (!s.started) {
    if (run_.active()) status_->setText(tr("Building the model…"));
    return;
  }
  QString text =
      tr("Run %1 of %2 (%3) · step %4 of %5")
          .arg(s.run.id)
          .arg(QString::fromStdString(s.run.model), QString::fromStdString(s.run.backend))
          .arg(s.steps_done)
          .arg(s.total_steps);
  if (run_.following())
    text += tr(" · following %1").arg(run_.db_path());
  else
    text += tr(" · stored in %1").arg(run_.db_path());
  text += tr(" · %1 events dropped").arg(s.events_dropped);
  if (s.finished)
    text += s.failure.empty() ? tr(" · complete")
                              : tr(" · %1: %2")
                                    .arg(QString::fromLatin1(prof::to_string(s.run.status)),
                                         QString::fromStdString(s.failure));
  status_->setText(text);
}

}  // namespace archscope::studio
