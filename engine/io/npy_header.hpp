// The header dictionary of a .npy file, a Python literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (72, 512), }. Internal to engine/io.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace archscope::npy_detail {

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// The dict text for `shape` with descr '<f4' and C order, without padding.
std::string format_header(const std::vector<int64_t>& shape);

// Parses the dict (trailing spaces / newline allowed). Keys may come in any order; all three are
// required, others rejected. Throws Error(Parse, origin, ...) saying what is wrong.
NpyHeader parse_header(std::string_view text, const std::string& origin);

}  // namespace archscope::npy_detail
