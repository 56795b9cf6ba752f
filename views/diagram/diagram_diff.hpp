// What differs between two to four configurations' diagrams: the blocks and lines of each that
// differ from the first configuration (the reference) at the same place in the stack, and every
// configuration field side by side. Ids name places in a diagram: "embedding", "head",
// "stack.<item>.<block>", and a line within one as "<block id>/<line key>".
#pragma once

#include <set>
#include <string>
#include <vector>

#include "diagram/block_diagram.hpp"

namespace archscope::diagram {

std::string block_id(size_t item, size_t block);
std::string line_id(const std::string& block, const std::string& key);

// changed[i]: the ids in diagram i that differ from diagram 0, and in diagram 0 those that differ
// from any other (so the reference shows what the others changed). A block is changed when it is
// present on one side only or its run differs (title: count, attention kind, dense/MoE); a line
// when its text differs or it is missing on the other side.
std::vector<std::set<std::string>> diff_diagrams(const std::vector<BlockDiagram>& diagrams);

struct FieldRow {
  std::string path;                 // "attention.kv_heads"
  std::vector<std::string> values;  // JSON text per configuration, "—" where absent
  bool differs = false;
};
// Every leaf of config_to_json of each configuration, in the saved key order of the first one
// (then fields only later ones have); arrays are one value.
std::vector<FieldRow> diff_fields(const std::vector<const ModelConfig*>& configs);

}  // namespace archscope::diagram
