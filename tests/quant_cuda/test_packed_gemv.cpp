// The packed-weight CUDA kernels (engine/cuda/quant) against references this suite writes:
//  - layout: the bytes of reference_packers.hpp, decoded by the layout's element rule, equal
//    quant::fake_quantize (the format's definition) for every weight, and the device decode
//    (launch_packed_dequantize) equals both: the bits of each value, +0 and -0 counted equal (an
//    int8 or e4m3 zero code has no sign where fake_quantize can return -0);
//  - GEMV: launch_packed_gemv against a float64 GEMV over ŵ, per output
//      |got - want| <= lambda sqrt(K + 3) u32 (sum_k |x_k ŵ_k| + |b|),  lambda = 6, u32 = 2^-24
//    (fp32 products summed per block, times the block or row scale: K + 3 roundings on the
//    longest path; backend_cuda/cuda_helpers.hpp's accum), on odd shapes: K not a multiple of
//    the block, N odd, 1..9 token rows, long rows staged in segments, unaligned activations,
//    and padding bytes that are not zero.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cstring>

#include "backend_cuda/cuda_helpers.hpp"
#include "common/error.hpp"
#include "cuda/check.hpp"
#include "cuda/quant/packed_gemv.hpp"
#include "cuda/quant/packed_gemv_kernels.hpp"
#include "quant/formats.hpp"
#include "reference_packers.hpp"

using namespace archscope;
using namespace archscope::test;
using cuda::PackedFormat;

namespace {

const PackedFormat kAll[] = {PackedFormat::Q8_0,           PackedFormat::Q4_0,
                             PackedFormat::Int4G128,       PackedFormat::Nf4,
                             PackedFormat::Mxfp4,          PackedFormat::Int8Channel,
                             PackedFormat::Fp8E4M3Channel, PackedFormat::Fp8E4M3Block128};

quant::Format definition_of(PackedFormat f) {
  switch (f) {
    case PackedFormat::Q8_0:
      return quant::Format::Q8_0;
    case PackedFormat::Q4_0:
      return quant::Format::Q4_0;
    case PackedFormat::Int4G128:
      return quant::Format::Int4G128;
    case PackedFormat::Nf4:
      return quant::Format::Nf4;
    case PackedFormat::Mxfp4:
      return quant::Format::Mxfp4;
    case PackedFormat::Int8Channel:
      return quant::Format::Int8Channel;
    case PackedFormat::Fp8E4M3Channel:
      return quant::Format::Fp8E4M3Channel;
    case PackedFormat::Fp8E4M3Block128:
      return quant::Format::Fp8E4M3Block128;
  }
  return quant::Format::Q8_0;
}

// Weights with the cases that matter: an all-zero block, a lone outlier, tiny values.
std::vector<float> weights(Rng& r, int64_t N, int64_t K) {
  std::vector<float> w = r.uniform(static_cast<size_t>(N * K));
  if (N * K >= 64) {
    std::fill(w.begin(), w.begin() + 32, 0.0f);
    w[40] = 7.5f;
    for (size_t i = 48; i < 64; ++i) w[i] *= 1e-3f;
  }
  return w;
}

bool same_value(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return false;
  if (a == 0.0f && b == 0.0f) return true;
  uint32_t ua, ub;
  std::memcpy(&ua, &a, 4);
  std::memcpy(&ub, &b, 4);
  return ua == ub;
}

struct DeviceBytes {
  Tensor t;
  void* ptr() const { return cuda::dptr(t); }
};
DeviceBytes upload_bytes(const std::vector<uint8_t>& b) {
  std::vector<uint8_t> padded(b);
  padded.resize((b.size() + 3) / 4 * 4 + 4, 0);
  DeviceBytes d{gpu().alloc(Elem::F32, {static_cast<int64_t>(padded.size() / 4)})};
  gpu().upload(gpu().default_stream(), padded.data(), d.t);
  gpu().synchronize(gpu().default_stream());
  return d;
}
Tensor upload_floats(std::vector<float> v) {
  if (v.empty()) v.push_back(0.0f);
  return put_f32(gpu(), {static_cast<int64_t>(v.size())}, v);
}

void check_layout(PackedFormat f, int64_t N, int64_t K) {
  Rng r(static_cast<uint64_t>(N * 7919 + K * 31 + static_cast<int>(f)));
  const std::vector<float> w = weights(r, N, K);
  const std::vector<float> def = quant::fake_quantize(definition_of(f), w, N, K);
  const Packed p = pack(f, w, N, K);
  int64_t host_bad = 0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t k = 0; k < K; ++k)
      host_bad += !same_value(decode(f, p, N, K, n, k), def[static_cast<size_t>(n * K + k)]);
  BOOST_TEST(host_bad == 0, cuda::packed_format_name(f)
                                << " [" << N << ", " << K << "]: " << host_bad
                                << " weights where the layout decode differs from fake_quantize");
  const DeviceBytes wb = upload_bytes(p.bytes);
  const Tensor sc = upload_floats(p.scales);
  Tensor out = poisoned(gpu(), {N * K});
  cuda::launch_packed_dequantize(gpu(), f, wb.ptr(), static_cast<const float*>(cuda::dptr(sc)), N,
                                 K, static_cast<float*>(cuda::dptr(out)));
  const std::vector<float> got = get(gpu(), out);
  int64_t dev_bad = 0;
  for (size_t i = 0; i < got.size(); ++i) dev_bad += !same_value(got[i], def[i]);
  BOOST_TEST(dev_bad == 0, cuda::packed_format_name(f)
                               << " [" << N << ", " << K << "]: " << dev_bad
                               << " weights where the device decode differs from fake_quantize");
}

// GEMV cases that ran the direct kernel, per format (the checks below make sure each format's
// direct kernel was exercised on odd shapes, not only the staged fallback).
int direct_cases[8] = {};
// The same for the streamed kernel (q8_0, q4_0, mxfp4, nf4 on rows of a multiple of 16 bytes).
int stream_cases[8] = {};

struct GemvCase {
  int64_t T, N, K;
  bool bias = false;
  bool x_misaligned = false;
  uint8_t pad = 0;
};

void check_gemv(PackedFormat f, const GemvCase& c) {
  const int64_t T = c.T, N = c.N, K = c.K;
  Rng r(static_cast<uint64_t>(T * 1000003 + N * 1009 + K * 7 + static_cast<int>(f)));
  const std::vector<float> w = weights(r, N, K);
  const std::vector<float> wq = quant::fake_quantize(definition_of(f), w, N, K);
  const std::vector<float> x = r.uniform(static_cast<size_t>(T * K), -2, 2),
                           b = r.uniform(static_cast<size_t>(N));
  const Packed p = pack(f, w, N, K, c.pad);
  const DeviceBytes wb = upload_bytes(p.bytes);
  const Tensor sc = upload_floats(p.scales);
  std::vector<float> xs(x);
  if (c.x_misaligned) xs.insert(xs.begin(), 0.0f);
  const Tensor tx = upload_floats(xs), tb = upload_floats(b);
  cuda::PackedGemvArgs a;
  a.format = f;
  a.x = static_cast<const float*>(cuda::dptr(tx)) + (c.x_misaligned ? 1 : 0);
  a.w = wb.ptr();
  a.scales = static_cast<const float*>(cuda::dptr(sc));
  a.bias = c.bias ? static_cast<const float*>(cuda::dptr(tb)) : nullptr;
  a.T = T;
  a.N = N;
  a.K = K;
  std::vector<double> want(static_cast<size_t>(T * N)), bound(want.size());
  for (int64_t t = 0; t < T; ++t)
    for (int64_t n = 0; n < N; ++n) {
      double y = c.bias ? b[static_cast<size_t>(n)] : 0.0,
             S = c.bias ? std::fabs(b[static_cast<size_t>(n)]) : 0.0;
      for (int64_t k = 0; k < K; ++k) {
        const double q = static_cast<double>(x[static_cast<size_t>(t * K + k)]) *
                         wq[static_cast<size_t>(n * K + k)];
        y += q;
        S += std::fabs(q);
      }
      want[static_cast<size_t>(t * N + n)] = y;
      bound[static_cast<size_t>(t * N + n)] = accum(static_cast<double>(K) + 3) * S + 1e-30;
    }
  // Both kernels: the direct one wherever it applies, the staged one everywhere (Auto picks one
  // of the two).
  for (cuda::PackedGemvKernel kernel :
       {cuda::PackedGemvKernel::Direct, cuda::PackedGemvKernel::Staged,
        cuda::PackedGemvKernel::Stream, cuda::PackedGemvKernel::Direct64}) {
    const bool stream =
        kernel == cuda::PackedGemvKernel::Stream && cuda::packed_gemv_stream_applies(a);
    // Stream and Direct64 fall back to the Auto choice where they do not apply: that was run.
    if ((kernel == cuda::PackedGemvKernel::Stream && !stream) ||
        (kernel == cuda::PackedGemvKernel::Direct64 && !cuda::packed_gemv_direct64_applies(a)))
      continue;
    const bool direct =
        kernel != cuda::PackedGemvKernel::Staged && !stream && cuda::packed_gemv_direct_applies(a);
    direct_cases[static_cast<int>(f)] += kernel == cuda::PackedGemvKernel::Direct && direct;
    stream_cases[static_cast<int>(f)] += stream;
    Tensor out = poisoned(gpu(), {T * N});
    a.out = static_cast<float*>(cuda::dptr(out));
    cuda::set_packed_gemv_kernel(kernel);
    cuda::launch_packed_gemv(gpu(), a);
    cuda::set_packed_gemv_kernel(cuda::PackedGemvKernel::Auto);
    ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound,
                          "packed gemv "
                              << (stream                                       ? "stream "
                                  : kernel == cuda::PackedGemvKernel::Direct64 ? "direct64 "
                                  : direct                                     ? "direct "
                                                                               : "staged ")
                              << cuda::packed_format_name(f) << " T=" << T << " N=" << N
                              << " K=" << K << (c.bias ? " +bias" : "")
                              << (c.x_misaligned ? " x+1" : "") << (c.pad ? " pad" : ""));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(packed_layouts)

BOOST_AUTO_TEST_CASE(device_decode_matches_the_definition_bit_for_bit) {
  for (PackedFormat f : kAll)
    for (auto [N, K] :
         {std::pair<int64_t, int64_t>{1, 1}, {3, 31}, {5, 100}, {130, 300}, {7, 2048}, {257, 129}})
      check_layout(f, N, K);
}

BOOST_AUTO_TEST_CASE(sizes_follow_the_layout_table) {
  BOOST_TEST(cuda::packed_row_bytes(PackedFormat::Q8_0, 2048) == 64 * 34);
  BOOST_TEST(cuda::packed_row_bytes(PackedFormat::Q4_0, 33) == 2 * 18);
  BOOST_TEST(cuda::packed_row_bytes(PackedFormat::Int4G128, 129) == 2 * 68);
  BOOST_TEST(cuda::packed_row_bytes(PackedFormat::Nf4, 64) == 36);
  BOOST_TEST(cuda::packed_row_bytes(PackedFormat::Mxfp4, 2880) == 90 * 17);
  BOOST_TEST(cuda::packed_row_bytes(PackedFormat::Fp8E4M3Block128, 1000) == 1000);
  BOOST_TEST(cuda::packed_scale_count(PackedFormat::Fp8E4M3Block128, 129, 257) == 2 * 3);
  BOOST_TEST(cuda::packed_scale_count(PackedFormat::Int8Channel, 129, 257) == 129);
  BOOST_TEST(cuda::packed_scale_count(PackedFormat::Q4_0, 129, 257) == 0);
  // Bits per weight of the packed bytes = the analytic count of quant::storage_bits.
  for (PackedFormat f : kAll) {
    const int64_t N = 256, K = 4096;
    const uint64_t bits = static_cast<uint64_t>(N * cuda::packed_row_bytes(f, K) * 8 +
                                                cuda::packed_scale_count(f, N, K) * 32);
    const uint64_t analytic = quant::storage_bits(definition_of(f), N, K);
    // int4-g128 stores its 4-bit zero point in a byte plus a pad byte: 12 bits more per group.
    const uint64_t extra =
        f == PackedFormat::Int4G128 ? static_cast<uint64_t>(N * (K / 128) * 12) : 0;
    BOOST_TEST(bits == analytic + extra, cuda::packed_format_name(f));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(packed_gemv)

BOOST_AUTO_TEST_CASE(odd_shapes_and_token_rows) {
  for (PackedFormat f : kAll)
    for (int64_t T : {1, 2, 3, 5, 8, 9})
      for (auto [N, K] : {std::pair<int64_t, int64_t>{1, 1},
                          {5, 7},
                          {33, 100},
                          {129, 200},
                          {67, 1000},
                          {300, 2048}})
        check_gemv(f, {T, N, K, (T + N) % 2 == 1});
  // K = 100 and 1000 give rows of a multiple of 4 bytes in every format: the direct kernel.
  for (PackedFormat f : kAll)
    BOOST_TEST(direct_cases[static_cast<int>(f)] >= 12, cuda::packed_format_name(f));
}

BOOST_AUTO_TEST_CASE(long_rows_many_rows_and_bench_shapes) {
  for (PackedFormat f : kAll) {
    check_gemv(f, {1, 9, 20000});         // rows staged in several segments
    check_gemv(f, {4, 5, 30011, true});   // segments with a partial last block
    check_gemv(f, {1, 17001, 64});        // 32 rows per thread block
    check_gemv(f, {1, 2048, 8192});       // bench-1b down
    check_gemv(f, {8, 512, 2048, true});  // bench-1b k/v, 8 rows
  }
}

// K = 1531: rows of 48 q8_0 / q4_0 / mxfp4 or 24 nf4 blocks, a multiple of 16 bytes (the
// streamed kernel), a partial last block and a partial last tile of 32 blocks; N = 8500 and 4300
// give its 4- and 2-row warps on the H200's 132 SMs (1 row below).
BOOST_AUTO_TEST_CASE(streamed_kernel_shapes) {
  for (PackedFormat f : kAll) {
    for (int64_t T : {1, 2, 3, 5, 8, 9}) check_gemv(f, {T, 37, 1531, T % 2 == 1});
    check_gemv(f, {1, 8500, 512, true});
    check_gemv(f, {2, 8500, 1531});
    check_gemv(f, {4, 4300, 512});
    check_gemv(f, {3, 31, 1531, false, true});
    check_gemv(f, {2, 19, 1531, true, false, 0xff});
  }
  for (PackedFormat f :
       {PackedFormat::Q8_0, PackedFormat::Q4_0, PackedFormat::Mxfp4, PackedFormat::Nf4})
    BOOST_TEST(stream_cases[static_cast<int>(f)] >= 12, cuda::packed_format_name(f));
}

BOOST_AUTO_TEST_CASE(unaligned_activations_and_nonzero_padding) {
  for (PackedFormat f : kAll) {
    check_gemv(f, {3, 31, 520, false, true});
    check_gemv(f, {2, 19, 2050, true, false, 0xff});
    check_gemv(f, {1, 64, 97, false, true, 0x5a});
  }
}

BOOST_AUTO_TEST_CASE(empty_and_invalid_arguments) {
  cuda::PackedGemvArgs a;
  a.T = 0;
  a.N = 4;
  a.K = 8;
  BOOST_CHECK_NO_THROW(cuda::launch_packed_gemv(gpu(), a));  // nothing to do
  a.T = 1;
  BOOST_CHECK_THROW(cuda::launch_packed_gemv(gpu(), a), Error);  // null pointers
  a.T = -1;
  BOOST_CHECK_THROW(cuda::launch_packed_gemv(gpu(), a), Error);
  // K = 0: the outputs are the bias.
  std::vector<float> b = {1.5f, -2.0f, 0.25f};
  const Tensor tb = upload_floats(b), tx = upload_floats({0.0f});
  Tensor out = poisoned(gpu(), {2 * 3});
  a.format = PackedFormat::Q4_0;
  a.T = 2;
  a.N = 3;
  a.K = 0;
  a.x = static_cast<const float*>(cuda::dptr(tx));
  a.bias = static_cast<const float*>(cuda::dptr(tb));
  a.out = static_cast<float*>(cuda::dptr(out));
  cuda::launch_packed_gemv(gpu(), a);
  const std::vector<float> got = get(gpu(), out);
  for (int t = 0; t < 2; ++t)
    for (int n = 0; n < 3; ++n) BOOST_TEST(got[static_cast<size_t>(t * 3 + n)] == b[n]);
}

BOOST_AUTO_TEST_SUITE_END()
