// The quantization view of a run started from the Run dock with q8_0 weights: the dock's scheme
// implies fp32 weights (the CLI's rule, engine/generate/engine_model.hpp weights_choice), and the
// view's per-layer weight SQNR has one entry per layer, each the layer's records' Σw² / Σ(w−ŵ)².
#include <unistd.h>

#include <QSignalSpy>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>

#include "live/live_docks.hpp"
#include "live/live_run.hpp"
#include "live/quant_error_panel.hpp"
#include "presets/preset_catalog.hpp"
#include "studio/qt_fixture.hpp"
#include "studio/studio_support.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "widgets/run_panel.hpp"

using namespace archscope;
namespace fs = std::filesystem;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(quant_view)

BOOST_AUTO_TEST_CASE(a_q8_0_run_from_the_dock_shows_each_layers_weight_sqnr) {
  const fs::path dir =
      fs::temp_directory_path() / ("archscope-qview-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("llama3-mini"));
  BOOST_REQUIRE(t.w.wait_until_idle());
  studio::LiveDocks& live = t.w.live();
  studio::RunPanel& dock = live.run_panel();
  dock.set_source(QString());
  dock.set_tokens(4, 1);
  dock.set_db(QString::fromStdString((dir / "runs.db").string()));
  BOOST_TEST(!dock.set_weights_quant(QStringLiteral("q9_9")));
  BOOST_REQUIRE(dock.set_weights_quant(QStringLiteral("q8_0")));
  const prof::RunOptions o = dock.options();
  BOOST_TEST((o.weights == Elem::F32));
  BOOST_TEST((o.weights_quant == quant::Format::Q8_0));
  BOOST_REQUIRE_MESSAGE(dock.start_run(), dock.status_text().toStdString());
  BOOST_REQUIRE(live.run().wait_finished(60000));
  const views::live::LiveState& s = live.run().state();
  BOOST_TEST(s.failure.empty(), s.failure);
  auto* quant = static_cast<studio::QuantErrorPanel*>(live.panel(QStringLiteral("live-quant")));
  BOOST_TEST(quant->note().find("weights q8_0: 8.5000 bits/weight") == 0u, quant->note());
  const views::live::WeightSqnrView v = quant->sqnr();
  BOOST_REQUIRE_EQUAL(v.layers.size(), static_cast<size_t>(s.n_layers));
  BOOST_REQUIRE(s.weights_quant.has_value());
  for (const views::live::LayerSqnr& l : v.layers) {
    double signal = 0, noise = 0;
    for (const prof::QuantizedTensorRecord& r : s.weights_quant->tensors)
      if (r.layer == l.layer) signal += r.signal, noise += r.noise;
    BOOST_TEST(std::isfinite(l.sqnr_db));
    BOOST_TEST(l.sqnr_db == 10 * std::log10(signal / noise), tt::tolerance(1e-12));
    BOOST_TEST(!l.worst_tensor.empty());
  }
  // Back to none: the dtype is the user's again and the run carries no scheme.
  BOOST_REQUIRE(dock.set_weights_quant(QString()));
  BOOST_TEST(!dock.options().weights_quant.has_value());
  studio::ImGuiView* view = live.view(QStringLiteral("live-quant"));
  BOOST_REQUIRE(view);
  live.raise_view(QStringLiteral("live-quant"));
  if (view->can_render()) {
    const long start = view->frames();
    for (int i = 0; i < 400 && view->frames() - start < 3; ++i) {
      view->schedule();
      QTest::qWait(5);
    }
    BOOST_TEST(view->frames() - start >= 1);  // the bars draw without failing
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
