// The SVG writer: every chart parses as XML, has a fixed viewBox and the expected marks, and
// hostile text is escaped rather than injected.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "charts/palette.hpp"
#include "svg/chart_svg.hpp"
#include "svg/svg_builder.hpp"
#include "svg/xml_text.hpp"
#include "views_charts/xml_check.hpp"

#include <algorithm>
#include <set>

using namespace archscope;
using namespace archscope::charts;

namespace {

const std::string kHostile = "<script>&\"'";

xml_check::Document parsed(const std::string& svg_text) {
  auto doc = xml_check::parse(svg::standalone(svg_text));
  BOOST_TEST_INFO("parse error: " << doc.error);
  BOOST_TEST(doc.ok);
  BOOST_REQUIRE(!doc.elements.empty());
  BOOST_TEST(doc.elements.front().name == "svg");
  BOOST_TEST(doc.elements.front().attrs.count("viewBox") == 1u);
  return doc;
}

StackedBarChart three_layers() {
  return layer_time_chart("Decode " + kHostile, {"0", "1", "2"}, {"matmul", "attention", "norm"},
                          {{2e-3, 1e-3, 1e-4}, {2e-3, 1.5e-3, 1e-4}, {1e-3, 1e-3, 1e-4}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(svg_writer)

BOOST_AUTO_TEST_CASE(escape_handles_markup_quotes_and_bad_bytes) {
  BOOST_TEST(svg::escape(kHostile) == "&lt;script&gt;&amp;&quot;&#39;");
  BOOST_TEST(svg::escape("a\x01z") == "a\xEF\xBF\xBDz");     // control character
  BOOST_TEST(svg::escape("a\xC3(z") == "a\xEF\xBF\xBD(z");   // broken UTF-8 sequence
  BOOST_TEST(svg::escape("µs é") == "µs é");                  // valid UTF-8 untouched
  BOOST_TEST(svg::truncate("abcdef", 4) == "abc\xE2\x80\xA6");
  BOOST_TEST(svg::truncate("µµµ", 3) == "µµµ");
  BOOST_TEST(svg::truncate("µµµµ", 2) == "µ\xE2\x80\xA6");
}

BOOST_AUTO_TEST_CASE(bars_one_group_per_layer) {
  const auto doc = parsed(svg::to_svg(three_layers()));
  BOOST_TEST(doc.count("g", "bar") == 3u);
  BOOST_TEST(doc.count("rect", "segment") == 9u);
  BOOST_TEST(doc.count("g", "legend-item") == 3u);
  // The hostile title came through as text, not as an element.
  BOOST_TEST(doc.count("script") == 0u);
  BOOST_TEST(doc.text.find(kHostile) != std::string::npos);
  // Segments carry their kind's colour.
  bool found = false;
  for (const auto& e : doc.elements)
    if (e.has_class("segment") && e.attrs.at("fill") == palette(kind_colour("attention")).hex()) found = true;
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(comparison_bars_label_hostile_run_names) {
  const auto chart = comparison_chart("Decode", "ms", {kHostile, "baseline"}, {2e-3, 1e-3}, Unit::Seconds);
  const std::string text = svg::to_svg(chart);
  BOOST_TEST(text.find("<script>") == std::string::npos);
  const auto doc = parsed(text);
  BOOST_TEST(doc.count("g", "bar") == 2u);
  BOOST_TEST(doc.elements[0].attrs.count("width") == 1u);
  bool attr_round_trip = false;  // the data attribute holds the exact name after XML decoding
  for (const auto& e : doc.elements)
    if (e.has_class("bar") && e.attrs.at("data-category") == kHostile) attr_round_trip = true;
  BOOST_TEST(attr_round_trip);
}

BOOST_AUTO_TEST_CASE(share_chart_one_slice_per_kind) {
  const auto doc = parsed(svg::to_svg(share_chart("share", {"matmul", "attention", "norm", "rope"}, {5, 3, 1, 0})));
  BOOST_TEST(doc.count("g", "slice") == 3u);
  BOOST_TEST(doc.count("rect", "share-bar") == 3u);
}

BOOST_AUTO_TEST_CASE(kv_lines_and_markers) {
  const auto doc = parsed(svg::to_svg(kv_memory_chart("kv", {{16, 1 << 20, 2000}, {17, 1 << 20, 2500}, {18, 1 << 20, 3000}})));
  BOOST_TEST(doc.count("polyline", "series") == 2u);
  BOOST_TEST(doc.count("circle", "marker") == 6u);
}

BOOST_AUTO_TEST_CASE(heatmap_cells_are_layers_times_experts) {
  const auto map = expert_heatmap("experts", {"0", "1", "2"}, {{5, 0, 7, 1, 2, 2, 2, 2}, {3, 9, 1, 1, 1, 1, 1, 1},
                                                              {8, 8, 0, 0, 0, 0, 0, 1}});
  const auto doc = parsed(svg::to_svg(map));
  BOOST_TEST(doc.count("rect", "cell") == 3u * 8u);
  BOOST_TEST(doc.count("g", "color-scale") == 1u);
  // The hottest cell gets the end of the scale's colour ramp only when it sits at scale.max.
  std::set<std::string> fills;
  for (const auto& e : doc.elements)
    if (e.has_class("cell")) fills.insert(e.attrs.at("fill"));
  BOOST_TEST(fills.size() >= 5u);  // distinct counts, distinct colours
}

BOOST_AUTO_TEST_CASE(roofline_has_roof_and_points) {
  const std::vector<OpCost> measured = {{"matmul", 2'000'000'000, 1'000'000'000, 0.5},
                                        {"attention", 300'000'000, 10'000'000, 0.05}};
  const std::vector<OpCost> predicted = {{"matmul", 2'000'000'000, 1'000'000'000, 0.1},
                                         {"attention", 300'000'000, 10'000'000, 0.003}};
  const auto doc = parsed(svg::to_svg(roofline_chart("roof", 100e9, 10e9, "bf16", measured, predicted)));
  BOOST_TEST(doc.count("polyline", "roof") == 1u);
  BOOST_TEST(doc.count("circle", "measured") == 2u);
  BOOST_TEST(doc.count("circle", "predicted") == 2u);
  BOOST_TEST(doc.count("line", "gap") == 2u);
  for (const auto& e : doc.elements)
    if (e.has_class("roof")) {
      // Three vertices: slope start, ridge, ceiling end.
      const std::string& pts = e.attrs.at("points");
      BOOST_TEST(std::count(pts.begin(), pts.end(), ',') == 3);
    }
}

BOOST_AUTO_TEST_CASE(empty_charts_still_render) {
  parsed(svg::to_svg(layer_time_chart("none", {}, {}, {})));
  parsed(svg::to_svg(share_chart("none", {}, {})));
  parsed(svg::to_svg(kv_memory_chart("none", {})));
  parsed(svg::to_svg(expert_heatmap("none", {}, {})));
}

BOOST_AUTO_TEST_SUITE_END()
