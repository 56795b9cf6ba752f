// Every field of ModelConfig as an editable form field: its JSON path (the one validation errors
// name), group, label, kind and a one-line help, with typed access to a config. The studio builds
// its editor form from this table and nothing else, so a field added to the config appears in the
// form once it is listed here (a test checks that every JSON leaf of every preset is listed).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "config/model_config.hpp"

namespace archscope::editor {

enum class FieldKind {
  Integer,  // int64
  Real,     // double
  Flag,     // bool
  Text,     // free text (name, family, source)
  Choice,   // an enum: one of `choices`
  Pattern,  // a per-layer pattern as text: "sliding*5, full"
  IntList,  // a list of integers as text: "0, 1, 2"
};

// A field's value as the form shows it: patterns and lists as their text forms, enums by name.
using FieldValue = std::variant<int64_t, double, bool, std::string>;

struct FieldSpec {
  std::string path;   // JSON path: "attention.kv_heads"
  std::string group;  // form group: "Attention"
  std::string label;  // "KV heads"
  std::string help;   // one line shown as the tooltip
  FieldKind kind = FieldKind::Integer;
  std::vector<std::string> choices;  // Choice: the enum's names; Pattern: the element names

  // Whether the field exists in this config (rope_local's fields only when a local RoPE is set).
  std::function<bool(const ModelConfig&)> applies;
  std::function<FieldValue(const ModelConfig&)> get;
  // Throws Error(Parse, path, reason) when a text value (pattern, list) cannot be read; the
  // messages are the JSON reader's, so the form says what the CLI would.
  std::function<void(ModelConfig&, const FieldValue&)> set;
};

// The table, in the order of the JSON file (config_json.cpp writes the same order).
const std::vector<FieldSpec>& config_fields();
// Groups in display order: "Model", "Dimensions", "Attention", ...
std::vector<std::string> field_groups();
// The field at `path`, or null.
const FieldSpec* find_field(const std::string& path);
// The field a validation error located at `where` belongs to: the longest field path that is a
// prefix of `where` once "file: " and "[i]" are stripped ("attention.pattern[3]" ->
// "attention.pattern"); null when none (the error is about the whole config).
const FieldSpec* field_for_error(const std::string& where);

// Value text as the form shows it: integers plain, reals in the shortest round-trip form
// ("1e-06", "500000.0"), flags "true"/"false".
std::string value_text(const FieldValue& v);

}  // namespace archscope::editor
