// Percentiles of a sample, by linear interpolation between closest ranks (Hyndman & Fan type 7,
// the default of NumPy and R), so p50 of an even-sized sample is the mean of the middle two.
#pragma once

#include <vector>

namespace archscope::prof {

// p in [0, 1]. Takes the sample by value and sorts it. An empty sample gives 0 (the summaries
// report "no decode steps" through their counts, not through NaN, which JSON cannot carry).
double percentile(std::vector<double> sample, double p);

}  // namespace archscope::prof
