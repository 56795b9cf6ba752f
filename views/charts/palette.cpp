#include "charts/palette.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "plan/plan.hpp"

namespace archscope::charts {

std::string Rgb::hex() const {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
  return buf;
}

namespace {

constexpr std::array<Rgb, kPaletteSize> kColours = {{
    {0x4e, 0x79, 0xa7},  // blue
    {0xf2, 0x8e, 0x2b},  // orange
    {0xe1, 0x57, 0x59},  // red
    {0x76, 0xb7, 0xb2},  // teal
    {0x59, 0xa1, 0x4f},  // green
    {0xed, 0xc9, 0x48},  // yellow
    {0xb0, 0x7a, 0xa1},  // purple
    {0xff, 0x9d, 0xa7},  // pink
    {0x9c, 0x75, 0x5f},  // brown
    {0x79, 0x70, 0x6e},  // dark grey (Tableau's light grey vanishes on white)
    {0x1f, 0x3b, 0x73},  // navy
    {0x8c, 0xd1, 0x7d},  // light green
    {0x86, 0xbc, 0xe0},  // light blue
    {0x7b, 0x34, 0x1e},  // dark red-brown
    {0x49, 0x98, 0x94},  // dark teal
}};

// Anchors of the heat scale (ColorBrewer YlOrRd-like, ending in purple for the hottest cells).
constexpr std::array<Rgb, 5> kHeat = {{
    {0xff, 0xff, 0xcc}, {0xfe, 0xd9, 0x76}, {0xfd, 0x8d, 0x3c}, {0xe3, 0x1a, 0x1c}, {0x5c, 0x0a, 0x4a},
}};

}  // namespace

Rgb palette(int index) {
  const int i = ((index % kPaletteSize) + kPaletteSize) % kPaletteSize;
  return kColours[static_cast<size_t>(i)];
}

int kind_colour(const std::string& kind) {
  for (int i = 0; i < kOpKindCount; ++i)
    if (kind == to_string(static_cast<OpKind>(i))) return i;
  // Unknown kinds (a newer engine's) still get a stable colour rather than a collision with 0.
  unsigned h = 2166136261u;
  for (unsigned char c : kind) h = (h ^ c) * 16777619u;
  return static_cast<int>(h % kPaletteSize);
}

Rgb heat_colour(double t) {
  if (!(t > 0)) t = 0;  // also NaN
  t = std::min(t, 1.0);
  const double pos = t * (kHeat.size() - 1);
  const size_t i = std::min(static_cast<size_t>(pos), kHeat.size() - 2);
  const double f = pos - static_cast<double>(i);
  auto mix = [f](uint8_t a, uint8_t b) {
    return static_cast<uint8_t>(std::lround(a + (static_cast<double>(b) - a) * f));
  };
  return {mix(kHeat[i].r, kHeat[i + 1].r), mix(kHeat[i].g, kHeat[i + 1].g),
          mix(kHeat[i].b, kHeat[i + 1].b)};
}

}  // namespace archscope::charts
