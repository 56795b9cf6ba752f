// The real archscope-studio binary, as docs/studio.md and the tests' screenshots use it:
// `--screenshot DIR` writes every view, `--compare` takes presets, Hugging Face config.json files
// and checkpoint folders, bad options exit 2 with one line naming the option, and the images are
// HiDPI-correct: at a device pixel ratio of 2 (QT_SCALE_FACTOR=2) every view, the ImGui chart
// included, has exactly twice the pixels in each direction.
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>

#include "screenshot.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kStudio = fs::path(ARCHSCOPE_CLI).parent_path() / "archscope-studio";

struct Run {
  int exit_code = -1;
  QString err;
};

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-app-cli-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

Run studio(const QStringList& args, const fs::path& home, const QString& scale = "1") {
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
  env.insert(QStringLiteral("QT_SCALE_FACTOR"), scale);
  env.insert(QStringLiteral("XDG_CONFIG_HOME"), QString::fromStdString((home / "config").string()));
  env.insert(QStringLiteral("XDG_DATA_HOME"), QString::fromStdString((home / "data").string()));
  p.setProcessEnvironment(env);
  p.start(QString::fromStdString(kStudio.string()), args);
  if (!p.waitForFinished(120000)) p.kill();
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
          QString::fromUtf8(p.readAllStandardError())};
}

std::map<QString, QSize> shot_sizes(const fs::path& dir) {
  std::map<QString, QSize> sizes;
  for (const QString& view : archscope::studio::screenshot_views()) {
    QImage image;
    if (image.load(QString::fromStdString((dir / (view.toStdString() + ".png")).string())))
      sizes[view] = image.size();
  }
  return sizes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(app_cli)

BOOST_AUTO_TEST_CASE(screenshots_of_every_view_at_one_and_two_device_pixels) {
  BOOST_REQUIRE_MESSAGE(fs::exists(kStudio), kStudio.string());
  Scratch s;
  const QString demo = QStringLiteral(ARCHSCOPE_SOURCE_DIR "/assets/models/stdlib-moe-6m");
  const QString hf = QStringLiteral(ARCHSCOPE_FIXTURES "/hf_configs/gemma3-27b.json");
  std::map<QString, QSize> at[2];
  for (int i = 0; i < 2; ++i) {
    const fs::path out = s.dir / ("x" + std::to_string(i + 1));
    const Run r = studio({"--screenshot", QString::fromStdString(out.string()), "--preset",
                          "qwen3-8b", "--compare", demo, "--compare", hf, "--size", "1000x700"},
                         s.dir, QString::number(i + 1));
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err.toStdString());
    at[i] = shot_sizes(out);
  }
  // Without a Vulkan device the ImGui chart is not written; every other view is.
  BOOST_TEST(at[0].size() >= archscope::studio::screenshot_views().size() - 1);
  BOOST_TEST(at[1].size() == at[0].size());
  for (const auto& [view, size] : at[0]) {
    BOOST_TEST(size.width() > 100, view.toStdString());
    BOOST_TEST((at[1][view] == 2 * size),
               view.toStdString() << ": " << at[1][view].width() << "x" << at[1][view].height());
  }
  BOOST_TEST((at[0][QStringLiteral("window")] == QSize(1000, 700)));
}

BOOST_AUTO_TEST_CASE(bad_options_exit_2_with_one_line) {
  BOOST_REQUIRE_MESSAGE(fs::exists(kStudio), kStudio.string());
  Scratch s;
  const QString dir = QString::fromStdString((s.dir / "shots").string());
  const std::pair<QStringList, QString> cases[] = {
      {{"--screenshot", dir, "--preset", "qwen3-8b", "--size", "12"},
       "archscope-studio: error: --size: expected WIDTHxHEIGHT, got '12'"},
      {{"--screenshot", dir, "--preset", "qwen3-8b", "--compare", "no-such-preset"},
       "archscope-studio: error: --compare: "},
      {{"--screenshot", dir, "--preset", "qwen3-8b", "--context", "0"},
       "archscope-studio: error: --context: must be at least 1, got 0"},
      {{"--screenshot", dir, "--preset", "qwen3-8b", "--chart", "nope"},
       "archscope-studio: error: --chart: unknown metric 'nope'"},
  };
  for (const auto& [args, expected] : cases) {
    const Run r = studio(args, s.dir);
    BOOST_TEST(r.exit_code == 2, args.join(' ').toStdString());
    QString last;
    for (const QString& line : r.err.split('\n', Qt::SkipEmptyParts))
      if (line.startsWith(QStringLiteral("archscope-studio: error: "))) last = line;
    BOOST_TEST(last.startsWith(expected), last.toStdString());
  }
}

BOOST_AUTO_TEST_SUITE_END()
