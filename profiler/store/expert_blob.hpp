// The packed form of ExpertCountRecord::tokens_per_expert in the expert_counts table: n_experts
// little-endian int64 values. Explicit byte order so a database copied between machines reads back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace archscope::prof::store {

std::string pack_expert_counts(const std::vector<int64_t>& counts);
// Throws Error(Parse) when the blob is not a whole number of int64 values; `where` names the row.
std::vector<int64_t> unpack_expert_counts(std::string_view blob, const std::string& where);

}  // namespace archscope::prof::store
