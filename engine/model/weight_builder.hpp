// Internal to engine/model: turns source tensors (HF layout, fp32 on the host) into backend
// tensors of the forward pass's layouts. One file per part of a layer fills its weights.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.hpp"
#include "config/model_config.hpp"
#include "model/weight_quant.hpp"
#include "model/weight_source.hpp"
#include "model/weights.hpp"

namespace archscope::model_detail {

// Host matrix [rows, cols] row-major.
struct HostMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> data;
  // The source values of a block linear weight whose quantization is recorded, to be packed on
  // upload (WeightBuilder::packing()); false: values to upload as they are. rows_of,
  // gather_rows and stack keep the flag.
  bool to_pack = false;
  // fp8-e4m3-block128 to_pack only: each row's scales (quant::block128_row_scales of the whole
  // checkpoint tensor, ceil(cols / 128) per row), computed before any cut so that rows_of,
  // gather_rows and stack, which carry them, keep every row in its original 128 x 128 block.
  std::vector<float> block_scales;
  const float* row(int64_t r) const { return data.data() + r * cols; }
};

class WeightBuilder {
 public:
  WeightBuilder(Backend& backend, const ModelConfig& config, WeightSource& source, Elem dtype,
                WeightQuantization* quantization = nullptr)
      : backend(backend), config(config), source(source), dtype(dtype), quantization(quantization) {}

  Backend& backend;
  const ModelConfig& config;
  WeightSource& source;
  Elem dtype;
  // With a scheme (weight_quant.hpp): the block linear weights below (read_linear, linear,
  // linear_parts, linear_into, stream_fused) are quantized and dequantized as they are read, and
  // recorded here. Every other tensor goes through the plain calls and keeps the source values.
  WeightQuantization* quantization;

  bool quantizing() const { return quantization && quantization->scheme.has_value(); }
  // The packed element the block linear weights are held in (set by build_weights when the
  // backend runs the scheme's packed layout); nullopt: dequantized at `dtype`.
  std::optional<Elem> packed;
  bool packing() const { return quantizing() && packed.has_value(); }
  // Element type of the block linear weights: the packed one or `dtype`.
  Elem linear_elem() const { return packing() ? *packed : dtype; }
  // A block linear weight's tensor: packed (with its row scales for the per-channel formats,
  // Tensor::quant) or at `dtype`.
  Tensor alloc_linear(Shape shape);
  // m, the checkpoint tensor `name` as [N = rows, K = cols]: its quantization recorded and m
  // replaced by ŵ, or, when packing, marked to_pack (the upload packs the source values; no
  // scheme: no-op); several calls for one name accumulate into its record (experts of a fused
  // tensor).
  void quantize(HostMatrix& m, const std::string& name);
  // A block linear weight [rows, cols] read whole and quantized (the tensor before any split).
  HostMatrix read_linear(const std::string& name, int64_t rows, int64_t cols);
  // read_linear, always as ŵ (never to_pack): for matrices derived from the weight (MLA's
  // absorbed W_uk^T, kv_b's k and v parts), held at `dtype`.
  HostMatrix read_linear_dequantized(const std::string& name, int64_t rows, int64_t cols);
  // A block linear weight uploaded at the matrix dtype: streamed without a scheme, read whole and
  // quantized with one.
  Tensor linear(const std::string& name, int64_t rows, int64_t cols) { return linear_parts({{name, rows}}, cols); }
  Tensor linear_parts(const std::vector<std::pair<std::string, int64_t>>& parts, int64_t cols);
  // The block linear weight `name` [rows, dst.dim(1)] into rows [row, row + rows) of dst.
  void linear_into(Tensor& dst, int64_t row, const std::string& name, int64_t rows);

  bool has(const std::string& name) const;
  TensorRequest request(const std::string& name, const Shape& shape, TensorRole role, int64_t fan_in) const;
  std::vector<float> read(const std::string& name, const Shape& shape, TensorRole role, int64_t fan_in = 0);
  HostMatrix read_matrix(const std::string& name, int64_t rows, int64_t cols);

  // Uploads at the matrix dtype (packed when m.to_pack) / as F32. The host matrix is converted a
  // bounded stretch of rows at a time (no full-size half copy).
  Tensor matrix(const HostMatrix& m);
  // Source matrices uploaded straight into one backend tensor at the matrix dtype, stacked by
  // rows in the order given (parts: name and row count; all `cols` wide), streamed through
  // bounded scratch buffers (WeightSource::read_chunked): with the seeded generator no full-size
  // fp32 or half host copy of any of them exists, so the load peak stays near the weights.
  Tensor streamed_matrix(const std::vector<std::pair<std::string, int64_t>>& parts, int64_t cols,
                         TensorRole role = TensorRole::Matrix);
  Tensor matrix(const std::string& name, int64_t rows, int64_t cols) { return streamed_matrix({{name, rows}}, cols); }
  // The source matrix `name` [rows, dst.dim(1)] streamed into rows [row, row + rows) of the 2-D
  // tensor dst (at dst's dtype): how one expert fills its slice of a stacked [E, N, K] tensor.
  void stream_into(Tensor& dst, int64_t row, const std::string& name, int64_t rows,
                   TensorRole role = TensorRole::Matrix);
  // Host values m uploaded into rows [row, row + m.rows) of the 2-D tensor dst; a packed dst
  // takes only to_pack matrices (and they only a packed dst): Error(Internal) otherwise.
  void upload_into(Tensor& dst, int64_t row, const HostMatrix& m);
  Tensor f32(const std::vector<float>& v, Shape shape);
  Tensor vec(const std::string& name, int64_t n, TensorRole role) { return f32(read(name, {n}, role), {n}); }
  Tensor bias(const std::string& name, int64_t n) { return vec(name, n, TensorRole::Bias); }

  TensorRole norm_role() const {
    return config.norm.kind == NormKind::RmsNormPlusOne ? TensorRole::NormOffset : TensorRole::Norm;
  }

 private:
  std::map<std::string, size_t> records_;  // name -> index in quantization->tensors
};

// Rows [begin, begin + count) of m.
HostMatrix rows_of(const HostMatrix& m, int64_t begin, int64_t count);
// The rows of the given [begin, count) ranges of m, in order (one pass, no quadratic restacking).
HostMatrix gather_rows(const HostMatrix& m, const std::vector<std::pair<int64_t, int64_t>>& ranges);
// Concatenation of the rows of a and b (same cols).
HostMatrix stack(const HostMatrix& a, const HostMatrix& b);
// [r, c] -> [c, r].
HostMatrix transpose(const float* data, int64_t rows, int64_t cols);

void build_attention(WeightBuilder& b, const LayerSpec& spec, const std::string& p, AttentionWeights& w);
void build_mla(WeightBuilder& b, const std::string& p, AttentionWeights& w);
void build_linear_attention(WeightBuilder& b, const std::string& p, AttentionWeights& w);
void build_dense_ffn(WeightBuilder& b, const std::string& p, FfnWeights& w);
void build_moe(WeightBuilder& b, const std::string& p, MoeWeights& w);

}  // namespace archscope::model_detail
