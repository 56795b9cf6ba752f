// Shared by the studio test modules: one QApplication per test program with its own XDG folders
// (settings, user presets) in a temporary directory, on Qt's offscreen platform unless the test
// runs under a display (the xvfb variant sets QT_QPA_PLATFORM=xcb), and a log of
// QAbstractItemModelTester failures.
#pragma once

#include <unistd.h>

#include <QApplication>
#include <QString>
#include <QStringList>
#include <filesystem>
#include <string>

namespace archscope::test {

inline QStringList& model_test_failures() {
  static QStringList failures;
  return failures;
}

inline void studio_message_handler(QtMsgType type, const QMessageLogContext& context,
                                   const QString& message) {
  // QAbstractItemModelTester in Warning mode reports each broken rule as a qt.modeltest warning.
  if (context.category && QString::fromLatin1(context.category) == QStringLiteral("qt.modeltest") &&
      type >= QtWarningMsg)
    model_test_failures() << message;
}

struct QtApp {
  QtApp() {
    root = std::filesystem::temp_directory_path() /
           ("archscope-studio-test-" + std::to_string(::getpid()));
    for (const char* sub : {"config", "data", "cache", "runtime"})
      std::filesystem::create_directories(root / sub);
    std::filesystem::permissions(root / "runtime", std::filesystem::perms::owner_all);
    qputenv("XDG_CONFIG_HOME", (root / "config").c_str());
    qputenv("XDG_DATA_HOME", (root / "data").c_str());
    qputenv("XDG_CACHE_HOME", (root / "cache").c_str());
    qputenv("XDG_RUNTIME_DIR", (root / "runtime").c_str());
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    qInstallMessageHandler(studio_message_handler);
    app = new QApplication(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("archscope"));
    QApplication::setApplicationName(QStringLiteral("archscope-studio-test"));
  }
  ~QtApp() {
    delete app;
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
  int argc = 1;
  char name[16] = "studio-test";
  char* argv[2] = {name, nullptr};
  QApplication* app = nullptr;
  std::filesystem::path root;
};

}  // namespace archscope::test
