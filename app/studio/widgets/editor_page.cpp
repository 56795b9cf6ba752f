#include "widgets/editor_page.hpp"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>
#include <set>

#include "editor/config_fields.hpp"
#include "models/layer_table_model.hpp"
#include "models/studio_document.hpp"
#include "widgets/field_form.hpp"

namespace archscope::studio {

namespace {

// Kind cells are edited with a combo box of the values the model offers.
class ChoiceDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&,
                        const QModelIndex& index) const override {
    auto* combo = new QComboBox(parent);
    combo->addItems(index.data(LayerTableModel::ChoicesRole).toStringList());
    return combo;
  }
  void setEditorData(QWidget* editor, const QModelIndex& index) const override {
    static_cast<QComboBox*>(editor)->setCurrentText(index.data(Qt::EditRole).toString());
  }
  void setModelData(QWidget* editor, QAbstractItemModel* model,
                    const QModelIndex& index) const override {
    model->setData(index, static_cast<QComboBox*>(editor)->currentText(), Qt::EditRole);
  }
};

}  // namespace

EditorPage::EditorPage(StudioDocument& document, LayerTableModel& layers, QWidget* parent)
    : QWidget(parent), document_(document), layers_(layers) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  banner_ = new QLabel(this);
  banner_->setWordWrap(true);
  banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  banner_->setMargin(6);
  layout->addWidget(banner_);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  scroll_ = new QScrollArea(splitter);
  scroll_->setWidgetResizable(true);
  form_ = new FieldForm;
  scroll_->setWidget(form_);
  splitter->addWidget(scroll_);

  auto* table_box = new QWidget(splitter);
  auto* tl = new QVBoxLayout(table_box);
  tl->setContentsMargins(4, 4, 4, 4);
  auto* hint = new QLabel(
      tr("Layers: select one or a run of rows, then double-click an Attention, Position or FFN "
         "cell to change every selected layer."),
      table_box);
  hint->setWordWrap(true);
  tl->addWidget(hint);
  layer_view_ = new QTableView(table_box);
  layer_view_->setObjectName(QStringLiteral("layer-table"));
  layer_view_->setModel(&layers_);
  layer_view_->setItemDelegate(new ChoiceDelegate(layer_view_));
  layer_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  layer_view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  layer_view_->setEditTriggers(QAbstractItemView::DoubleClicked |
                               QAbstractItemView::EditKeyPressed);
  layer_view_->verticalHeader()->hide();
  layer_view_->verticalHeader()->setDefaultSectionSize(22);
  layer_view_->horizontalHeader()->setStretchLastSection(true);
  tl->addWidget(layer_view_);
  splitter->addWidget(table_box);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);

  layers_.set_editable(
      [this](int column, int row, const QString& value) { layer_edit(column, row, value); });
  connect(form_, &FieldForm::fieldEdited, this,
          [this](const QString& path, const editor::FieldValue& v, const QString& text) {
            document_.set_field(path, v, text);
          });
  connect(form_, &FieldForm::fieldRejected, &document_, &StudioDocument::reject_text);
  connect(form_, &FieldForm::fieldFocused, this, &EditorPage::fieldFocused);
  connect(&document_, &StudioDocument::changed, this, &EditorPage::refresh);
  refresh();
}

QString EditorPage::banner_text() const {
  return banner_->text();
}

void EditorPage::refresh() {
  const auto& doc = document_.doc();
  form_->refresh(doc.config(), doc.error(), document_.pending());
  layers_.set_config(doc.config());
  QString text;
  if (!document_.pending().empty()) {
    const auto& [path, p] = *document_.pending().begin();
    text = tr("Not applied — %1: %2")
               .arg(QString::fromStdString(p.second.where()),
                    QString::fromStdString(p.second.message()));
  } else if (doc.error()) {
    text = tr("Invalid configuration — %1: %2")
               .arg(QString::fromStdString(doc.error()->where()),
                    QString::fromStdString(doc.error()->message()));
  }
  // A new error scrolls its field into view (once: the user may be scrolled elsewhere on purpose).
  std::string error_field;
  if (!document_.pending().empty()) {
    error_field = document_.pending().begin()->first;
  } else if (doc.error()) {
    if (const auto* f = editor::field_for_error(doc.error()->where())) error_field = f->path;
  }
  if (!error_field.empty() && error_field != shown_error_field_) {
    if (QWidget* w = form_->editor(error_field)) scroll_->ensureWidgetVisible(w, 50, 80);
  }
  shown_error_field_ = error_field;
  banner_->setText(text);
  banner_->setStyleSheet(text.isEmpty() ? QString()
                                        : QStringLiteral("background: #fde7e9; color: #a4262c;"));
  banner_->setVisible(!text.isEmpty());
}

void EditorPage::layer_edit(int column, int row, const QString& value) {
  // The edited row and every other selected row change together.
  std::set<int64_t> rows{row};
  for (const QModelIndex& i : layer_view_->selectionModel()->selectedRows()) rows.insert(i.row());
  const int kind = column == LayerTableModel::Attention  ? 0
                   : column == LayerTableModel::Position ? 1
                                                         : 2;
  document_.set_layers(kind, std::vector<int64_t>(rows.begin(), rows.end()), value);
}

}  // namespace archscope::studio
