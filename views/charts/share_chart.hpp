// Op-kind breakdown: each kind's share of the total time, largest first, drawn as horizontal bars
// on a 0-100 % axis (easier to compare than pie slices).
#pragma once

#include <string>
#include <vector>

#include "charts/axis.hpp"

namespace archscope::charts {

struct ShareSlice {
  std::string label;
  double value = 0;    // base unit
  double percent = 0;  // of the total, 0..100
  int colour = 0;
};

struct ShareChart {
  std::string title;
  Unit unit = Unit::Seconds;
  double total = 0;
  std::vector<ShareSlice> slices;  // non-zero values only, largest first (ties by label)
  Axis axis;                       // percent, 0 to the largest share rounded up
};

// Colours come from kind_colour(label), so labels are expected to be op-kind names.
ShareChart share_chart(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<double>& values, Unit unit = Unit::Seconds);

}  // namespace archscope::charts
