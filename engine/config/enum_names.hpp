// The JSON spelling of every configuration enum, derived from to_string so that the writer, the
// reader and the error messages ("expected one of ...") can never disagree.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "config/model_config.hpp"

namespace archscope {

template <class E>
struct EnumInfo;

template <>
struct EnumInfo<AttentionKind> {
  static constexpr const char* what = "attention kind";
  static constexpr std::array values = {AttentionKind::Full, AttentionKind::Sliding,
                                        AttentionKind::Chunked, AttentionKind::Mla,
                                        AttentionKind::Linear};
};
template <>
struct EnumInfo<PositionKind> {
  static constexpr const char* what = "position kind";
  static constexpr std::array values = {PositionKind::Rope, PositionKind::NoPe,
                                        PositionKind::Learned};
};
template <>
struct EnumInfo<RopeScalingKind> {
  static constexpr const char* what = "rope scaling kind";
  static constexpr std::array values = {RopeScalingKind::None, RopeScalingKind::Linear,
                                        RopeScalingKind::Llama3, RopeScalingKind::Yarn};
};
template <>
struct EnumInfo<NormKind> {
  static constexpr const char* what = "norm kind";
  static constexpr std::array values = {NormKind::RmsNorm, NormKind::LayerNorm,
                                        NormKind::RmsNormPlusOne};
};
template <>
struct EnumInfo<NormPlacement> {
  static constexpr const char* what = "norm placement";
  static constexpr std::array values = {NormPlacement::Pre, NormPlacement::Post,
                                        NormPlacement::Sandwich};
};
template <>
struct EnumInfo<QkNormKind> {
  static constexpr const char* what = "qk_norm kind";
  static constexpr std::array values = {QkNormKind::None, QkNormKind::PerHead,
                                        QkNormKind::Projection, QkNormKind::L2};
};
template <>
struct EnumInfo<FfnKind> {
  static constexpr const char* what = "ffn kind";
  static constexpr std::array values = {FfnKind::SwiGlu, FfnKind::GeGlu, FfnKind::Gelu,
                                        FfnKind::Relu, FfnKind::SwiGluClamped};
};
template <>
struct EnumInfo<RouterScoring> {
  static constexpr const char* what = "router scoring";
  static constexpr std::array values = {RouterScoring::Softmax, RouterScoring::Sigmoid};
};

template <class E>
std::optional<E> parse_enum(std::string_view name) {
  for (E v : EnumInfo<E>::values) {
    if (name == to_string(v)) return v;
  }
  return std::nullopt;
}

// "full, sliding, chunked, mla, linear"
template <class E>
std::string enum_names() {
  std::string out;
  for (E v : EnumInfo<E>::values) {
    if (!out.empty()) out += ", ";
    out += to_string(v);
  }
  return out;
}

}  // namespace archscope
