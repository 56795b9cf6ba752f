#include "diagram/diagram_diff.hpp"

#include <algorithm>
#include <map>

#include "config/config_json.hpp"

namespace archscope::diagram {

std::string block_id(size_t item, size_t block) {
  return "stack." + std::to_string(item) + "." + std::to_string(block);
}
std::string line_id(const std::string& block, const std::string& key) {
  return block + "/" + key;
}

namespace {

// Every block of a diagram by id, in drawing order.
std::vector<std::pair<std::string, const Block*>> blocks_of(const BlockDiagram& d) {
  std::vector<std::pair<std::string, const Block*>> out;
  out.emplace_back("embedding", &d.embedding);
  for (size_t i = 0; i < d.stack.size(); ++i)
    for (size_t b = 0; b < d.stack[i].blocks.size(); ++b)
      out.emplace_back(block_id(i, b), &d.stack[i].blocks[b]);
  out.emplace_back("head", &d.head);
  return out;
}

const Block* find(const std::vector<std::pair<std::string, const Block*>>& blocks,
                  const std::string& id) {
  for (const auto& [i, b] : blocks)
    if (i == id) return b;
  return nullptr;
}

std::string line_text(const Block& b, const std::string& key, bool& found) {
  for (const Line& l : b.lines)
    if (l.key == key) {
      found = true;
      return l.text;
    }
  found = false;
  return "";
}

// Marks in `mark` what differs in `a` from `b` (same ids).
void compare(const std::vector<std::pair<std::string, const Block*>>& a,
             const std::vector<std::pair<std::string, const Block*>>& b,
             std::set<std::string>& mark) {
  for (const auto& [id, block] : a) {
    const Block* other = find(b, id);
    if (!other) {
      mark.insert(id);
      continue;
    }
    // The block itself counts as changed when its run differs (length, kind); differing figures
    // are the deltas table's business, and the lines below say which part changed.
    if (block->count != other->count || block->title != other->title) mark.insert(id);
    for (const Line& l : block->lines) {
      bool found = false;
      const std::string t = line_text(*other, l.key, found);
      if (!found || t != l.text) mark.insert(line_id(id, l.key));
    }
  }
}

void flatten(const nlohmann::ordered_json& j, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else {
    out.emplace_back(prefix, j.dump());
  }
}

}  // namespace

std::vector<std::set<std::string>> diff_diagrams(const std::vector<BlockDiagram>& diagrams) {
  std::vector<std::set<std::string>> changed(diagrams.size());
  if (diagrams.size() < 2) return changed;
  const auto reference = blocks_of(diagrams[0]);
  for (size_t i = 1; i < diagrams.size(); ++i) {
    const auto other = blocks_of(diagrams[i]);
    compare(other, reference, changed[i]);
    compare(reference, other, changed[0]);
  }
  return changed;
}

std::vector<FieldRow> diff_fields(const std::vector<const ModelConfig*>& configs) {
  std::vector<std::string> order;
  std::vector<std::map<std::string, std::string>> values(configs.size());
  for (size_t i = 0; i < configs.size(); ++i) {
    std::vector<std::pair<std::string, std::string>> leaves;
    // config_to_text keeps the file's key order; parse it back as ordered JSON.
    flatten(nlohmann::ordered_json::parse(config_to_text(*configs[i])), "", leaves);
    for (auto& [path, value] : leaves) {
      if (path == "format") continue;
      if (std::find(order.begin(), order.end(), path) == order.end()) order.push_back(path);
      values[i][path] = value;
    }
  }
  std::vector<FieldRow> rows;
  for (const std::string& path : order) {
    FieldRow row;
    row.path = path;
    for (size_t i = 0; i < configs.size(); ++i) {
      const auto it = values[i].find(path);
      row.values.push_back(it == values[i].end() ? "—" : it->second);
    }
    row.differs = std::any_of(row.values.begin(), row.values.end(),
                              [&](const std::string& v) { return v != row.values[0]; });
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace archscope::diagram
