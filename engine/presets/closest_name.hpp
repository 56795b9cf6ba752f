// "did you mean" for names looked up by the user (presets, hardware profiles): the known name at
// the smallest edit distance, so a typo like "llama-3-mini" points at "llama3-mini".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace archscope {

// Levenshtein distance (insert, delete, substitute; case-sensitive).
size_t edit_distance(std::string_view a, std::string_view b);

// The shortest candidate that starts with `wanted`; failing that, the candidate nearest to
// `wanted`, or nothing when none is within half of the longer name's length (a suggestion that
// shares almost nothing would mislead more than help). Ties go to the earlier candidate.
std::optional<std::string> closest_name(std::string_view wanted,
                                        const std::vector<std::string>& candidates);

}  // namespace archscope
