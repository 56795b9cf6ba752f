#include "report/text_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace archscope::text {

std::string grouped(uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string grouped_signed(int64_t v) {
  if (v == 0) return "0";
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return (v < 0 ? "-" : "+") + grouped(magnitude);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string si(double v, const char* unit) {
  static const char* prefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  int i = 0;
  while (std::fabs(v) >= 1000 && i < 6) {
    v /= 1000;
    ++i;
  }
  const std::string suffix = std::string(prefixes[i]) + unit;
  return fixed(v, i == 0 ? 0 : 2) + (suffix.empty() ? "" : " " + suffix);
}

std::string params_short(uint64_t v) {
  static const char* units[] = {"", "K", "M", "B", "T"};
  double x = static_cast<double>(v);
  int i = 0;
  while (x >= 1000 && i < 4) {
    x /= 1000;
    ++i;
  }
  return fixed(x, i == 0 ? 0 : 2) + units[i];
}

std::string binary_bytes(double v) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int i = 0;
  while (std::fabs(v) >= 1024 && i < 5) {
    v /= 1024;
    ++i;
  }
  return fixed(v, i == 0 ? 0 : 2) + " " + units[i];
}

std::string bytes_exact(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  return binary_bytes(static_cast<double>(bytes)) + " (" + grouped(bytes) + " B)";
}

std::string duration(double s) {
  if (s >= 1) return fixed(s, 3) + " s";
  if (s >= 1e-3) return fixed(s * 1e3, 3) + " ms";
  if (s >= 1e-6) return fixed(s * 1e6, 3) + " µs";
  return fixed(s * 1e9, 3) + " ns";
}

std::string percent(uint64_t part, uint64_t whole) {
  return whole == 0 ? "-"
                    : fixed(100.0 * static_cast<double>(part) / static_cast<double>(whole), 2) + "%";
}

size_t display_width(const std::string& s) {
  size_t n = 0;
  bool in_escape = false;  // ANSI colour sequences take no column either
  for (unsigned char c : s) {
    if (in_escape) {
      if (c == 'm') in_escape = false;
      continue;
    }
    if (c == 0x1b) {
      in_escape = true;
      continue;
    }
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

std::string truncate(std::string_view text, size_t max_chars) {
  if (max_chars == 0) return "";
  size_t chars = 0, cut = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // A code point starts at every byte that is not a continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    ++chars;
    if (chars == max_chars) cut = i;  // where the ellipsis goes if the text is longer
    if (chars > max_chars) return std::string(text.substr(0, cut)) + "\xE2\x80\xA6";
  }
  return std::string(text);
}

std::string short_kernel_name(const std::string& name) {
  std::string s = name;
  if (s.rfind("void ", 0) == 0) s = s.substr(5);
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') ++depth;
    if (s[i] == '>') --depth;
    if (s[i] == '(' && depth == 0 && s.compare(i, 20, "(anonymous namespace") != 0) {
      s = s.substr(0, i);
      break;
    }
  }
  for (const std::string prefix : {"(anonymous namespace)::", "archscope::cuda::", "archscope::"}) {
    for (size_t p; (p = s.find(prefix)) != std::string::npos;) s.erase(p, prefix.size());
  }
  return truncate(s, 72);
}

Table::Table(std::vector<std::string> header, std::string align) : align_(std::move(align)) {
  rows_.push_back(std::move(header));
}

void Table::add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

void Table::render(std::ostream& out, const std::string& indent) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  for (size_t r = 0; r < rows_.size(); ++r) {
    std::string line = indent;
    for (size_t i = 0; i < rows_[r].size(); ++i) {
      const std::string& cell = rows_[r][i];
      const std::string pad(widths[i] - display_width(cell), ' ');
      if (i > 0) line += "  ";
      const bool left = i < align_.size() ? align_[i] == 'l' : i == 0;
      line += left ? cell + pad : pad + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
    if (r == 0) {
      size_t total = 0;
      for (size_t w : widths) total += w;
      total += 2 * (widths.size() - 1);
      out << indent << std::string(total, '-') << '\n';
    }
  }
}

}  // namespace archscope::text
