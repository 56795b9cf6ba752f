// Helpers of the window tests: a main window that asks no questions, typing into form fields,
// and pixel checks on rendered images.
#pragma once

#include <QComboBox>
#include <QImage>
#include <QLineEdit>
#include <QTest>
#include <set>

#include "main_window.hpp"
#include "models/summary_model.hpp"
#include "widgets/editor_page.hpp"
#include "widgets/field_form.hpp"

namespace archscope::test {

// A window as the app builds it, without dialogs (they would block a test).
struct Window {
  Window() {
    w.set_interactive(false);
    w.resize(1500, 950);
    w.show();
  }
  studio::MainWindow w;
};

// Types `text` into a form field's line edit and presses Return, as a user does.
inline void type_into(studio::MainWindow& w, const std::string& path, const QString& text) {
  auto* line = qobject_cast<QLineEdit*>(w.editor().form().editor(path));
  if (!line) throw std::runtime_error("no line edit for " + path);
  line->selectAll();
  QTest::keyClick(line, Qt::Key_Backspace);
  QTest::keyClicks(line, text);
  QTest::keyClick(line, Qt::Key_Return);
  w.wait_until_idle();
}

// The exact JSON text the summary shows for a row (analyze --json's value), "" when absent.
inline std::string summary_value(studio::MainWindow& w, const char* pointer,
                                 summary::Format format) {
  const int row = w.summary_model().row_of(QString::fromLatin1(pointer), format);
  if (row < 0) return "";
  return w.summary_model()
      .index(row, 0)
      .data(studio::SummaryModel::JsonRole)
      .toString()
      .toStdString();
}

inline size_t distinct_colours(const QImage& image) {
  const QImage img = image.convertToFormat(QImage::Format_RGB32);
  std::set<QRgb> colours;
  for (int y = 0; y < img.height(); y += 2)
    for (int x = 0; x < img.width(); x += 2) colours.insert(img.pixel(x, y));
  return colours.size();
}

inline bool has_colour(const QImage& image, QColor c) {
  const QImage img = image.convertToFormat(QImage::Format_RGB32);
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x)
      if (img.pixel(x, y) == c.rgb()) return true;
  return false;
}

}  // namespace archscope::test
