#include "widgets/explain_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "asset_paths.hpp"
#include "common/error.hpp"
#include "explain/explain_figures.hpp"
#include "models/background_worker.hpp"

namespace archscope::studio {

ExplainPanel::ExplainPanel(BackgroundWorker& worker, QWidget* parent)
    : QWidget(parent), worker_(worker) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  choice_ = new QComboBox(this);
  choice_->setObjectName(QStringLiteral("explain-topic"));
  layout->addWidget(choice_);
  lora_ = new QWidget(this);
  auto* lora_row = new QHBoxLayout(lora_);
  lora_row->setContentsMargins(0, 0, 0, 0);
  lora_row->addWidget(new QLabel(tr("Rank"), lora_));
  rank_ = new QSpinBox(lora_);
  rank_->setRange(1, 4096);
  rank_->setValue(16);
  lora_row->addWidget(rank_);
  all_linear_ = new QCheckBox(tr("FFN projections too"), lora_);
  lora_row->addWidget(all_linear_);
  lora_row->addStretch(1);
  layout->addWidget(lora_);
  text_ = new QTextBrowser(this);
  text_->setObjectName(QStringLiteral("explain-text"));
  text_->setOpenExternalLinks(true);
  layout->addWidget(text_, 1);

  try {
    topics_ = explain::load_topics(explain_dir());
  } catch (const Error& e) {
    text_->setPlainText(
        tr("The explain texts could not be loaded: %1").arg(QString::fromUtf8(e.what())));
  }
  // In the engine's topic order, which groups related topics.
  for (const std::string& id : explain::topic_ids())
    for (const auto& t : topics_)
      if (t.id == id)
        choice_->addItem(QString::fromStdString(t.title), QString::fromStdString(t.id));
  connect(choice_, &QComboBox::currentIndexChanged, this, [this](int) { render_later(); });
  connect(rank_, &QSpinBox::valueChanged, this, [this](int) { render_later(); });
  connect(all_linear_, &QCheckBox::toggled, this, [this](bool) { render_later(); });
  render_later();
}

QString ExplainPanel::topic() const {
  return choice_->currentData().toString();
}

void ExplainPanel::set_analysis(std::shared_ptr<const Analysis> analysis) {
  analysis_ = std::move(analysis);
  render_later();
}

void ExplainPanel::show_topic(const QString& id) {
  const int i = choice_->findData(id);
  if (i >= 0 && i != choice_->currentIndex()) choice_->setCurrentIndex(i);
}

void ExplainPanel::render_later() {
  const QString id = topic();
  lora_->setVisible(id == QStringLiteral("lora"));
  const explain::Topic* t = nullptr;
  for (const auto& candidate : topics_)
    if (QString::fromStdString(candidate.id) == id) t = &candidate;
  if (!t || !analysis_) {
    if (t)
      text_->setMarkdown(
          tr("Open a preset or a configuration to see this explained with its numbers."));
    delivered_ = request_;
    return;
  }
  // Variants of big models take a few analyses: render off the UI thread, newest request wins.
  const long request = ++request_;
  const explain::Topic topic = *t;
  const explain::ExplainParams params{rank_->value(), all_linear_->isChecked()};
  QPointer<ExplainPanel> self(this);
  worker_.post("explain", [self, request, topic, params, analysis = analysis_] {
    QString markdown;
    try {
      markdown = QString::fromStdString(explain::render_with_sources(
          topic, explain::topic_variables(topic.id, *analysis, params)));
    } catch (const Error& e) {
      markdown =
          QStringLiteral("This text could not be filled in: %1").arg(QString::fromUtf8(e.what()));
    }
    QMetaObject::invokeMethod(qApp, [self, request, markdown] {
      if (!self || request != self->request_) return;
      self->delivered_ = request;
      self->markdown_ = markdown;
      self->text_->setMarkdown(markdown);
      Q_EMIT self->rendered();
    });
  });
}

}  // namespace archscope::studio
