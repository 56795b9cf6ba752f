#include "model/hf_packed.hpp"

#include <algorithm>
#include <cstring>
#include <span>
#include <vector>

#include "common/error.hpp"
#include "quant/published.hpp"

namespace archscope::model_detail {

namespace {

std::string at(const TensorView& t) {
  return t.file + ": " + t.name;
}

const uint8_t* bytes_of(const TensorView& t) {
  return reinterpret_cast<const uint8_t*>(t.data);
}

void expect(const TensorView& t, StDType dtype, const Shape& shape, const std::string& why) {
  if (t.dtype != dtype)
    throw Error(ErrorKind::Validation, at(t),
                std::string("dtype ") + to_string(t.dtype) + ", expected " + to_string(dtype) +
                    " (" + why + ")");
  if (t.shape != shape)
    throw Error(ErrorKind::Validation, at(t),
                "shape " + shape_string(t.shape) + " does not match the config's " +
                    shape_string(shape) + " (" + why + ")");
}

// Whole rows of `cols` values, about max_values at a time (one row when a row is longer).
int64_t piece_rows(int64_t cols, int64_t max_values) {
  return std::max<int64_t>(1, max_values / std::max<int64_t>(1, cols));
}

}  // namespace

PackedTensor find_packed(const SafetensorsModel& model, const std::string& name) {
  PackedTensor p;
  if (const TensorView* blocks = model.find(name + "_blocks")) {
    p.kind = PackedTensor::Kind::Mxfp4;
    p.values = blocks;
    p.scales_name = name + "_scales";
  } else if (const TensorView* t = model.find(name);
             t && (t->dtype == StDType::F8E4M3 || t->dtype == StDType::F8E5M2)) {
    p.kind = PackedTensor::Kind::Fp8Block;
    p.values = t;
    p.scales_name = name + "_scale_inv";
  } else {
    return p;
  }
  p.scales = model.find(p.scales_name);
  return p;
}

void check_packed(const PackedTensor& p, const TensorRequest& r,
                  const std::optional<CheckpointQuant>& quant, const std::string& config_where) {
  const TensorView& v = *p.values;
  const bool mx = p.kind == PackedTensor::Kind::Mxfp4;
  const char* layout =
      mx ? "MXFP4 blocks (quant_method mxfp4)" : "FP8 with weight_scale_inv (quant_method fp8)";
  if (!quant)
    throw Error(ErrorKind::Validation, at(v),
                std::string("stored as ") + layout + ", but " + config_where +
                    " has no quantization_config saying so");
  const quant::Format want = mx ? quant::Format::Mxfp4 : quant::Format::Fp8E4M3Block128;
  if (quant->format != want)
    throw Error(ErrorKind::Validation, at(v),
                std::string("stored as ") + layout + ", but " + quant->where +
                    ".quant_method is '" + quant->method + "'");
  if (!p.scales)
    throw Error(ErrorKind::NotFound, v.file + ": " + p.scales_name,
                std::string("missing: ") + v.name + " needs its " +
                    (mx ? "E8M0 scales" : "block scales") + " tensor to be dequantized");
  if (mx) {
    // GptOssExperts' x @ W form [E, in, out]; the blocks run along `in` (Mxfp4GptOssExperts:
    // gate_up_proj_blocks [E, 2I, H/32, 16], down_proj_blocks [E, H, I/32, 16]).
    if (r.shape.size() != 3)
      throw Error(
          ErrorKind::Unsupported, at(v),
          "MXFP4 loads for fused expert tensors [E, in, out] (gpt-oss) only; the config asks for " +
              shape_string(r.shape));
    const int64_t E = r.shape[0], in = r.shape[1], out = r.shape[2];
    if (in % 32 != 0)
      throw Error(ErrorKind::Validation, at(v),
                  "input width " + std::to_string(in) + " of " + shape_string(r.shape) +
                      " is not a multiple of the MXFP4 block of 32");
    expect(v, StDType::U8, {E, out, in / 32, 16}, "MXFP4 blocks [E, out, in/32, 16]");
    expect(*p.scales, StDType::U8, {E, out, in / 32}, "E8M0 scales [E, out, in/32]");
    return;
  }
  if (v.dtype != StDType::F8E4M3)
    throw Error(ErrorKind::Unsupported, at(v),
                std::string("dtype ") + to_string(v.dtype) +
                    ": FP8 weights load as F8_E4M3 only (" + quant->where + ".fmt e4m3)");
  if (r.shape.size() != 2)
    throw Error(
        ErrorKind::Unsupported, at(v),
        "FP8 block-scaled weights load as [N, K] linear weights only; the config asks for " +
            shape_string(r.shape));
  expect(v, StDType::F8E4M3, r.shape, "the linear weight [N, K]");
  quant::Fp8BlockShape s{r.shape[0], r.shape[1], quant->block_n, quant->block_k};
  expect(*p.scales, StDType::F32, {s.scale_rows(), s.scale_cols()},
         "one fp32 scale per " + std::to_string(s.block_n) + " x " + std::to_string(s.block_k) +
             " block");
}

void decode_packed(const PackedTensor& p, const TensorRequest& r, const CheckpointQuant& quant,
                   int64_t max_values, const std::function<void(const float*, int64_t)>& sink) {
  const TensorView& v = *p.values;
  const TensorView& sc = *p.scales;
  if (p.kind == PackedTensor::Kind::Mxfp4) {
    const int64_t E = r.shape[0], in = r.shape[1], out = r.shape[2], kb = in / 32;
    const auto per_expert = static_cast<size_t>(in * out);
    std::vector<float> stored(per_expert), wanted(per_expert);
    const int64_t step = piece_rows(out, max_values);
    for (int64_t e = 0; e < E; ++e) {
      const size_t block_bytes = static_cast<size_t>(out * kb * 16),
                   scale_bytes = static_cast<size_t>(out * kb);
      const std::span<const uint8_t> blocks(bytes_of(v) + e * block_bytes, block_bytes);
      const std::span<const uint8_t> scales(bytes_of(sc) + e * scale_bytes, scale_bytes);
      // [out, in] as stored, then [in, out] as requested (convert_moe_packed_tensors' transpose).
      quant::decode_mxfp4_rows(blocks, scales, out, kb, stored,
                               at(v) + " (expert " + std::to_string(e) + ")", 0);
      for (int64_t o = 0; o < out; ++o)
        for (int64_t i = 0; i < in; ++i)
          wanted[static_cast<size_t>(i * out + o)] = stored[static_cast<size_t>(o * in + i)];
      release_pages(v, e * block_bytes, block_bytes);
      release_pages(sc, e * scale_bytes, scale_bytes);
      for (int64_t row = 0; row < in; row += step) {
        const int64_t rows = std::min(step, in - row);
        sink(wanted.data() + row * out, rows * out);
      }
    }
    return;
  }
  const quant::Fp8BlockShape s{r.shape[0], r.shape[1], quant.block_n, quant.block_k};
  // The scale table copied out: the mapping gives no alignment guarantee for fp32 reads.
  std::vector<float> scale_inv(static_cast<size_t>(s.scale_rows() * s.scale_cols()));
  std::memcpy(scale_inv.data(), sc.data, scale_inv.size() * sizeof(float));
  const std::span<const uint8_t> weight(bytes_of(v), v.bytes);
  const int64_t step = piece_rows(s.k, max_values);
  std::vector<float> buf(static_cast<size_t>(std::min(step, s.n) * s.k));
  for (int64_t row = 0; row < s.n; row += step) {
    const int64_t rows = std::min(step, s.n - row);
    const std::span<float> piece(buf.data(), static_cast<size_t>(rows * s.k));
    quant::decode_fp8_block_rows(weight, scale_inv, s, row, piece, at(v));
    release_pages(v, static_cast<size_t>(row * s.k), static_cast<size_t>(rows * s.k));
    sink(piece.data(), rows * s.k);
  }
  release_pages(sc, 0, sc.bytes);
}

uint64_t packed_bytes(const PackedTensor& p) {
  return (p.values ? p.values->bytes : 0) + (p.scales ? p.scales->bytes : 0);
}

}  // namespace archscope::model_detail
