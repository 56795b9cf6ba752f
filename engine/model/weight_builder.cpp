#include "model/weight_builder.hpp"

#include <algorithm>
#include <cstring>

#include "common/error.hpp"
#include "model/host_convert.hpp"
#include "quant/pack.hpp"
#include "quant/pack_block128.hpp"
#include "quant/pack_channel.hpp"

namespace archscope::model_detail {

bool WeightBuilder::has(const std::string& name) const {
  TensorRequest r;
  r.name = name;
  return source.has(r);
}

namespace {

// Values converted and uploaded per piece: 1 Mi (4 MiB of fp32 scratch, 2 MiB of half).
constexpr int64_t kChunkValues = int64_t{1} << 20;

// Uploads rows [row, row + count / cols) of t from fp32 values, converting to t's dtype through a
// bounded scratch buffer.
void upload_rows(Backend& be, Tensor& t, int64_t row, const float* v, int64_t count, int64_t cols,
                 std::vector<uint16_t>& scratch) {
  const int64_t rows = count / cols;
  const int64_t step = std::max<int64_t>(1, kChunkValues / std::max<int64_t>(1, cols));
  for (int64_t r = 0; r < rows; r += step) {
    const int64_t nr = std::min(step, rows - r);
    Tensor dst = t.slice_rows(row + r, nr);
    const float* src = v + r * cols;
    if (t.elem() == Elem::F32) {
      be.upload(be.default_stream(), src, dst);
    } else {
      scratch.resize(static_cast<size_t>(nr * cols));
      const bool bf16 = t.elem() == Elem::BF16;
      for (int64_t i = 0; i < nr * cols; ++i) scratch[static_cast<size_t>(i)] = bf16 ? to_bf16(src[i]) : to_f16(src[i]);
      be.upload(be.default_stream(), scratch.data(), dst);
    }
    be.synchronize(be.default_stream());  // the scratch is reused for the next piece
  }
}

}  // namespace

TensorRequest WeightBuilder::request(const std::string& name, const Shape& shape, TensorRole role, int64_t fan_in) const {
  TensorRequest r;
  r.name = name;
  r.shape = shape;
  r.role = role;
  r.fan_in = fan_in;
  r.top_level = name.rfind("lm_head.", 0) == 0;
  return r;
}

std::vector<float> WeightBuilder::read(const std::string& name, const Shape& shape, TensorRole role, int64_t fan_in) {
  std::vector<float> v = source.read(request(name, shape, role, fan_in));
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  if (static_cast<int64_t>(v.size()) != n)
    throw Error(ErrorKind::Internal, name, "source returned " + std::to_string(v.size()) + " values");
  return v;
}

HostMatrix WeightBuilder::read_matrix(const std::string& name, int64_t rows, int64_t cols) {
  HostMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.data = read(name, {rows, cols}, TensorRole::Matrix, cols);
  return m;
}

Tensor WeightBuilder::alloc_linear(Shape shape) {
  const Elem e = linear_elem();
  Tensor t = backend.alloc(e, shape);
  if (elem_has_row_scales(e)) {
    const int64_t K = shape.empty() ? 0 : shape.back();
    t.quant.block = elem_scale_block(e, K);
    t.quant.scales =
        backend.alloc(Elem::F32, {K == 0 ? 0 : t.numel() / K * elem_row_scale_count(e, K)})
            .buffer();
  }
  return t;
}

Tensor WeightBuilder::matrix(const HostMatrix& m) {
  Tensor t = m.to_pack ? alloc_linear({m.rows, m.cols}) : backend.alloc(dtype, {m.rows, m.cols});
  upload_into(t, 0, m);
  return t;
}

Tensor WeightBuilder::streamed_matrix(const std::vector<std::pair<std::string, int64_t>>& parts, int64_t cols,
                                      TensorRole role) {
  int64_t rows = 0;
  for (const auto& [name, r] : parts) rows += r;
  Tensor t = backend.alloc(dtype, {rows, cols});
  int64_t row = 0;
  for (const auto& [name, part_rows] : parts) {
    stream_into(t, row, name, part_rows, role);
    row += part_rows;
  }
  return t;
}

void WeightBuilder::stream_into(Tensor& dst, int64_t row, const std::string& name, int64_t rows, TensorRole role) {
  if (dst.rank() != 2 || row < 0 || row + rows > dst.dim(0))
    throw Error(ErrorKind::Internal, name, "rows [" + std::to_string(row) + ", +" + std::to_string(rows) +
                                               ") outside " + shape_string(dst.shape()));
  const int64_t cols = dst.dim(1), want = rows * cols;
  std::vector<uint16_t> scratch;
  int64_t got = 0;
  const auto take = [&](int64_t n) {
    if (n % std::max<int64_t>(1, cols) != 0 || got + n > want)
      throw Error(ErrorKind::Internal, name, "source returned a piece of " + std::to_string(n) + " values");
  };
  const TensorRequest req = request(name, {rows, cols}, role, cols);
  // Stored at the tensor's dtype already (a bf16 checkpoint as bf16): copied as it is, no fp32
  // round trip; otherwise converted a bounded piece at a time.
  const bool stored = source.read_stored(req, dst.elem(), kChunkValues, [&](const void* v, int64_t n) {
    take(n);
    if (n > 0) {
      Tensor piece = dst.slice_rows(row + got / cols, n / cols);
      backend.upload(backend.default_stream(), v, piece);
      backend.synchronize(backend.default_stream());  // the piece is valid during the call only
    }
    got += n;
  });
  if (!stored) {
    source.read_chunked(req, kChunkValues, [&](const float* v, int64_t n) {
      take(n);
      if (n > 0) upload_rows(backend, dst, row + got / cols, v, n, cols, scratch);
      got += n;
    });
  }
  if (got != want) throw Error(ErrorKind::Internal, name, "source returned " + std::to_string(got) + " values");
}

void WeightBuilder::upload_into(Tensor& dst, int64_t row, const HostMatrix& m) {
  if (dst.rank() != 2 || dst.dim(1) != m.cols || row < 0 || row + m.rows > dst.dim(0))
    throw Error(ErrorKind::Internal, "weights", "host matrix [" + std::to_string(m.rows) + ", " +
                                                    std::to_string(m.cols) + "] does not fit " +
                                                    shape_string(dst.shape()) + " at row " + std::to_string(row));
  if (m.to_pack != elem_is_packed(dst.elem()))
    throw Error(ErrorKind::Internal, "weights",
                std::string(m.to_pack ? "source values of a quantized weight" : "values") +
                    " uploaded into a " + to_string(dst.elem()) + " tensor");
  if (m.to_pack) {
    if (m.rows == 0) return;
    // One packed copy of the matrix on the host (1/4 to 1/7 of its fp32 values), then uploaded.
    const quant::Format f = *quantization->scheme;
    Tensor piece = dst.slice_rows(row, m.rows);
    if (f == quant::Format::Fp8E4M3Block128) {  // codes from the scales the rows carry
      const int64_t nb = quant::block128_scales_per_row(m.cols);
      if (!piece.quant.scales || static_cast<int64_t>(m.block_scales.size()) != m.rows * nb)
        throw Error(ErrorKind::Internal, "weights",
                    "fp8-e4m3-block128 rows without their block scales");
      std::vector<uint8_t> codes(static_cast<size_t>(m.rows * m.cols));
      quant::pack_block128_rows(m.data, m.block_scales, m.rows, m.cols, codes, "weights");
      Tensor s(piece.quant.scales, Elem::F32, {m.rows * nb},
               static_cast<size_t>(piece.quant.offset) * sizeof(float));
      backend.upload(backend.default_stream(), codes.data(), piece);
      backend.upload(backend.default_stream(), m.block_scales.data(), s);
      backend.synchronize(backend.default_stream());
      return;
    }
    if (quant::has_row_scales(f)) {  // codes, and the rows' scales into dst's scale buffer
      std::vector<uint8_t> codes(static_cast<size_t>(m.rows * m.cols));
      std::vector<float> scales(static_cast<size_t>(m.rows));
      quant::pack_channel_rows(f, m.data, m.rows, m.cols, codes, scales, "weights");
      if (!piece.quant.scales)
        throw Error(ErrorKind::Internal, "weights", "a per-row scaled tensor without its scales");
      Tensor s(piece.quant.scales, Elem::F32, {m.rows},
               static_cast<size_t>(piece.quant.offset) * sizeof(float));
      backend.upload(backend.default_stream(), codes.data(), piece);
      backend.upload(backend.default_stream(), scales.data(), s);
      backend.synchronize(backend.default_stream());
      return;
    }
    std::vector<uint8_t> bytes(quant::packed_bytes(f, m.rows, m.cols));
    quant::pack_rows(f, m.data, m.rows, m.cols, bytes, "weights");
    backend.upload(backend.default_stream(), bytes.data(), piece);
    backend.synchronize(backend.default_stream());
    return;
  }
  std::vector<uint16_t> scratch;
  if (m.rows * m.cols > 0) upload_rows(backend, dst, row, m.data.data(), m.rows * m.cols, m.cols, scratch);
}

void WeightBuilder::quantize(HostMatrix& m, const std::string& name) {
  if (!quantizing()) return;
  auto [it, added] = records_.try_emplace(name, quantization->tensors.size());
  if (added) {
    QuantizedTensor r;
    r.name = name;
    r.layer = layer_of_tensor(name);
    quantization->tensors.push_back(std::move(r));
  }
  QuantizedTensor& record = quantization->tensors[it->second];
  if (packing()) {
    record_quantization(*quantization->scheme, m.data, m.rows, m.cols, record);
    m.to_pack = true;
    if (*quantization->scheme == quant::Format::Fp8E4M3Block128)
      m.block_scales = quant::block128_row_scales(m.data, m.rows, m.cols, name);
  } else {
    quantize_matrix(*quantization->scheme, m.data, m.rows, m.cols, record);
  }
}

HostMatrix WeightBuilder::read_linear(const std::string& name, int64_t rows, int64_t cols) {
  HostMatrix m = read_matrix(name, rows, cols);
  quantize(m, name);
  return m;
}

HostMatrix WeightBuilder::read_linear_dequantized(const std::string& name, int64_t rows,
                                                  int64_t cols) {
  HostMatrix m = read_linear(name, rows, cols);
  if (m.to_pack) {  // ŵ exactly as the packed tensor would hold it
    m.data = quant::fake_quantize(*quantization->scheme, m.data, rows, cols);
    m.to_pack = false;
    m.block_scales.clear();
  }
  return m;
}

Tensor WeightBuilder::linear_parts(const std::vector<std::pair<std::string, int64_t>>& parts, int64_t cols) {
  if (!quantizing()) return streamed_matrix(parts, cols);
  int64_t rows = 0;
  for (const auto& [name, r] : parts) rows += r;
  Tensor t = alloc_linear({rows, cols});
  int64_t row = 0;
  for (const auto& [name, part_rows] : parts) {
    linear_into(t, row, name, part_rows);
    row += part_rows;
  }
  return t;
}

void WeightBuilder::linear_into(Tensor& dst, int64_t row, const std::string& name, int64_t rows) {
  if (!quantizing()) return stream_into(dst, row, name, rows);
  // One checkpoint tensor's fp32 copy at a time: the quantizer needs whole rows and, for
  // fp8-e4m3-block128, 128 of them at once.
  upload_into(dst, row, read_linear(name, rows, dst.rank() == 2 ? dst.dim(1) : 0));
}

Tensor WeightBuilder::f32(const std::vector<float>& v, Shape shape) {
  Tensor t = backend.alloc(Elem::F32, std::move(shape));
  backend.upload(backend.default_stream(), v.data(), t);
  backend.synchronize(backend.default_stream());
  return t;
}

HostMatrix rows_of(const HostMatrix& m, int64_t begin, int64_t count) {
  HostMatrix r;
  r.rows = count;
  r.cols = m.cols;
  r.to_pack = m.to_pack;
  r.data.assign(m.data.begin() + begin * m.cols, m.data.begin() + (begin + count) * m.cols);
  if (!m.block_scales.empty()) {
    const int64_t nb = static_cast<int64_t>(m.block_scales.size()) / std::max<int64_t>(1, m.rows);
    r.block_scales.assign(m.block_scales.begin() + begin * nb,
                          m.block_scales.begin() + (begin + count) * nb);
  }
  return r;
}

HostMatrix gather_rows(const HostMatrix& m, const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  HostMatrix r;
  r.cols = m.cols;
  r.to_pack = m.to_pack;
  for (const auto& [begin, count] : ranges) r.rows += count;
  r.data.reserve(static_cast<size_t>(r.rows * r.cols));
  for (const auto& [begin, count] : ranges)
    r.data.insert(r.data.end(), m.data.begin() + begin * m.cols, m.data.begin() + (begin + count) * m.cols);
  if (!m.block_scales.empty()) {
    const int64_t nb = static_cast<int64_t>(m.block_scales.size()) / std::max<int64_t>(1, m.rows);
    for (const auto& [begin, count] : ranges)
      r.block_scales.insert(r.block_scales.end(), m.block_scales.begin() + begin * nb,
                            m.block_scales.begin() + (begin + count) * nb);
  }
  return r;
}

HostMatrix stack(const HostMatrix& a, const HostMatrix& b) {
  if (a.to_pack != b.to_pack)
    throw Error(ErrorKind::Internal, "weights", "stacking packed and plain rows");
  HostMatrix r;
  r.rows = a.rows + b.rows;
  r.cols = a.cols;
  r.to_pack = a.to_pack;
  r.data.reserve(a.data.size() + b.data.size());  // one allocation, no growth copy
  r.data.insert(r.data.end(), a.data.begin(), a.data.end());
  r.data.insert(r.data.end(), b.data.begin(), b.data.end());
  if (a.block_scales.empty() != b.block_scales.empty())
    throw Error(ErrorKind::Internal, "weights", "stacking rows with and without block scales");
  r.block_scales.reserve(a.block_scales.size() + b.block_scales.size());
  r.block_scales.insert(r.block_scales.end(), a.block_scales.begin(), a.block_scales.end());
  r.block_scales.insert(r.block_scales.end(), b.block_scales.begin(), b.block_scales.end());
  return r;
}

HostMatrix transpose(const float* data, int64_t rows, int64_t cols) {
  HostMatrix r;
  r.rows = cols;
  r.cols = rows;
  r.data.resize(static_cast<size_t>(rows * cols));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) r.data[static_cast<size_t>(j * rows + i)] = data[i * cols + j];
  return r;
}

}  // namespace archscope::model_detail
