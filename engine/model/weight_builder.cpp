#include "model/weight_builder.hpp"

#include <cstring>

#include "common/error.hpp"
#include "model/host_convert.hpp"

namespace archscope::model_detail {

bool WeightBuilder::has(const std::string& name) const {
  TensorRequest r;
  r.name = name;
  return source.has(r);
}

std::vector<float> WeightBuilder::read(const std::string& name, const Shape& shape, TensorRole role, int64_t fan_in) {
  TensorRequest r;
  r.name = name;
  r.shape = shape;
  r.role = role;
  r.fan_in = fan_in;
  r.top_level = name.rfind("lm_head.", 0) == 0;
  std::vector<float> v = source.read(r);
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

Tensor WeightBuilder::matrix(const HostMatrix& m) {
  Tensor t = backend.alloc(dtype, {m.rows, m.cols});
  if (dtype == Elem::F32) {
    backend.upload(backend.default_stream(), m.data.data(), t);
  } else {
    const std::vector<uint16_t> half = to_half(m.data, dtype);
    backend.upload(backend.default_stream(), half.data(), t);
  }
  backend.synchronize(backend.default_stream());  // the host copy dies with this scope
  return t;
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
  r.data.assign(m.data.begin() + begin * m.cols, m.data.begin() + (begin + count) * m.cols);
  return r;
}

HostMatrix gather_rows(const HostMatrix& m, const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  HostMatrix r;
  r.cols = m.cols;
  for (const auto& [begin, count] : ranges) r.rows += count;
  r.data.reserve(static_cast<size_t>(r.rows * r.cols));
  for (const auto& [begin, count] : ranges)
    r.data.insert(r.data.end(), m.data.begin() + begin * m.cols, m.data.begin() + (begin + count) * m.cols);
  return r;
}

HostMatrix stack(const HostMatrix& a, const HostMatrix& b) {
  HostMatrix r = a;
  r.rows += b.rows;
  r.data.insert(r.data.end(), b.data.begin(), b.data.end());
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
