// Number formatting and aligned text tables for the terminal reports (analyze, presets,
// diff-config, compare). One place so every report prints figures the same way.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace archscope::text {

std::string grouped(uint64_t v);                 // 1234567 -> "1,234,567"
std::string grouped_signed(int64_t v);           // -1234 -> "-1,234", 5 -> "+5"
std::string fixed(double v, int decimals);       // printf %.*f
std::string si(double v, const char* unit);      // "8.08 GFLOP", decimal prefixes
std::string params_short(uint64_t v);            // model-card style: "671.03B", "7.25M"
std::string binary_bytes(double v);              // 1.50 GiB
// Human units with the exact count beside them where rounding hides it: "1.50 MiB
// (1,572,864 B)"; below 1 KiB only "512 B".
std::string bytes_exact(uint64_t bytes);
std::string duration(double seconds);            // 1.234 ms
std::string percent(uint64_t part, uint64_t whole);
size_t display_width(const std::string& s);      // UTF-8 aware column count
// At most `max_chars` code points of `text`, ending in "…" when shortened; never splits a UTF-8
// sequence. For labels and cells that must fit a fixed width.
std::string truncate(std::string_view text, size_t max_chars);
// "void ns::(anonymous namespace)::gemv<4>(ns::Params)" -> "gemv<4>", at most 72 code points: the
// return type, the parameter list and the namespaces say nothing a reader of a kernel list needs.
std::string short_kernel_name(const std::string& name);

// A table with a rule under the header. `align` gives each column 'l' (text) or 'r' (numbers);
// by default the first column is left-aligned and the others right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header, std::string align = "");
  void add(std::vector<std::string> row);
  void render(std::ostream& out, const std::string& indent = "") const;

 private:
  std::string align_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace archscope::text
