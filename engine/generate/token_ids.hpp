// Token ids from the command line: parsed from "1,2,3" and checked against the vocabulary before
// any forward pass, so a bad id is reported by value and position instead of reading outside the
// embedding table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace archscope {

// "1, 2,3" -> {1, 2, 3}. Throws Error(Validation, option, ...) naming the offending item and its
// position for an empty list, an empty item, a non-number or a value outside int32.
std::vector<int32_t> parse_token_list(std::string_view text, const std::string& option = "--tokens");

// Throws Error(Validation, where, "token id 600 at position 3 is outside the vocabulary [0, 512)").
// `where` names the source ("--tokens", "sequence 2"); `first_position` offsets reported positions.
void check_token_ids(const std::vector<int32_t>& ids, int64_t vocab_size, const std::string& where,
                     int64_t first_position = 0);

}  // namespace archscope
