// Line charts over a numeric x axis. Used for KV-cache memory against context tokens: allocated
// and used bytes, one point per step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "charts/axis.hpp"

namespace archscope::charts {

struct Point {
  double x = 0;
  double y = 0;
};

struct LineSeries {
  std::string label;
  int colour = 0;
  bool dashed = false;
  std::vector<Point> points;  // in x order
};

struct LineChart {
  std::string title;
  Unit x_unit = Unit::Plain;
  Unit y_unit = Unit::Plain;
  Axis x;
  Axis y;
  std::vector<LineSeries> series;
};

// One KV sample per step: context tokens cached after the step, and the cache's bytes.
struct KvSample {
  int64_t context_tokens = 0;
  uint64_t allocated_bytes = 0;
  uint64_t used_bytes = 0;
};

// "allocated" (dashed: capacity) and "used" lines; samples are sorted by context.
LineChart kv_memory_chart(const std::string& title, std::vector<KvSample> samples);

}  // namespace archscope::charts
