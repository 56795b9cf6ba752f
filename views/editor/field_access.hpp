// Builders for the rows of the field table (internal to views/editor): a field from a pointer
// accessor into ModelConfig, its kind deduced from the member's type.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "common/error.hpp"
#include "config/enum_names.hpp"
#include "editor/config_fields.hpp"

namespace archscope::editor::detail {

// Text forms of patterns and integer lists, parsed with the JSON reader's own rules and messages.
std::string pattern_text(const std::vector<std::string>& names);
std::vector<std::string> split_list(const std::string& text);
LayerPattern<AttentionKind> parse_attention_pattern(const std::string& text,
                                                    const std::string& path);
LayerPattern<PositionKind> parse_position_pattern(const std::string& text, const std::string& path);
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& path);
std::string int_list_text(const std::vector<int64_t>& values);

template <class E>
std::string compact_pattern_text(const LayerPattern<E>& pattern) {
  std::vector<std::string> names;
  for (size_t i = 0; i < pattern.size();) {
    size_t run = 1;
    while (i + run < pattern.size() && pattern[i + run] == pattern[i]) ++run;
    std::string entry = to_string(pattern[i]);
    if (run > 1) {
      entry += '*';
      entry += std::to_string(run);
    }
    names.push_back(std::move(entry));
    i += run;
  }
  return pattern_text(names);
}

template <class E>
std::vector<std::string> enum_choices() {
  std::vector<std::string> out;
  for (E v : EnumInfo<E>::values) out.push_back(to_string(v));
  return out;
}

// `access(config)` returns a pointer to the member, or null where the field does not apply.
template <class Access>
FieldSpec field(std::string path, std::string group, std::string label, std::string help,
                Access access) {
  using Ptr = decltype(access(std::declval<ModelConfig&>()));
  using T = std::remove_pointer_t<Ptr>;
  FieldSpec f;
  f.path = path;
  f.group = std::move(group);
  f.label = std::move(label);
  f.help = std::move(help);
  f.applies = [access](const ModelConfig& c) {
    return access(const_cast<ModelConfig&>(c)) != nullptr;
  };
  f.get = [access](const ModelConfig& c) -> FieldValue {
    const T* p = access(const_cast<ModelConfig&>(c));
    if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double> ||
                  std::is_same_v<T, bool> || std::is_same_v<T, std::string>) {
      return p ? FieldValue(*p) : FieldValue(T{});
    } else if constexpr (std::is_enum_v<T>) {
      return p ? std::string(to_string(*p)) : std::string();
    } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
      return p ? int_list_text(*p) : std::string();
    } else {
      return p ? compact_pattern_text(*p) : std::string();
    }
  };
  f.set = [access, path](ModelConfig& c, const FieldValue& v) {
    T* p = access(c);
    if (!p) return;
    if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double> ||
                  std::is_same_v<T, bool> || std::is_same_v<T, std::string>) {
      *p = std::get<T>(v);
    } else if constexpr (std::is_enum_v<T>) {
      const std::string& name = std::get<std::string>(v);
      const auto parsed = parse_enum<T>(name);
      if (!parsed) {
        throw Error(ErrorKind::Parse, path,
                    std::string("unknown ") + EnumInfo<T>::what + " '" + name +
                        "'; expected one of " + enum_names<T>());
      }
      *p = *parsed;
    } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
      *p = parse_int_list(std::get<std::string>(v), path);
    } else if constexpr (std::is_same_v<T, LayerPattern<AttentionKind>>) {
      *p = parse_attention_pattern(std::get<std::string>(v), path);
    } else {
      *p = parse_position_pattern(std::get<std::string>(v), path);
    }
  };
  if constexpr (std::is_same_v<T, int64_t>) {
    f.kind = FieldKind::Integer;
  } else if constexpr (std::is_same_v<T, double>) {
    f.kind = FieldKind::Real;
  } else if constexpr (std::is_same_v<T, bool>) {
    f.kind = FieldKind::Flag;
  } else if constexpr (std::is_same_v<T, std::string>) {
    f.kind = FieldKind::Text;
  } else if constexpr (std::is_enum_v<T>) {
    f.kind = FieldKind::Choice;
    f.choices = enum_choices<T>();
  } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
    f.kind = FieldKind::IntList;
  } else if constexpr (std::is_same_v<T, LayerPattern<AttentionKind>>) {
    f.kind = FieldKind::Pattern;
    f.choices = enum_choices<AttentionKind>();
  } else {
    static_assert(std::is_same_v<T, LayerPattern<PositionKind>>, "unsupported field type");
    f.kind = FieldKind::Pattern;
    f.choices = enum_choices<PositionKind>();
  }
  return f;
}

// The 14 fields of a Rope (theta, partial rotary, interleaving, scaling) under `prefix`.
template <class Access>
void add_rope_fields(std::vector<FieldSpec>& out, const std::string& prefix,
                     const std::string& group, Access rope) {
  const auto sub = [&](auto member) {
    return [rope, member](ModelConfig& c) {
      Rope* r = rope(c);
      return r ? &member(*r) : nullptr;
    };
  };
  out.push_back(field(prefix + ".theta", group, "RoPE θ", "Base of the rotary frequencies",
                      sub([](Rope& r) -> double& { return r.theta; })));
  out.push_back(field(prefix + ".partial_rotary", group, "Partial rotary",
                      "Fraction of the head dim that rotates",
                      sub([](Rope& r) -> double& { return r.partial_rotary; })));
  out.push_back(field(prefix + ".interleaved", group, "Interleaved pairs",
                      "Rotate adjacent pairs instead of halves",
                      sub([](Rope& r) -> bool& { return r.interleaved; })));
  const std::string s = prefix + ".scaling";
  out.push_back(field(s + ".kind", group, "Scaling",
                      "Context-extension scheme: none, linear, llama3, yarn",
                      sub([](Rope& r) -> RopeScalingKind& { return r.scaling.kind; })));
  out.push_back(field(s + ".factor", group, "Scaling factor", "How many times the original context",
                      sub([](Rope& r) -> double& { return r.scaling.factor; })));
  out.push_back(field(s + ".original_max_position", group, "Original context",
                      "llama3 / yarn: the pre-extension context",
                      sub([](Rope& r) -> int64_t& { return r.scaling.original_max_position; })));
  out.push_back(field(s + ".low_freq_factor", group, "Low-freq factor", "llama3",
                      sub([](Rope& r) -> double& { return r.scaling.low_freq_factor; })));
  out.push_back(field(s + ".high_freq_factor", group, "High-freq factor", "llama3",
                      sub([](Rope& r) -> double& { return r.scaling.high_freq_factor; })));
  out.push_back(field(s + ".beta_fast", group, "β fast", "yarn",
                      sub([](Rope& r) -> double& { return r.scaling.beta_fast; })));
  out.push_back(field(s + ".beta_slow", group, "β slow", "yarn",
                      sub([](Rope& r) -> double& { return r.scaling.beta_slow; })));
  out.push_back(field(s + ".mscale", group, "mscale", "yarn, DeepSeek form (0 = unused)",
                      sub([](Rope& r) -> double& { return r.scaling.mscale; })));
  out.push_back(field(s + ".mscale_all_dim", group, "mscale all dim",
                      "yarn, DeepSeek form (0 = unused)",
                      sub([](Rope& r) -> double& { return r.scaling.mscale_all_dim; })));
  out.push_back(field(s + ".attention_factor", group, "Attention factor",
                      "yarn: 0 = 0.1 ln(factor) + 1",
                      sub([](Rope& r) -> double& { return r.scaling.attention_factor; })));
  out.push_back(field(s + ".truncate", group, "Truncate range",
                      "yarn: round the correction range (false for gpt-oss)",
                      sub([](Rope& r) -> bool& { return r.scaling.truncate; })));
}

}  // namespace archscope::editor::detail
