#include "generate/token_ids.hpp"

#include <charconv>
#include <limits>

#include "common/error.hpp"

namespace archscope {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::vector<int32_t> parse_token_list(std::string_view text, const std::string& option) {
  std::vector<int32_t> ids;
  if (trim(text).empty()) throw Error(ErrorKind::Validation, option, "no token ids given");
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string_view item =
        trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    const std::string at = " at position " + std::to_string(ids.size());
    if (item.empty()) throw Error(ErrorKind::Validation, option, "empty token id" + at);
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && end == item.data() + item.size() &&
                                                 (value > std::numeric_limits<int32_t>::max() ||
                                                  value < std::numeric_limits<int32_t>::min()))) {
      throw Error(ErrorKind::Validation, option, "token id '" + std::string(item) + "'" + at + " is out of range");
    }
    if (ec != std::errc() || end != item.data() + item.size()) {
      throw Error(ErrorKind::Validation, option,
                  "'" + std::string(item) + "'" + at + " is not an integer token id");
    }
    ids.push_back(static_cast<int32_t>(value));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ids;
}

void check_token_ids(const std::vector<int32_t>& ids, int64_t vocab_size, const std::string& where,
                     int64_t first_position) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= vocab_size) {
      throw Error(ErrorKind::Validation, where,
                  "token id " + std::to_string(ids[i]) + " at position " +
                      std::to_string(first_position + static_cast<int64_t>(i)) +
                      " is outside the vocabulary [0, " + std::to_string(vocab_size) + ")");
    }
  }
}

}  // namespace archscope
