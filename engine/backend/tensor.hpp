// Backend-neutral tensors: element type, shape and the buffer (in some backend's memory) that
// holds the data. Nothing here dereferences the data; only the owning backend may, so a CUDA
// backend can hand out device buffers through the same type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "common/dtype.hpp"

namespace archscope {

class Backend;

// Element type of a tensor: the storage dtypes of common/dtype.hpp plus int32 for index data
// (token ids, positions, block tables, expert ids), which the model-level DType does not name,
// plus packed quantized weights (quant/packed_layout.hpp): a Q8_0 / Q4_0 / INT4_G128 / NF4 /
// MXFP4 tensor of shape [..., K] holds each row of K elements as ceil(K / B) blocks (scale inside
// the block: 34 / 18 / 68 / 36 / 17 bytes per 32 / 32 / 128 / 64 / 32 weights), so its bytes are
// rows * packed row bytes and it has no per-element bit width. INT8_CHANNEL / FP8_CHANNEL (the
// int8-channel and fp8-e4m3-channel formats) hold K one-byte codes per row (int8, OCP E4M3) and
// one fp32 scale per row in a second buffer, Tensor::quant (elem_has_row_scales). FP8_BLOCK128
// (fp8-e4m3-block128) holds K E4M3 codes per row and ceil(K / 128) fp32 scales per row in
// Tensor::quant, each the scale of the 128 x 128 block the row's 128 columns lie in
// (quant/pack_block128.hpp says why per row).
enum class Elem : uint8_t {
  F32,
  BF16,
  F16,
  I32,
  FP8,
  INT8,
  INT4,
  Q8_0,
  Q4_0,
  INT4_G128,
  NF4,
  MXFP4,
  INT8_CHANNEL,
  FP8_CHANNEL,
  FP8_BLOCK128
};

Elem elem_of(DType t);
// The inverse of elem_of for storage types; I32 (index data) has no DType: Error(Unsupported).
DType dtype_of(Elem e);
// Bits per element; Error(Internal) for a packed element (use elem_row_bytes).
int elem_bits(Elem e);
const char* to_string(Elem e);
// fp8/int8/int4 (need block scales, no op handles them yet) and the packed elements (only
// linear / grouped_linear of a backend whose supports_packed says so take them).
bool elem_is_quantized(Elem e);
bool elem_is_packed(Elem e);  // Q8_0 ... FP8_BLOCK128
// INT8_CHANNEL, FP8_CHANNEL, FP8_BLOCK128: the values alone are the tensor's bytes; the fp32
// scales of each row of K travel in Tensor::quant (elem_row_scale_count per row, block = K for
// the channel formats and 128 for FP8_BLOCK128; views carry their offset).
bool elem_has_row_scales(Elem e);
// Scales in Tensor::quant per row of `cols`: 1 (channel formats), ceil(cols / 128)
// (FP8_BLOCK128), 0 for the others.
int64_t elem_row_scale_count(Elem e, int64_t cols);
// Tensor::quant's block for a tensor of e with rows of `cols` (cols, 128 or 0, as above).
int64_t elem_scale_block(Elem e, int64_t cols);
// Bytes of one row of `cols` elements (packed: whole blocks).
size_t elem_row_bytes(Elem e, int64_t cols);

// A block of memory owned by a backend. `handle` is opaque outside that backend (a host pointer
// for the CPU backend, a device pointer for CUDA); the backend frees it in its destructor.
class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual void* handle() const = 0;
  virtual size_t bytes() const = 0;
  virtual Backend& owner() const = 0;
};

using Shape = std::vector<int64_t>;
std::string shape_string(const Shape& s);  // "[3, 5, 7]" for error messages

// Room for quantized weights: a tensor of fp8/int8/int4 carries one scale per `block` elements
// of each row. Unused (block == 0) for fp32/bf16/fp16. A packed tensor with row scales
// (elem_has_row_scales) has block = elem_scale_block and elem_row_scale_count scales per row;
// slice_rows and reshape keep the scales, a row slice moving `offset` to its first row's scales.
struct BlockScales {
  int64_t block = 0;
  std::shared_ptr<Buffer> scales;  // F32, rows * ceil(cols / block) values
  int64_t offset = 0;              // scales of `scales` before this view's first one
};

// A dense, row-major view into a buffer. Cheap to copy; copies share the buffer.
class Tensor {
 public:
  Tensor() = default;
  Tensor(std::shared_ptr<Buffer> buffer, Elem elem, Shape shape, size_t byte_offset = 0);

  bool defined() const { return buffer_ != nullptr; }
  Elem elem() const { return elem_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t i) const;  // negative i counts from the end
  int64_t numel() const;
  size_t bytes() const;  // of the viewed elements
  size_t byte_offset() const { return offset_; }
  Backend* backend() const;  // null for an undefined tensor
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }

  // Same data, new shape of equal numel.
  Tensor reshape(Shape shape) const;
  // Rows [begin, begin + count) of the outermost dimension.
  Tensor slice_rows(int64_t begin, int64_t count) const;

  BlockScales quant;  // see BlockScales

 private:
  std::shared_ptr<Buffer> buffer_;
  Elem elem_ = Elem::F32;
  Shape shape_;
  size_t offset_ = 0;
};

}  // namespace archscope
