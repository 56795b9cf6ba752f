#include "widgets/whatif_bar.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSpinBox>

#include "config/limits.hpp"

namespace archscope::studio {

namespace {
const DType kDTypes[] = {DType::F32, DType::BF16, DType::F16, DType::FP8, DType::INT8, DType::INT4};

QComboBox* dtype_box(QWidget* parent) {
  auto* box = new QComboBox(parent);
  for (DType t : kDTypes) box->addItem(QString::fromLatin1(to_string(t)));
  box->setCurrentText(QStringLiteral("bf16"));
  return box;
}
}  // namespace

WhatIfBar::WhatIfBar(QWidget* parent) : QWidget(parent) {
  auto* form = new QFormLayout(this);
  form->setContentsMargins(4, 4, 4, 4);
  context_ = new QComboBox(this);
  context_->setObjectName(QStringLiteral("context"));
  context_->setEditable(true);
  for (int k : {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024})
    context_->addItem(QString::number(k * 1024));
  context_->setCurrentText(QStringLiteral("4096"));
  context_->lineEdit()->setValidator(new QRegularExpressionValidator(
      QRegularExpression(QStringLiteral("[1-9][0-9]{0,12}")), this));
  context_->setToolTip(tr("Prefill length, and tokens cached at the decode step (--context)"));
  form->addRow(tr("Context"), context_);
  batch_ = new QSpinBox(this);
  batch_->setObjectName(QStringLiteral("batch"));
  batch_->setRange(1, 1 << 20);
  batch_->setToolTip(tr("Sequences processed together (--batch)"));
  form->addRow(tr("Batch"), batch_);
  weights_ = dtype_box(this);
  weights_->setObjectName(QStringLiteral("weights"));
  weights_->setToolTip(
      tr("Matmul weight dtype; fp8/int8/int4 quantize matmul weights only (--weights-dtype)"));
  form->addRow(tr("Weights"), weights_);
  kv_ = dtype_box(this);
  kv_->setObjectName(QStringLiteral("kv"));
  kv_->setToolTip(tr("KV cache dtype (--kv-dtype)"));
  form->addRow(tr("KV cache"), kv_);
  group_ = new QSpinBox(this);
  group_->setRange(0, 1 << 20);
  group_->setSpecialValueText(tr("no scales"));
  group_->setToolTip(
      tr("Quantized weights carry one bf16 scale per this many weights (--quant-group-size)"));
  form->addRow(tr("Quant group"), group_);
  hardware_ = new QComboBox(this);
  hardware_->setObjectName(QStringLiteral("hardware"));
  hardware_->addItem(tr("none"), QString());
  hardware_->setToolTip(tr("Hardware profile for the roofline and the memory fit (--hardware)"));
  form->addRow(tr("Hardware"), hardware_);

  connect(context_->lineEdit(), &QLineEdit::editingFinished, this, &WhatIfBar::changed);
  connect(context_, &QComboBox::activated, this, [this](int) { Q_EMIT changed(); });
  connect(batch_, &QSpinBox::editingFinished, this, &WhatIfBar::changed);
  connect(batch_, &QSpinBox::valueChanged, this, [this](int) {
    if (!batch_->hasFocus())
      Q_EMIT changed();  // arrows and wheel; typing ends with editingFinished
  });
  connect(group_, &QSpinBox::valueChanged, this, [this](int) { Q_EMIT changed(); });
  for (QComboBox* box : {weights_, kv_, hardware_})
    connect(box, &QComboBox::activated, this, [this](int) { Q_EMIT changed(); });
}

AnalysisOptions WhatIfBar::options() const {
  AnalysisOptions o;
  o.context = std::clamp<qlonglong>(context_->currentText().toLongLong(), 1, kMaxContext);
  o.batch = batch_->value();
  o.weights = parse_dtype(weights_->currentText().toStdString()).value_or(DType::BF16);
  o.kv = parse_dtype(kv_->currentText().toStdString()).value_or(DType::BF16);
  o.quant_group_size = group_->value();
  return o;
}

QString WhatIfBar::hardware() const {
  return hardware_->currentData().toString();
}

void WhatIfBar::set_hardware_names(const QStringList& names) {
  const QString current = hardware();
  const QSignalBlocker block(hardware_);
  hardware_->clear();
  hardware_->addItem(tr("none"), QString());
  for (const QString& n : names) hardware_->addItem(n, n);
  const int i = hardware_->findData(current);
  hardware_->setCurrentIndex(i < 0 ? 0 : i);
}

void WhatIfBar::set_state(const AnalysisOptions& o, const QString& hardware) {
  const QSignalBlocker b1(context_), b2(batch_), b3(weights_), b4(kv_), b5(group_), b6(hardware_);
  context_->setCurrentText(QString::number(o.context));
  batch_->setValue(static_cast<int>(o.batch));
  weights_->setCurrentText(QString::fromLatin1(to_string(o.weights)));
  kv_->setCurrentText(QString::fromLatin1(to_string(o.kv)));
  group_->setValue(static_cast<int>(o.quant_group_size));
  const int i = hardware_->findData(hardware);
  if (i >= 0) hardware_->setCurrentIndex(i);
}

}  // namespace archscope::studio
