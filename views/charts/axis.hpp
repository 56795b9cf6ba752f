// Chart axes: nice tick positions (1-2-5 steps on linear axes, decades on log axes) and tick
// labels in a display unit chosen once per axis, so every label on an axis reads in the same unit
// ("0.5 ms", "1 ms", ... rather than "500 µs", "1.000 ms").
#pragma once

#include <string>
#include <vector>

namespace archscope::charts {

// What an axis measures; decides the display unit (ms vs µs, MiB vs GiB, GFLOP/s vs TFLOP/s).
enum class Unit {
  Plain,           // counts, step numbers: no prefix
  Seconds,         // s / ms / µs / ns
  Bytes,           // B / KiB / MiB / GiB (binary, like text::binary_bytes)
  FlopsPerSecond,  // FLOP/s with decimal prefixes
  FlopsPerByte,    // arithmetic intensity
  Tokens,          // token counts
  TokensPerSecond,
  Percent,         // values already in percent (0..100)
  Flops,           // FLOP counts with decimal prefixes (GFLOP, TFLOP)
  Params,          // parameter counts with decimal prefixes (M, G)
};

enum class Scale { Linear, Log };

struct Tick {
  double value = 0;   // in the data's base unit (seconds, bytes, FLOP/s)
  std::string label;  // in the axis' display unit, without the unit
};

struct Axis {
  std::string title;  // with the display unit: "time (ms)"
  Scale scale = Scale::Linear;
  double min = 0;  // data range shown, base unit; ticks lie within [min, max]
  double max = 1;
  std::vector<Tick> ticks;
};

// The 1-2-5 × 10^k step that splits `range` into about `target` intervals.
double nice_step(double range, int target);
// Multiples of nice_step covering [lo, hi]: the first tick <= lo, the last >= hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);
// Powers of ten covering [lo, hi] (lo > 0): 10^floor(log10 lo) ... 10^ceil(log10 hi).
std::vector<double> log_decades(double lo, double hi);

// Axis over [lo, hi] extended to the surrounding nice ticks. Degenerate ranges (lo == hi, or
// nothing to show) widen to something drawable instead of failing.
Axis linear_axis(const std::string& title, double lo, double hi, Unit unit, int target = 5);
// Log axis over whole decades around [lo, hi]; non-positive bounds are replaced by sane ones.
Axis log_axis(const std::string& title, double lo, double hi, Unit unit);

// A value in base units as a short label with its unit, for tooltips and bar annotations:
// 0.00123 s -> "1.23 ms", 3.2e12 FLOP/s -> "3.20 TFLOP/s".
std::string format_value(double v, Unit unit);

}  // namespace archscope::charts
