#include "widgets/field_form.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace archscope::studio {

using editor::FieldKind;
using editor::FieldSpec;
using editor::FieldValue;

namespace {
const char* kErrorStyle = "color: #a4262c;";
const char* kBadEditor = "border: 1px solid #a4262c; background: #fff4f4;";
}  // namespace

FieldForm::FieldForm(QWidget* parent) : QWidget(parent) {
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(6, 6, 6, 6);
  // Two columns: what a layer computes on the left, positions, norms and the FFN/MoE on the right.
  static const std::vector<std::string> left = {"Model", "Dimensions",       "Attention",
                                                "MLA",   "Linear attention", "Temperature tuning"};
  QVBoxLayout* columns[2] = {new QVBoxLayout, new QVBoxLayout};
  std::map<std::string, QFormLayout*> forms;
  for (const std::string& g : editor::field_groups()) {
    auto* box = new QGroupBox(QString::fromStdString(g), this);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    forms[g] = form;
    const bool is_left = std::find(left.begin(), left.end(), g) != left.end();
    columns[is_left ? 0 : 1]->addWidget(box);
  }
  for (QVBoxLayout* c : columns) {
    c->addStretch(1);
    row->addLayout(c, 1);
  }
  for (const FieldSpec& spec : editor::config_fields()) {
    Entry e;
    e.spec = &spec;
    e.editor = make_editor(spec);
    e.editor->setObjectName(QString::fromStdString(spec.path));
    e.editor->setToolTip(
        QString::fromStdString(spec.path + (spec.help.empty() ? "" : ": " + spec.help)));
    e.editor->installEventFilter(this);
    auto* cell = new QWidget(this);
    auto* v = new QVBoxLayout(cell);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(1);
    v->addWidget(e.editor);
    e.error = new QLabel(cell);
    e.error->setStyleSheet(kErrorStyle);
    e.error->setWordWrap(true);
    e.error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    e.error->hide();
    v->addWidget(e.error);
    e.label = new QLabel(QString::fromStdString(spec.label), this);
    e.label->setToolTip(e.editor->toolTip());
    forms[spec.group]->addRow(e.label, cell);
    entries_.push_back(e);
  }
}

QWidget* FieldForm::make_editor(const FieldSpec& spec) {
  const QString path = QString::fromStdString(spec.path);
  switch (spec.kind) {
    case FieldKind::Flag: {
      auto* box = new QCheckBox(this);
      connect(box, &QCheckBox::toggled, this,
              [this, path](bool on) { Q_EMIT fieldEdited(path, FieldValue(on), QString()); });
      return box;
    }
    case FieldKind::Choice: {
      auto* combo = new QComboBox(this);
      for (const auto& c : spec.choices) combo->addItem(QString::fromStdString(c));
      connect(combo, &QComboBox::activated, this, [this, path, combo](int) {
        Q_EMIT fieldEdited(path, FieldValue(combo->currentText().toStdString()),
                           combo->currentText());
      });
      return combo;
    }
    default: {
      auto* line = new QLineEdit(this);
      if (spec.kind == FieldKind::Pattern) {
        QString kinds;
        for (const auto& c : spec.choices)
          kinds += (kinds.isEmpty() ? "" : ", ") + QString::fromStdString(c);
        line->setPlaceholderText(QStringLiteral("kind*N, kind, …  (%1)").arg(kinds));
      }
      connect(line, &QLineEdit::editingFinished, this, [this, &spec, line] {
        if (line->isModified()) commit_text(spec, line->text());
        line->setModified(false);
      });
      return line;
    }
  }
}

void FieldForm::commit_text(const FieldSpec& spec, const QString& text) {
  const QString path = QString::fromStdString(spec.path);
  const std::string s = text.trimmed().toStdString();
  switch (spec.kind) {
    case FieldKind::Integer: {
      int64_t v = 0;
      const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
        Q_EMIT fieldRejected(path, text, QStringLiteral("expected an integer, got '%1'").arg(text));
        return;
      }
      Q_EMIT fieldEdited(path, FieldValue(v), text);
      return;
    }
    case FieldKind::Real: {
      char* end = nullptr;
      const double v = s.empty() ? 0 : std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) {
        Q_EMIT fieldRejected(path, text, QStringLiteral("expected a number, got '%1'").arg(text));
        return;
      }
      Q_EMIT fieldEdited(path, FieldValue(v), text);
      return;
    }
    default:
      Q_EMIT fieldEdited(path, FieldValue(text.toStdString()), text);
      return;
  }
}

void FieldForm::refresh(const ModelConfig& config, const std::optional<Error>& error,
                        const std::map<std::string, std::pair<QString, Error>>& pending) {
  const FieldSpec* error_field = error ? editor::field_for_error(error->where()) : nullptr;
  for (Entry& e : entries_) {
    const bool applies = e.spec->applies(config);
    e.editor->setEnabled(applies);
    e.label->setEnabled(applies);
    const auto p = pending.find(e.spec->path);
    QString message;
    if (p != pending.end()) {
      message =
          QString::fromStdString(p->second.second.where() + ": " + p->second.second.message());
    } else if (error_field == e.spec) {
      message = QString::fromStdString(error->where() + ": " + error->message());
    }
    const QSignalBlocker block(e.editor);
    const FieldValue v = applies ? e.spec->get(config) : FieldValue(std::string());
    if (auto* box = qobject_cast<QCheckBox*>(e.editor)) {
      box->setChecked(applies && std::get<bool>(v));
    } else if (auto* combo = qobject_cast<QComboBox*>(e.editor)) {
      combo->setCurrentText(QString::fromStdString(editor::value_text(v)));
    } else if (auto* line = qobject_cast<QLineEdit*>(e.editor)) {
      // A value that could not be read keeps what the user typed, so it can be fixed.
      const QString shown = p != pending.end() ? p->second.first
                            : applies          ? QString::fromStdString(editor::value_text(v))
                                               : QString();
      if (line->text() != shown) line->setText(shown);
      line->setModified(false);
    }
    e.editor->setStyleSheet(message.isEmpty() ? QString() : QString::fromLatin1(kBadEditor));
    e.error->setText(message);
    e.error->setVisible(!message.isEmpty());
  }
}

QWidget* FieldForm::editor(const std::string& path) const {
  for (const Entry& e : entries_)
    if (e.spec->path == path) return e.editor;
  return nullptr;
}

QString FieldForm::error_text(const std::string& path) const {
  for (const Entry& e : entries_)
    if (e.spec->path == path)
      return e.error->isVisible() || !e.error->text().isEmpty() ? e.error->text() : QString();
  return {};
}

bool FieldForm::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::FocusIn) {
    for (const Entry& e : entries_)
      if (e.editor == watched) Q_EMIT fieldFocused(QString::fromStdString(e.spec->path));
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace archscope::studio
