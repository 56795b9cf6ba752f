// `archscope-studio --frame-time` on Qt's offscreen platform, the path the GPU machine's benchmark
// takes (tests/gpu/studio_frame_time.sh, docs/studio.md "Live frame time on a GPU"): the views
// render into offscreen Vulkan images, back to back, the run decodes, and the report names the
// device, the view's size and the heatmap of the benchmark model, whose 94 MoE layers and 128
// experts are Qwen3-235B-A22B's (its config.json: num_hidden_layers 94, num_experts 128).
#include <unistd.h>

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(frame_time_offscreen)

BOOST_AUTO_TEST_CASE(frame_time_runs_on_offscreen_images_unpaced) {
  const fs::path dir =
      fs::temp_directory_path() / ("archscope-frame-time-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));  // also under xvfb
  env.insert(QStringLiteral("XDG_CONFIG_HOME"), QString::fromStdString((dir / "config").string()));
  env.insert(QStringLiteral("XDG_DATA_HOME"), QString::fromStdString((dir / "data").string()));
  QProcess p;
  p.setProcessEnvironment(env);
  const fs::path studio = fs::path(ARCHSCOPE_CLI).parent_path() / "archscope-studio";
  const fs::path model = fs::path(ARCHSCOPE_SOURCE_DIR) / "tools" / "studio" / "moe-94x128.json";
  p.start(QString::fromStdString(studio.string()),
          {"--frame-time", "--config", QString::fromStdString(model.string()), "--size",
           "1600x1000", "--db", QString::fromStdString((dir / "runs.db").string())});
  BOOST_REQUIRE(p.waitForFinished(180000));
  const std::string out = QString::fromUtf8(p.readAllStandardOutput()).toStdString();
  const std::string err = QString::fromUtf8(p.readAllStandardError()).toStdString();
  fs::remove_all(dir);
  if (p.exitCode() == 1 && out.empty() &&
      qEnvironmentVariable("ARCHSCOPE_REQUIRE_VULKAN") != QStringLiteral("1")) {
    BOOST_TEST_MESSAGE("no Vulkan device here: " << err);  // the app said why and exited 1
    return;
  }
  BOOST_TEST_REQUIRE(p.exitCode() == 0, err);
  const QString text = QString::fromStdString(out);
  // The view fills the window's width; its device is named; frames are not paced.
  const QRegularExpression view(
      QStringLiteral(R"(view live-experts, 1600x(\d+) device pixels, (.+), offscreen images )"
                     R"(rendered back to back \(unpaced\))"));
  const auto v = view.match(text);
  BOOST_TEST_REQUIRE(v.hasMatch(), out);
  BOOST_TEST(v.captured(1).toInt() > 800, out);
  BOOST_TEST(text.contains(QStringLiteral("heatmap 94 layers x 128 experts")), out);
  const QRegularExpression frames(
      QStringLiteral(R"((\d+) frames during (\d+) decode steps: median ([0-9.]+) ms)"));
  const auto f = frames.match(text);
  BOOST_TEST_REQUIRE(f.hasMatch(), out);
  BOOST_TEST(f.captured(1).toInt() >= 11, out);  // the benchmark refuses fewer than 10 intervals
  BOOST_TEST(f.captured(2).toInt() > 0, out);
  BOOST_TEST(f.captured(2).toInt() <= 256, out);  // FrameTimeOptions::new_tokens
  BOOST_TEST(f.captured(3).toDouble() > 0.0, out);
}

BOOST_AUTO_TEST_SUITE_END()
