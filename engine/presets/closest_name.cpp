#include "presets/closest_name.hpp"

#include <algorithm>
#include <numeric>

namespace archscope {

size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the dynamic-programming table at a time: O(|b|) memory.
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_name(std::string_view wanted,
                                        const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  // A name the user typed the start of ("h100" for "h100-sxm") is what they meant, even when a
  // sibling is fewer edits away ("h200"); the shortest such completion wins.
  for (const std::string& c : candidates) {
    if (!wanted.empty() && c.size() > wanted.size() && c.compare(0, wanted.size(), wanted) == 0 &&
        (!best || c.size() < best->size())) {
      best = c;
    }
  }
  if (best) return best;
  size_t best_distance = 0;
  for (const std::string& c : candidates) {
    const size_t d = edit_distance(wanted, c);
    if (d * 2 > std::max(wanted.size(), c.size())) continue;
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace archscope
