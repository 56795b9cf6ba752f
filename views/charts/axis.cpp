#include "charts/axis.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "report/text_format.hpp"

namespace archscope::charts {

namespace {

// A display unit: values are divided by `factor` and shown with `name` ("ms", "GiB", "GFLOP/s").
struct DisplayUnit {
  double factor = 1;
  std::string name;
};

std::string base_name(Unit unit) {
  switch (unit) {
    case Unit::Plain: return "";
    case Unit::Seconds: return "s";
    case Unit::Bytes: return "B";
    case Unit::FlopsPerSecond: return "FLOP/s";
    case Unit::FlopsPerByte: return "FLOP/byte";
    case Unit::Tokens: return "tokens";
    case Unit::TokensPerSecond: return "tokens/s";
    case Unit::Percent: return "%";
    case Unit::Flops: return "FLOP";
    case Unit::Params: return "params";
  }
  return "";
}

DisplayUnit display_unit(Unit unit, double magnitude) {
  switch (unit) {
    case Unit::Seconds:
      if (magnitude >= 1 || magnitude == 0) return {1, "s"};
      if (magnitude >= 1e-3) return {1e-3, "ms"};
      if (magnitude >= 1e-6) return {1e-6, "µs"};
      return {1e-9, "ns"};
    case Unit::Bytes: {
      static const char* names[] = {"B", "KiB", "MiB", "GiB", "TiB"};
      int i = 0;
      double f = 1;
      while (i < 4 && magnitude >= f * 1024) {
        f *= 1024;
        ++i;
      }
      return {f, names[i]};
    }
    case Unit::Plain:
    case Unit::Percent:
      return {1, base_name(unit)};
    default: {
      // Decimal prefixes; counts below 10,000 stay unprefixed so small contexts read exactly.
      static const char* prefixes[] = {"", "K", "M", "G", "T", "P"};
      int i = 0;
      double f = 1;
      const double first = unit == Unit::Tokens ? 1e4 : 1000;
      while (i < 5 && magnitude >= f * (i == 0 ? first : 1000)) {
        f *= 1000;
        ++i;
      }
      const std::string sep = (unit == Unit::Tokens || unit == Unit::Params) && i > 0 ? " " : "";
      return {f, std::string(prefixes[i]) + sep + base_name(unit)};
    }
  }
}

std::string with_unit(const std::string& title, const std::string& unit) {
  return unit.empty() ? title : title + " (" + unit + ")";
}

int decimals_for(double step) {
  return std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
}

// "1K", "10G", "0.01", "1e-9": decade labels of log axes (below 0.001 a decimal would be a row
// of zeros nobody can count, e.g. the KL divergences of 8-bit schemes).
std::string compact(double v) {
  static const char* prefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  if (v > 0 && v < 1e-3 * (1 - 1e-9))
    return "1e" + std::to_string(static_cast<int>(std::lround(std::log10(v))));
  if (v < 1) return text::fixed(v, decimals_for(v));
  int i = 0;
  while (i < 6 && v >= 1000 * (1 - 1e-9)) {
    v /= 1000;
    ++i;
  }
  return text::fixed(v, 0) + prefixes[i];
}

}  // namespace

double nice_step(double range, int target) {
  if (!(range > 0) || !std::isfinite(range)) return 1;
  const double raw = range / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double m = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return m * mag;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    // One value: show it with room around it (zero gets [0, 1]).
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.5;
    lo = lo == 0 ? 0 : lo - pad;
    hi = hi + pad;
  }
  const double step = nice_step(hi - lo, target);
  // The epsilon keeps 0.3/0.1 = 2.9999... from adding a tick below an exact bound.
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  std::vector<double> ticks;
  for (double i = first; i <= last; i += 1) {
    const double v = i * step;
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  }
  return ticks;
}

std::vector<double> log_decades(double lo, double hi) {
  if (hi < lo) std::swap(lo, hi);
  const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  int last = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  if (last == first) ++last;  // at least one decade to draw
  std::vector<double> ticks;
  for (int k = first; k <= last; ++k) ticks.push_back(std::pow(10.0, k));
  return ticks;
}

Axis linear_axis(const std::string& title, double lo, double hi, Unit unit, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0;
  const DisplayUnit du = display_unit(unit, std::max(std::fabs(lo), std::fabs(hi)));
  const std::vector<double> scaled = nice_ticks(lo / du.factor, hi / du.factor, target);
  const double step = scaled.size() > 1 ? scaled[1] - scaled[0] : 1;
  Axis axis;
  axis.title = with_unit(title, du.name);
  axis.scale = Scale::Linear;
  for (double t : scaled) axis.ticks.push_back({t * du.factor, text::fixed(t, decimals_for(step))});
  axis.min = axis.ticks.front().value;
  axis.max = axis.ticks.back().value;
  return axis;
}

Axis log_axis(const std::string& title, double lo, double hi, Unit unit) {
  if (!(lo > 0) || !std::isfinite(lo)) lo = hi > 0 && std::isfinite(hi) ? hi / 10 : 1;
  if (!(hi > 0) || !std::isfinite(hi)) hi = lo * 10;
  Axis axis;
  axis.title = with_unit(title, base_name(unit));
  axis.scale = Scale::Log;
  for (double t : log_decades(lo, hi)) axis.ticks.push_back({t, compact(t)});
  axis.min = axis.ticks.front().value;
  axis.max = axis.ticks.back().value;
  return axis;
}

std::string format_value(double v, Unit unit) {
  switch (unit) {
    case Unit::Seconds: return text::duration(v);
    case Unit::Bytes: return text::binary_bytes(v);
    case Unit::FlopsPerSecond: return text::si(v, "FLOP/s");
    case Unit::FlopsPerByte: return text::fixed(v, v < 10 ? 2 : 1) + " FLOP/byte";
    case Unit::Tokens: return text::grouped(static_cast<uint64_t>(std::llround(std::max(0.0, v)))) + " tokens";
    case Unit::TokensPerSecond: return text::fixed(v, v < 100 ? 2 : 1) + " tokens/s";
    case Unit::Percent: return text::fixed(v, 1) + "%";
    case Unit::Flops: return text::si(v, "FLOP");
    case Unit::Params: return text::si(v, "params");
    case Unit::Plain:
      return v == std::floor(v) && std::fabs(v) < 1e15 ? text::grouped_signed(static_cast<int64_t>(v)).substr(v > 0)
                                                       : text::fixed(v, 2);
  }
  return text::fixed(v, 2);
}

}  // namespace archscope::charts
