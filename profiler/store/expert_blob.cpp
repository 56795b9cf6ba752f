#include "store/expert_blob.hpp"

#include "common/error.hpp"

namespace archscope::prof::store {

std::string pack_expert_counts(const std::vector<int64_t>& counts) {
  std::string out(counts.size() * 8, '\0');
  for (size_t i = 0; i < counts.size(); ++i) {
    uint64_t v = static_cast<uint64_t>(counts[i]);
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<char>((v >> (8 * b)) & 0xff);
  }
  return out;
}

std::vector<int64_t> unpack_expert_counts(std::string_view blob, const std::string& where) {
  if (blob.size() % 8 != 0) {
    throw Error(ErrorKind::Parse, where,
                "expert counts blob of " + std::to_string(blob.size()) + " bytes is not int64 values");
  }
  std::vector<int64_t> out(blob.size() / 8);
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v |= uint64_t(static_cast<unsigned char>(blob[i * 8 + b])) << (8 * b);
    out[i] = static_cast<int64_t>(v);
  }
  return out;
}

}  // namespace archscope::prof::store
