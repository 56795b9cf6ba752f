// The ImGui per-layer chart drawn through the Vulkan host without a display: offscreen rendering
// on the shared device (lavapipe in CI), pixels that show the chart's colours, identical frames
// for identical input, and a click that reaches ImGui within a frame of its release.
#include <QMouseEvent>
#include <QTest>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <set>

#include "charts/analysis_charts.hpp"
#include "charts/palette.hpp"
#include "live/layer_chart_panel.hpp"
#include "presets/preset_catalog.hpp"
#include "studio/qt_fixture.hpp"
#include "vulkan_host/imgui_layer.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "vulkan_host/offscreen_target.hpp"
#include "vulkan_host/vulkan_context.hpp"
#include "vulkan_host/vulkan_host.hpp"

using namespace archscope;
using namespace archscope::studio;

using archscope::test::QtApp;
BOOST_TEST_GLOBAL_FIXTURE(QtApp);

namespace {

bool vulkan_required() {
  return qEnvironmentVariable("ARCHSCOPE_REQUIRE_VULKAN") == "1";
}

std::vector<charts::StackedBarChart> charts_of(const char* preset) {
  AnalysisOptions o;
  const Analysis a = summarize(load_preset(preset, ARCHSCOPE_PRESETS), o);
  std::vector<charts::StackedBarChart> out;
  for (auto m : charts::kLayerMetrics) out.push_back(charts::layer_metric_chart(a, m));
  return out;
}

size_t distinct_colours(const RgbaImage& img) {
  std::set<uint32_t> colours;
  for (size_t i = 0; i + 3 < img.pixels.size(); i += 4)
    colours.insert(uint32_t{img.pixels[i]} << 16 | uint32_t{img.pixels[i + 1]} << 8 |
                   img.pixels[i + 2]);
  return colours.size();
}

bool has_colour(const RgbaImage& img, charts::Rgb c) {
  for (size_t i = 0; i + 3 < img.pixels.size(); i += 4)
    if (img.pixels[i] == c.r && img.pixels[i + 1] == c.g && img.pixels[i + 2] == c.b) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(offscreen_view)

BOOST_AUTO_TEST_CASE(renders_the_chart_deterministically) {
  std::unique_ptr<VulkanContext> vulkan;
  try {
    vulkan = std::make_unique<VulkanContext>();
  } catch (const VulkanError& e) {
    BOOST_TEST_REQUIRE(!vulkan_required(), e.what());
    BOOST_TEST_MESSAGE("skipped: no Vulkan device: " << e.what());
    return;
  }
  BOOST_TEST_MESSAGE("Vulkan device: " << vulkan->device_name());
  OffscreenTarget target(*vulkan);
  LayerChartPanel panel;
  panel.set_charts(charts_of("deepseek-v3"), "deepseek-v3");
  const auto frame = [&] {
    ImGuiLayer layer(*vulkan, target.render_pass(), 2, 1.0f);
    InputQueue input;
    for (int i = 0; i < 2; ++i)
      layer.build_frame(900, 400, 1.0f, 1.0 / 60, input, [&] { panel.draw(); });
    return target.render(layer, 900, 400, {1, 1, 1, 1});
  };
  const RgbaImage a = frame();
  BOOST_REQUIRE(a.width == 900);
  BOOST_TEST(distinct_colours(a) > 50u);
  // DeepSeek-V3's layers are mostly routed experts: that series' palette colour must be on screen.
  BOOST_TEST(has_colour(a, charts::palette(static_cast<int>(Component::RoutedExperts))));
  const RgbaImage b = frame();
  BOOST_TEST((a.pixels == b.pixels));  // same input, same dt: the same frame
}

BOOST_AUTO_TEST_CASE(a_quick_click_reaches_imgui_within_one_frame) {
  auto host = VulkanHost::create();
  if (host->mode() == VulkanHost::Mode::Unavailable) {
    BOOST_TEST_REQUIRE(!vulkan_required(), host->reason());
    BOOST_TEST_MESSAGE("skipped: " << host->reason());
    return;
  }
  BOOST_TEST(
      (host->mode() == VulkanHost::Mode::Offscreen));  // the offscreen Qt platform has no surfaces
  auto panel = std::make_unique<LayerChartPanel>();
  LayerChartPanel* p = panel.get();
  p->set_charts(charts_of("gemma3-27b"), "gemma3-27b");
  ImGuiView view(*host, std::move(panel));
  view.resize(1000, 400);
  view.show();
  QImage first = view.grab_view();
  BOOST_REQUIRE(!first.isNull());
  BOOST_REQUIRE(p->button_rects().size() == 5u);
  const auto r = p->button_rects()[4];  // "KV held"
  const QPoint at(static_cast<int>(r.x + r.w / 2), static_cast<int>(r.y + r.h / 2));
  QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier,
                    at);  // press and release, no frame between
  BOOST_TEST(p->selected() == 0);
  const long before = view.frames();
  view.grab_view();  // frame 1: the press
  view.grab_view();  // frame 2: the release, which is the click
  BOOST_TEST(view.frames() == before + 2);
  BOOST_TEST(p->selected() == 4);
  const QImage kv = view.grab_view();
  BOOST_TEST((kv != first));
}

BOOST_AUTO_TEST_SUITE_END()
