// archscope-studio: the desktop app. Opens a preset, a configuration or a Hugging Face config.json
// (or the last file), or renders its views off screen with --screenshot.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>
#include <cstdio>
#include <cstring>
#include <tuple>

#include "asset_paths.hpp"
#include "common/version.hpp"
#include "live/expert_heatmap_panel.hpp"
#include "live/frame_time.hpp"
#include "live/layer_chart_panel.hpp"
#include "live/live_docks.hpp"
#include "live/live_screenshots.hpp"
#include "main_window.hpp"
#include "models/studio_document.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/preset_catalog.hpp"
#include "presets/preset_dir.hpp"
#include "screenshot.hpp"
#include "studio_icon.hpp"
#include "widgets/run_panel.hpp"
#include "widgets/runs_page.hpp"
#include "widgets/summary_panel.hpp"
#include "widgets/whatif_bar.hpp"

using namespace archscope;
using namespace archscope::studio;

namespace {

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], flag) == 0 ||
        (std::strncmp(argv[i], flag, std::strlen(flag)) == 0 && argv[i][std::strlen(flag)] == '='))
      return true;
  return false;
}

// A --compare value: a preset name, a model file, a Hugging Face config.json or a checkpoint
// folder.
QString compare_path(const QString& value) {
  if (QFileInfo::exists(value)) return value;
  return QString::fromStdString((preset_dir() / (value.toStdString() + ".json")).string());
}

// A --size value WIDTHxHEIGHT; false after saying what is wrong.
bool parse_size(const QString& value, QSize& out) {
  const QStringList wh = value.split('x');
  if (wh.size() != 2 || wh[0].toInt() <= 0 || wh[1].toInt() <= 0) {
    std::fprintf(stderr, "archscope-studio: error: --size: expected WIDTHxHEIGHT, got '%s'\n",
                 qPrintable(value));
    return false;
  }
  out = QSize(wh[0].toInt(), wh[1].toInt());
  return true;
}

// Records when the first widget paints: the moment the user sees the window.
class FirstPaint : public QObject {
 public:
  explicit FirstPaint(const QElapsedTimer& clock) : clock_(clock) {}
  qint64 at = -1;
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (at < 0 && event->type() == QEvent::Paint) at = clock_.elapsed();
    return QObject::eventFilter(watched, event);
  }

 private:
  const QElapsedTimer& clock_;
};

}  // namespace

int main(int argc, char** argv) {
  QElapsedTimer clock;
  clock.start();
  // Screenshots, --paths, --help and --version need no display: Qt's offscreen platform, unless
  // the caller chose one. A window without a display gets one clear line instead of Qt's abort.
  const bool windowless = has_flag(argc, argv, "--screenshot") || has_flag(argc, argv, "--paths") ||
                          has_flag(argc, argv, "--help") || has_flag(argc, argv, "-h") ||
                          has_flag(argc, argv, "--version") || has_flag(argc, argv, "-v");
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    if (windowless) {
      qputenv("QT_QPA_PLATFORM", "offscreen");
    } else if (qEnvironmentVariableIsEmpty("DISPLAY") &&
               qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
      std::fprintf(stderr,
                   "archscope-studio: error: no display (neither DISPLAY nor WAYLAND_DISPLAY is "
                   "set). Run it in a desktop "
                   "session, render its views with --screenshot DIR, or use the CLI: archscope "
                   "analyze --preset NAME\n");
      return 1;
    }
  }
  QGuiApplication::setHighDpiScaleFactorRoundingPolicy(
      Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("archscope"));
  QApplication::setApplicationName(QStringLiteral("archscope-studio"));
  QApplication::setApplicationVersion(QString::fromLatin1(archscope_version()));
  QApplication::setDesktopFileName(QStringLiteral("io.github.archscope.Studio"));
  QApplication::setWindowIcon(studio_icon());

  QCommandLineParser cli;
  cli.setApplicationDescription(
      QStringLiteral("archscope-studio: build, load, explain and compare LLM architectures."));
  cli.addHelpOption();
  cli.addVersionOption();
  const QCommandLineOption preset(QStringLiteral("preset"), QStringLiteral("Open the preset NAME."),
                                  QStringLiteral("NAME"));
  const QCommandLineOption config(
      QStringLiteral("config"),
      QStringLiteral("Open an archscope model file or a Hugging Face config.json."),
      QStringLiteral("FILE"));
  const QCommandLineOption compare(
      QStringLiteral("compare"),
      QStringLiteral(
          "Compare the open configuration with a preset NAME or a FILE: a model file, a Hugging "
          "Face config.json or a checkpoint folder (repeat for up to 3)."),
      QStringLiteral("NAME|FILE"));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Render the views off screen to DIR/<view>.png and exit."),
      QStringLiteral("DIR"));
  const QCommandLineOption view(
      QStringLiteral("view"),
      QStringLiteral("With --screenshot: only this view (%1); with --run or --frame-time, a "
                     "live view (%2).")
          .arg(screenshot_views().join(", "), LiveDocks::view_names().join(", ")),
      QStringLiteral("NAME"));
  const QCommandLineOption size(
      QStringLiteral("size"), QStringLiteral("With --screenshot: window size, default 1600x1000."),
      QStringLiteral("WxH"));
  const QCommandLineOption chart(
      QStringLiteral("chart"),
      QStringLiteral("Per-layer chart metric shown first: params, decode-flops, prefill-flops, "
                     "decode-bytes, kv-held."),
      QStringLiteral("METRIC"));
  const QCommandLineOption context(QStringLiteral("context"),
                                   QStringLiteral("What-if context length (as analyze --context)."),
                                   QStringLiteral("N"));
  const QCommandLineOption batch(QStringLiteral("batch"),
                                 QStringLiteral("What-if batch (as analyze --batch)."),
                                 QStringLiteral("B"));
  const QCommandLineOption weights(
      QStringLiteral("weights-dtype"),
      QStringLiteral("What-if weights dtype: %1.").arg(QString::fromStdString(dtype_names())),
      QStringLiteral("T"));
  const QCommandLineOption kv(
      QStringLiteral("kv-dtype"),
      QStringLiteral("What-if KV cache dtype: %1.").arg(QString::fromStdString(dtype_names())),
      QStringLiteral("T"));
  const QCommandLineOption hardware(
      QStringLiteral("hardware"),
      QStringLiteral("Hardware profile for the roofline and the memory fit; 'none' for none."),
      QStringLiteral("NAME"));
  const QCommandLineOption paths(
      QStringLiteral("paths"),
      QStringLiteral(
          "Print where presets, explain texts, trained models, user presets and settings live, "
          "then exit."));
  const QCommandLineOption startup(
      QStringLiteral("startup-time"),
      QStringLiteral("Print how long the window took to show, then exit."));
  const QCommandLineOption run(
      QStringLiteral("run"),
      QStringLiteral("Run the open configuration on the engine (32 prompt tokens, 16 new, batch 1) "
                     "and show it live; with --screenshot, store the run and write one PNG per "
                     "live view (%1).")
          .arg(LiveDocks::view_names().join(", ")));
  const QCommandLineOption frame_time(
      QStringLiteral("frame-time"),
      QStringLiteral("Benchmark: run the open configuration (32 prompt, 256 new tokens, one "
                     "thread) with one live view (--view, default live-experts) filling the "
                     "window (--size), print its frame times while the run decodes, then exit."));
  const QCommandLineOption heatmap(
      QStringLiteral("heatmap"),
      QStringLiteral("Expert-load heatmap shown first: per-step or cumulative."),
      QStringLiteral("MODE"));
  const QCommandLineOption db(
      QStringLiteral("db"),
      QStringLiteral("Run database of the Runs page, --run and the Run dock (default: the CLI's, "
                     "%1).")
          .arg(QStringLiteral("$XDG_DATA_HOME/archscope/runs.db")),
      QStringLiteral("PATH"));
  const QCommandLineOption runs(
      QStringLiteral("runs"),
      QStringLiteral(
          "With --screenshot: the stored runs the runs view opens (the first) and run-compare "
          "compares, e.g. 3,5; default the newest ones."),
      QStringLiteral("ID,ID..."));
  for (const auto* o :
       {&preset, &config, &compare, &context, &batch, &weights, &kv, &hardware, &screenshot, &view,
        &size, &chart, &paths, &startup, &run, &db, &frame_time, &heatmap, &runs})
    cli.addOption(*o);
  cli.addPositionalArgument(
      QStringLiteral("file"),
      QStringLiteral("A model file or Hugging Face config.json to open (as --config)."),
      QStringLiteral("[file]"));
  cli.process(app);
  if (cli.isSet(paths)) {
    std::printf(
        "presets: %s\nexplain texts: %s\ntrained models: %s\nuser presets: %s\nsettings: %s\n",
        preset_dir().c_str(), explain_dir().c_str(), models_dir().c_str(),
        user_preset_dir().c_str(), qPrintable(QSettings().fileName()));
    return 0;
  }
  QString file = cli.value(config);
  if (file.isEmpty() && !cli.positionalArguments().isEmpty())
    file = cli.positionalArguments().front();

  static const QStringList metrics = {QStringLiteral("params"), QStringLiteral("decode-flops"),
                                      QStringLiteral("prefill-flops"),
                                      QStringLiteral("decode-bytes"), QStringLiteral("kv-held")};
  if (cli.isSet(chart) && !metrics.contains(cli.value(chart))) {
    std::fprintf(stderr, "archscope-studio: error: --chart: unknown metric '%s'; use one of %s\n",
                 qPrintable(cli.value(chart)), qPrintable(metrics.join(", ")));
    return 2;
  }
  if (cli.isSet(heatmap) && cli.value(heatmap) != QStringLiteral("per-step") &&
      cli.value(heatmap) != QStringLiteral("cumulative")) {
    std::fprintf(stderr,
                 "archscope-studio: error: --heatmap: unknown mode '%s'; use per-step or "
                 "cumulative\n",
                 qPrintable(cli.value(heatmap)));
    return 2;
  }
  MainWindow window;
  if (cli.isSet(heatmap))
    window.live().heatmap().set_cumulative(cli.value(heatmap) == QStringLiteral("cumulative"));
  if (cli.isSet(context) || cli.isSet(batch) || cli.isSet(weights) || cli.isSet(kv) ||
      cli.isSet(hardware)) {
    // Checked as the CLI checks its flags, with the same words.
    AnalysisOptions o = window.summary().whatif().options();
    QString hw = window.summary().whatif().hardware();
    const auto fail = [](const char* flag, const QString& why) {
      std::fprintf(stderr, "archscope-studio: error: %s: %s\n", flag, qPrintable(why));
      return 2;
    };
    bool ok = true;
    if (cli.isSet(context) && ((o.context = cli.value(context).toLongLong(&ok)) < 1 || !ok))
      return fail("--context", QStringLiteral("must be at least 1, got ") + cli.value(context));
    if (cli.isSet(batch) && ((o.batch = cli.value(batch).toLongLong(&ok)) < 1 || !ok))
      return fail("--batch", QStringLiteral("must be at least 1, got ") + cli.value(batch));
    for (const auto& [option, flag, target] : {std::tuple{&weights, "--weights-dtype", &o.weights},
                                               std::tuple{&kv, "--kv-dtype", &o.kv}}) {
      if (!cli.isSet(*option)) continue;
      const auto t = parse_dtype(cli.value(*option).toStdString());
      if (!t)
        return fail(flag, QStringLiteral("unknown dtype '%1'; use %2")
                              .arg(cli.value(*option), QString::fromStdString(dtype_names())));
      *target = *t;
    }
    if (cli.isSet(hardware)) {
      hw = cli.value(hardware) == QStringLiteral("none") ? QString() : cli.value(hardware);
      if (!hw.isEmpty()) {
        try {
          load_hardware(hw.toStdString());
        } catch (const Error& e) {
          std::fprintf(stderr, "archscope-studio: error: %s\n", e.what());
          return 2;
        }
      }
    }
    window.summary().whatif().set_state(o, hw);
  }
  if (cli.isSet(chart) && window.layer_chart_panel())
    window.layer_chart_panel()->select(static_cast<int>(metrics.indexOf(cli.value(chart))));
  const bool headless = cli.isSet(screenshot) || cli.isSet(startup) || cli.isSet(frame_time);
  window.set_interactive(!headless);
  bool opened = false;
  if (cli.isSet(preset)) {
    opened = window.open_preset(cli.value(preset));
  } else if (!file.isEmpty()) {
    opened = window.open_file(file);
  } else {
    const QString last = QSettings().value(QStringLiteral("last_file")).toString();
    opened = (!last.isEmpty() && QFileInfo::exists(last) && !headless && window.open_file(last)) ||
             window.open_preset(QStringLiteral("llama3-8b"));
  }
  if (!opened && headless) {
    std::fprintf(stderr, "archscope-studio: error: %s\n", qPrintable(window.last_error()));
    return 2;
  }
  if (cli.isSet(compare)) {
    QStringList paths;
    for (const QString& v : cli.values(compare)) paths << compare_path(v);
    window.wait_until_idle();
    window.add_to_compare(window.document().display_name(), window.document().config());
    for (const QString& p : paths.mid(0, 3)) {
      if (!window.add_file_to_compare(p)) {
        std::fprintf(stderr, "archscope-studio: error: --compare: %s\n",
                     qPrintable(window.last_error()));
        return 2;
      }
    }
  }

  if (cli.isSet(db) && !window.runs().set_database(cli.value(db)) && headless) {
    std::fprintf(stderr, "archscope-studio: error: --db: %s\n", qPrintable(window.runs().error()));
    return 2;
  }
  if (cli.isSet(screenshot) && cli.isSet(run)) {
    LiveScreenshotOptions o;
    o.dir = cli.value(screenshot);
    o.view = cli.value(view);
    o.db = cli.value(db);
    if (cli.isSet(size) && !parse_size(cli.value(size), o.size)) return 2;
    return take_live_screenshots(window, o);
  }
  if (cli.isSet(db)) window.live().run_panel().set_db(cli.value(db));
  if (cli.isSet(frame_time)) {
    FrameTimeOptions o;
    if (cli.isSet(view)) o.view = cli.value(view);
    o.db = cli.value(db);
    if (cli.isSet(size) && !parse_size(cli.value(size), o.size)) return 2;
    return measure_frame_time(window, o);
  }
  if (cli.isSet(screenshot)) {
    ScreenshotOptions o;
    std::vector<int64_t> run_ids;
    for (const QString& id : cli.value(runs).split(',', Qt::SkipEmptyParts)) {
      bool ok = false;
      const qlonglong v = id.trimmed().toLongLong(&ok);
      if (!ok || v < 1) {
        std::fprintf(stderr,
                     "archscope-studio: error: --runs: '%s' is not a run id (a positive number)\n",
                     qPrintable(id));
        return 2;
      }
      run_ids.push_back(v);
    }
    o.dir = cli.value(screenshot);
    o.view = cli.value(view);
    if (cli.isSet(size)) {
      const QStringList wh = cli.value(size).split('x');
      if (wh.size() != 2 || wh[0].toInt() <= 0 || wh[1].toInt() <= 0) {
        std::fprintf(stderr, "archscope-studio: error: --size: expected WIDTHxHEIGHT, got '%s'\n",
                     qPrintable(cli.value(size)));
        return 2;
      }
      o.size = QSize(wh[0].toInt(), wh[1].toInt());
    }
    return take_screenshots(window, o, run_ids);
  }
  FirstPaint first_paint(clock);
  if (cli.isSet(startup)) app.installEventFilter(&first_paint);
  window.show();
  if (cli.isSet(run) && !cli.isSet(startup))
    QTimer::singleShot(0, &window, [&window] {
      window.wait_until_idle();
      window.live().run_panel().set_source(QString());
      window.live().run_panel().start_run();
    });
  if (cli.isSet(startup)) {
    // From the start of main() to the first painted widget, then to the presets and first analysis.
    QTimer::singleShot(0, &window, [&] {
      while (first_paint.at < 0 && clock.elapsed() < 10000)
        QApplication::processEvents(QEventLoop::AllEvents, 10);
      window.wait_until_idle();
      std::printf(
          "archscope-studio: first paint after %lld ms; presets and first analysis ready after "
          "%lld ms\n",
          static_cast<long long>(first_paint.at), static_cast<long long>(clock.elapsed()));
      QApplication::quit();
    });
  }
  return QApplication::exec();
}
