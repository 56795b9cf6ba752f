// Chart models built from plain data: what is kept, how axes are sized, how roofline points and
// the roof are placed.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <set>

#include "charts/bar_chart.hpp"
#include "charts/heatmap.hpp"
#include "charts/line_chart.hpp"
#include "charts/palette.hpp"
#include "charts/roofline_chart.hpp"
#include "charts/share_chart.hpp"

using namespace archscope::charts;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(chart_models)

BOOST_AUTO_TEST_CASE(layer_chart_drops_kinds_that_never_ran) {
  const auto chart = layer_time_chart("t", {"0", "1", "2"}, {"matmul", "rope", "attention"},
                                      {{2e-3, 0, 1e-3}, {2e-3, 0, 1.5e-3}, {1e-3, 0, 1e-3}});
  BOOST_TEST(chart.categories.size() == 3u);
  BOOST_REQUIRE(chart.series.size() == 2u);
  BOOST_TEST(chart.series[0].label == "matmul");
  BOOST_TEST(chart.series[1].label == "attention");
  BOOST_TEST(chart.series[0].colour == kind_colour("matmul"));
  BOOST_TEST(stack_total(chart, 1) == 3.5e-3, tt::tolerance(1e-12));
  BOOST_TEST(chart.value_axis.max >= 3.5e-3);
  BOOST_TEST(chart.value_axis.min == 0);
  BOOST_CHECK_THROW(layer_time_chart("t", {"0"}, {"a", "b"}, {{1.0}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(share_chart_sorts_and_sums_to_100) {
  const auto chart = share_chart("s", {"norm", "matmul", "attention", "rope"}, {1, 6, 3, 0});
  BOOST_REQUIRE(chart.slices.size() == 3u);
  BOOST_TEST(chart.slices[0].label == "matmul");
  BOOST_TEST(chart.slices[0].percent == 60, tt::tolerance(1e-9));
  BOOST_TEST(chart.slices[2].label == "norm");
  double sum = 0;
  for (const auto& s : chart.slices) sum += s.percent;
  BOOST_TEST(sum == 100, tt::tolerance(1e-9));
  BOOST_TEST(chart.axis.max >= 60);
}

BOOST_AUTO_TEST_CASE(kv_chart_orders_by_context) {
  const auto chart = kv_memory_chart("kv", {{18, 1 << 20, 3000}, {16, 1 << 20, 2000}, {17, 1 << 20, 2500}});
  BOOST_REQUIRE(chart.series.size() == 2u);
  BOOST_TEST(chart.series[0].label == "allocated");
  BOOST_TEST(chart.series[1].points.front().x == 16);
  BOOST_TEST(chart.series[1].points.back().y == 3000);
  BOOST_TEST(chart.y.max >= 1 << 20);
  BOOST_TEST(chart.x.max >= 18);
}

BOOST_AUTO_TEST_CASE(heatmap_pads_ragged_rows) {
  const auto map = expert_heatmap("e", {"0", "1"}, {{5, 0, 7, 1}, {3, 9}});
  BOOST_TEST(map.columns.size() == 4u);
  BOOST_TEST(map.values[1].size() == 4u);
  BOOST_TEST(map.values[1][3] == 0);
  BOOST_TEST(map.scale.max >= 9);
  BOOST_TEST(heat_position(map, 0) == 0);
  BOOST_TEST(heat_position(map, map.scale.max) == 1);
}

BOOST_AUTO_TEST_CASE(roofline_places_roof_and_points) {
  // 100 GFLOP/s peak, 10 GB/s: ridge at 10 FLOP/byte.
  const std::vector<OpCost> measured = {{"matmul", 2'000'000'000, 1'000'000'000, 0.5},  // 2 FLOP/B, 4 GFLOP/s
                                        {"cache_write", 0, 4096, 1e-6}};
  const std::vector<OpCost> predicted = {{"matmul", 2'000'000'000, 1'000'000'000, 0.1}};
  const auto chart = roofline_chart("r", 100e9, 10e9, "bf16", measured, predicted);
  BOOST_TEST(chart.ridge == 10, tt::tolerance(1e-12));
  BOOST_REQUIRE(chart.points.size() == 2u);
  BOOST_TEST(chart.points[0].intensity == 2, tt::tolerance(1e-12));
  BOOST_TEST(chart.points[0].flops_per_s == 4e9, tt::tolerance(1e-9));
  BOOST_TEST(chart.points[1].predicted);
  BOOST_TEST(chart.skipped.size() == 1u);  // no FLOPs: not placeable on log axes
  BOOST_REQUIRE(chart.roof.size() == 3u);
  // The slope is bandwidth × intensity; the bend is at the ridge; the ceiling runs to the edge.
  BOOST_TEST(chart.roof[0].y == chart.roof[0].x * 10e9, tt::tolerance(1e-9));
  BOOST_TEST(chart.roof[1].x == 10, tt::tolerance(1e-12));
  BOOST_TEST(chart.roof[2].y == 100e9, tt::tolerance(1e-12));
  BOOST_TEST(chart.roof[2].x == chart.x.max);
  BOOST_TEST(chart.x.min <= 1);
  BOOST_TEST(chart.y.max >= 100e9);
  BOOST_CHECK_THROW(roofline_chart("r", 0, 1, "bf16", {}, {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(measured_costs_sum_spans_per_kind) {
  using archscope::prof::Phase;
  using archscope::prof::SpanRecord;
  std::vector<SpanRecord> spans(3);
  spans[0] = {1, Phase::Decode, 0, "q_proj", "matmul", 0, 1000, 200, 100};
  spans[1] = {1, Phase::Decode, 0, "o_proj", "matmul", 0, 3000, 600, 300};
  spans[2] = {0, Phase::Prefill, 0, "q_proj", "matmul", 0, 5000, 900, 900};
  const auto costs = measured_costs_by_kind(spans, Phase::Decode);
  BOOST_REQUIRE(costs.size() == 1u);
  BOOST_TEST(costs[0].flops == 800u);
  BOOST_TEST(costs[0].bytes == 400u);
  BOOST_TEST(costs[0].seconds == 4e-6, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(palette_keeps_a_dozen_kinds_apart) {
  std::set<std::string> colours;
  for (int i = 0; i < 12; ++i) colours.insert(palette(i).hex());
  BOOST_TEST(colours.size() == 12u);
  BOOST_TEST(kind_colour("matmul") != kind_colour("attention"));
  BOOST_TEST(heat_colour(0).hex() == "#ffffcc");
  BOOST_TEST(heat_colour(2).hex() == heat_colour(1).hex());  // clamped
}

BOOST_AUTO_TEST_SUITE_END()
