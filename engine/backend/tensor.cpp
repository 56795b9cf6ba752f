#include "backend/tensor.hpp"

#include "common/error.hpp"
#include "quant/packed_layout.hpp"

namespace archscope {

Elem elem_of(DType t) {
  switch (t) {
    case DType::F32: return Elem::F32;
    case DType::BF16: return Elem::BF16;
    case DType::F16: return Elem::F16;
    case DType::FP8: return Elem::FP8;
    case DType::INT8: return Elem::INT8;
    case DType::INT4: return Elem::INT4;
  }
  throw Error(ErrorKind::Internal, "elem_of", "unknown DType");
}

DType dtype_of(Elem e) {
  switch (e) {
    case Elem::F32: return DType::F32;
    case Elem::BF16: return DType::BF16;
    case Elem::F16: return DType::F16;
    case Elem::FP8: return DType::FP8;
    case Elem::INT8: return DType::INT8;
    case Elem::INT4: return DType::INT4;
    case Elem::Q8_0:
    case Elem::Q4_0:
    case Elem::INT4_G128:
    case Elem::NF4:
    case Elem::MXFP4:
    case Elem::INT8_CHANNEL:
    case Elem::FP8_CHANNEL:
    case Elem::FP8_BLOCK128:
      throw Error(ErrorKind::Unsupported, "dtype_of",
                  std::string("element type ") + to_string(e) +
                      " is a packed weight format, not a storage dtype");
    case Elem::I32: break;
  }
  throw Error(ErrorKind::Unsupported, "dtype_of", std::string("element type ") + to_string(e) + " is index data, not a storage dtype");
}

int elem_bits(Elem e) {
  switch (e) {
    case Elem::F32: case Elem::I32: return 32;
    case Elem::BF16: case Elem::F16: return 16;
    case Elem::FP8: case Elem::INT8: return 8;
    case Elem::INT4: return 4;
    case Elem::Q8_0:
    case Elem::Q4_0:
    case Elem::INT4_G128:
    case Elem::NF4:
    case Elem::MXFP4:
    case Elem::INT8_CHANNEL:
    case Elem::FP8_CHANNEL:
    case Elem::FP8_BLOCK128:
      throw Error(ErrorKind::Internal, "elem_bits",
                  std::string(to_string(e)) + " is packed in blocks: no bits per element");
  }
  throw Error(ErrorKind::Internal, "elem_bits", "unknown Elem");
}

const char* to_string(Elem e) {
  switch (e) {
    case Elem::F32: return "fp32";
    case Elem::BF16: return "bf16";
    case Elem::F16: return "fp16";
    case Elem::I32: return "int32";
    case Elem::FP8: return "fp8";
    case Elem::INT8: return "int8";
    case Elem::INT4: return "int4";
    case Elem::Q8_0:
      return "q8_0";
    case Elem::Q4_0:
      return "q4_0";
    case Elem::INT4_G128:
      return "int4-g128";
    case Elem::NF4:
      return "nf4";
    case Elem::MXFP4:
      return "mxfp4";
    case Elem::INT8_CHANNEL:
      return "int8-channel";
    case Elem::FP8_CHANNEL:
      return "fp8-e4m3-channel";
    case Elem::FP8_BLOCK128:
      return "fp8-e4m3-block128";
  }
  return "?";
}

bool elem_is_quantized(Elem e) {
  return e == Elem::FP8 || e == Elem::INT8 || e == Elem::INT4 || elem_is_packed(e);
}

bool elem_is_packed(Elem e) {
  return e == Elem::Q8_0 || e == Elem::Q4_0 || e == Elem::INT4_G128 || e == Elem::NF4 ||
         e == Elem::MXFP4 || elem_has_row_scales(e);
}

bool elem_has_row_scales(Elem e) {
  return e == Elem::INT8_CHANNEL || e == Elem::FP8_CHANNEL || e == Elem::FP8_BLOCK128;
}

int64_t elem_row_scale_count(Elem e, int64_t cols) {
  if (e == Elem::FP8_BLOCK128) return cols <= 0 ? 0 : (cols + 127) / 128;
  return elem_has_row_scales(e) ? 1 : 0;
}

int64_t elem_scale_block(Elem e, int64_t cols) {
  if (e == Elem::FP8_BLOCK128) return 128;
  return elem_has_row_scales(e) ? cols : 0;
}

size_t elem_row_bytes(Elem e, int64_t cols) {
  switch (e) {
    case Elem::Q8_0:
      return quant::packed_row_bytes(cols, quant::kQ8_0Block, sizeof(quant::BlockQ8_0));
    case Elem::Q4_0:
      return quant::packed_row_bytes(cols, quant::kQ4_0Block, sizeof(quant::BlockQ4_0));
    case Elem::INT4_G128:
      return quant::packed_row_bytes(cols, quant::kInt4G128Block, sizeof(quant::BlockInt4G128));
    case Elem::NF4:
      return quant::packed_row_bytes(cols, quant::kNf4Block, sizeof(quant::BlockNf4));
    case Elem::MXFP4:
      return quant::packed_row_bytes(cols, quant::kMxfp4Block, sizeof(quant::BlockMxfp4));
    case Elem::INT8_CHANNEL:
    case Elem::FP8_CHANNEL:
    case Elem::FP8_BLOCK128:
      return static_cast<size_t>(cols);  // one byte per code; the row's scales are in quant
    default:
      break;
  }
  return static_cast<size_t>((cols * elem_bits(e) + 7) / 8);
}

std::string shape_string(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

static int64_t product(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) throw Error(ErrorKind::Validation, "tensor", "negative dimension in " + shape_string(s));
    n *= d;
  }
  return n;
}

Tensor::Tensor(std::shared_ptr<Buffer> buffer, Elem elem, Shape shape, size_t byte_offset)
    : buffer_(std::move(buffer)), elem_(elem), shape_(std::move(shape)), offset_(byte_offset) {
  if (buffer_ && offset_ + bytes() > buffer_->bytes())
    throw Error(ErrorKind::Internal, "tensor",
                "view " + shape_string(shape_) + " at offset " + std::to_string(offset_) +
                    " overruns a buffer of " + std::to_string(buffer_->bytes()) + " bytes");
}

int64_t Tensor::dim(int64_t i) const {
  const int64_t r = rank();
  const int64_t k = i < 0 ? i + r : i;
  if (k < 0 || k >= r)
    throw Error(ErrorKind::Internal, "tensor", "dimension " + std::to_string(i) + " of " + shape_string(shape_));
  return shape_[static_cast<size_t>(k)];
}

int64_t Tensor::numel() const { return product(shape_); }

size_t Tensor::bytes() const {
  if (!elem_is_packed(elem_)) return static_cast<size_t>((numel() * elem_bits(elem_) + 7) / 8);
  const int64_t cols = shape_.empty() ? 1 : shape_.back();
  const int64_t rows = cols == 0 ? 0 : numel() / cols;
  return static_cast<size_t>(rows) * elem_row_bytes(elem_, cols);
}

Backend* Tensor::backend() const { return buffer_ ? &buffer_->owner() : nullptr; }

Tensor Tensor::reshape(Shape shape) const {
  if (product(shape) != numel())
    throw Error(ErrorKind::Internal, "tensor.reshape", shape_string(shape_) + " -> " + shape_string(shape));
  if (elem_is_packed(elem_) && (shape.empty() || shape_.empty() || shape.back() != shape_.back()))
    throw Error(ErrorKind::Internal, "tensor.reshape",
                std::string(to_string(elem_)) + " rows are packed along the last dimension: " +
                    shape_string(shape_) + " -> " + shape_string(shape));
  Tensor t(buffer_, elem_, std::move(shape), offset_);
  t.quant = quant;
  return t;
}

Tensor Tensor::slice_rows(int64_t begin, int64_t count) const {
  const int64_t rows = dim(0);
  if (begin < 0 || count < 0 || begin + count > rows)
    throw Error(ErrorKind::Internal, "tensor.slice_rows",
                "rows [" + std::to_string(begin) + ", " + std::to_string(begin + count) + ") of " +
                    shape_string(shape_));
  Shape s = shape_;
  s[0] = count;
  const int64_t row_elems = rows ? numel() / rows : 0;
  if (elem_is_packed(elem_)) {  // whole packed rows of the last dimension
    const int64_t cols = shape_.back();
    const int64_t inner_rows = cols ? row_elems / cols : 0;
    const size_t off =
        offset_ + static_cast<size_t>(begin * inner_rows) * elem_row_bytes(elem_, cols);
    Tensor t(buffer_, elem_, std::move(s), off);
    t.quant = quant;  // the packed rows' scales (elem_has_row_scales), if any
    if (quant.scales) t.quant.offset += begin * inner_rows * elem_row_scale_count(elem_, cols);
    return t;
  }
  if (elem_bits(elem_) % 8 != 0 && quant.block == 0)
    throw Error(ErrorKind::Unsupported, "tensor.slice_rows", "sub-byte elements");
  const size_t off = offset_ + static_cast<size_t>(begin * row_elems * elem_bits(elem_) / 8);
  return Tensor(buffer_, elem_, std::move(s), off);
}

}  // namespace archscope
