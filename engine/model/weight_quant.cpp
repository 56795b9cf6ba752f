#include "model/weight_quant.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "quant/held_bits.hpp"

namespace archscope {

double QuantizedTensor::sqnr_db() const {
  if (signal == 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (noise == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

int64_t WeightQuantization::quantized_elements() const {
  int64_t n = 0;
  for (const QuantizedTensor& t : tensors) n += t.elements;
  return n;
}

uint64_t WeightQuantization::quantized_bits() const {
  uint64_t n = 0;
  for (const QuantizedTensor& t : tensors) n += t.storage_bits;
  return n;
}

uint64_t WeightQuantization::held_bits() const {
  uint64_t n = 0;
  for (const QuantizedTensor& t : tensors) n += t.held_bits;
  return n;
}

double WeightQuantization::bits_per_weight() const {
  const int64_t n = quantized_elements();
  return n == 0 ? 0.0 : static_cast<double>(quantized_bits()) / static_cast<double>(n);
}

int64_t layer_of_tensor(const std::string& name) {
  const std::string p = "layers.";
  if (name.rfind(p, 0) != 0) return -1;
  int64_t v = 0;
  size_t i = p.size();
  if (i >= name.size() || name[i] < '0' || name[i] > '9') return -1;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) v = v * 10 + (name[i] - '0');
  return v;
}

std::optional<Elem> packed_elem(quant::Format scheme) {
  switch (scheme) {
    case quant::Format::Q8_0:
      return Elem::Q8_0;
    case quant::Format::Q4_0:
      return Elem::Q4_0;
    case quant::Format::Int4G128:
      return Elem::INT4_G128;
    case quant::Format::Nf4:
      return Elem::NF4;
    case quant::Format::Mxfp4:
      return Elem::MXFP4;
    case quant::Format::Int8Channel:
      return Elem::INT8_CHANNEL;
    case quant::Format::Fp8E4M3Channel:
      return Elem::FP8_CHANNEL;
    case quant::Format::Fp8E4M3Block128:
      return Elem::FP8_BLOCK128;  // a scale per row and 128 columns (quant/pack_block128.hpp)
  }
  return std::nullopt;
}

std::optional<quant::Format> packed_format(Elem e) {
  for (quant::Format f : quant::all_formats())
    if (packed_elem(f) == e) return f;
  return std::nullopt;
}

std::string packed_scheme_names() {
  std::string s;
  for (quant::Format f : quant::all_formats())
    if (packed_elem(f)) s += (s.empty() ? "" : ", ") + std::string(quant::to_string(f));
  return s;
}

namespace {

// ŵ of w with its statistics added to record.
std::vector<float> quantized(quant::Format scheme, std::span<const float> w, int64_t N, int64_t K,
                             QuantizedTensor& record) {
  if (static_cast<int64_t>(w.size()) != N * K)
    throw Error(ErrorKind::Internal, record.name,
                "quantizing " + std::to_string(w.size()) + " values as [" + std::to_string(N) +
                    ", " + std::to_string(K) + "]");
  std::vector<float> q = quant::fake_quantize(scheme, w, N, K);
  double signal = 0, noise = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double x = w[i], e = x - static_cast<double>(q[i]);
    signal += x * x;
    noise += e * e;
  }
  record.signal += signal;
  record.noise += noise;
  record.elements += N * K;
  record.storage_bits += quant::storage_bits(scheme, N, K);
  record.held_bits += quant::held_bits(scheme, N, K);
  return q;
}

}  // namespace

void quantize_matrix(quant::Format scheme, std::span<float> w, int64_t N, int64_t K,
                     QuantizedTensor& record) {
  const std::vector<float> q = quantized(scheme, w, N, K, record);
  std::copy(q.begin(), q.end(), w.begin());
}

void record_quantization(quant::Format scheme, std::span<const float> w, int64_t N, int64_t K,
                         QuantizedTensor& record) {
  quantized(scheme, w, N, K, record);
}

}  // namespace archscope
