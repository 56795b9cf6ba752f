// Colours shared by every renderer of the chart models (SVG now, ImGui later), so one op kind has
// one colour in every chart and every run of a report.
#pragma once

#include <cstdint>
#include <string>

namespace archscope::charts {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  std::string hex() const;  // "#4e79a7"
  bool operator==(const Rgb&) const = default;
};

// Categorical palette: 15 colours, distinct in hue or lightness so that up to a dozen series
// stay apart (Tableau 10 plus darker/lighter extras). Indices wrap around past the end.
inline constexpr int kPaletteSize = 15;
Rgb palette(int index);

// The palette slot of an op kind: the plan's OpKind order, so "matmul" is the same colour in
// every chart; unknown kinds get slots after the known ones by a stable hash of the name.
int kind_colour(const std::string& kind);

// Sequential scale for heatmaps, t in [0, 1] (clamped): pale yellow -> orange -> dark purple,
// monotonic in lightness so it reads in greyscale too.
Rgb heat_colour(double t);

}  // namespace archscope::charts
