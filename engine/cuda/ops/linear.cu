// out[T, N] = x[T, K] . w[N, K]^T (+ bias). Two paths (kernel choice `linear`, see
// backend/kernel_choices.hpp):
// - gemv (auto for T <= 8: decode and small batches): gemm/gemv.cu streams the weights once with
//   16-byte loads in fp32 arithmetic, so any weight dtype agrees with the CPU backend to fp32
//   rounding;
// - cublas (auto for T > 8: prefill, large batches): cuBLASLt. fp32 weights: plain fp32 (no
//   TF32). bf16 weights: x rounded to bf16, tensor cores, fp32 accumulation: per output the error
//   against the exact product is at most u_bf16 * sum|x_k w_k| + gamma_K * sum|x_k w_k| with
//   u_bf16 = 2^-8 (the rounding of x; w is already bf16). fp16 weights: x scaled per row by a
//   power of two and rounded to fp16 (u = 2^-11), gemm/convert.hpp.
// Packed q8_0 / q4_0 / int4-g128 / nf4 / mxfp4 / int8-channel / fp8-e4m3-channel weights (issue
// 12 §2, quant/packed_layout.hpp; the channel formats' row scales in Tensor::quant): the decode path is
// cuda/quant's dequantize-in-kernel GEMV (fp32 activations and accumulation); the prefill path
// dequantizes ŵ into fp32 scratch (exactly the layout's values) and runs plain fp32 cuBLASLt, so
// both paths agree with the CPU's packed kernels to fp32 rounding.
#include "common/error.hpp"
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/gemm/convert.hpp"
#include "cuda/gemm/cublaslt_gemm.hpp"
#include "cuda/gemm/gemv.hpp"
#include "cuda/kernels/launch.cuh"
#include "cuda/quant/packed_gemv.hpp"

namespace archscope::cuda {

namespace {
constexpr int64_t kGemvMaxRows = 8;
}

PackedFormat packed_format_of(Elem e) {
  switch (e) {
    case Elem::Q8_0: return PackedFormat::Q8_0;
    case Elem::Q4_0: return PackedFormat::Q4_0;
    case Elem::INT4_G128: return PackedFormat::Int4G128;
    case Elem::NF4: return PackedFormat::Nf4;
    case Elem::MXFP4: return PackedFormat::Mxfp4;
    case Elem::INT8_CHANNEL: return PackedFormat::Int8Channel;
    case Elem::FP8_CHANNEL: return PackedFormat::Fp8E4M3Channel;
    default:
      throw Error(ErrorKind::Unsupported, "cuda",
                  std::string("no packed kernel for ") + to_string(e) + " weights");
  }
}

const float* packed_row_scales(const Tensor& w, int64_t rows, const char* op) {
  if (!elem_has_row_scales(w.elem())) return nullptr;
  const BlockScales& q = w.quant;
  const int64_t K = w.rank() ? w.dim(-1) : 0;
  require_f(q.scales != nullptr && q.block == K && q.offset >= 0, op, [&] {
    return std::string("w: a ") + to_string(w.elem()) + " tensor " + shape_string(w.shape()) +
           " without its row scales (Tensor::quant, block = K)";
  });
  require_f(static_cast<size_t>(q.offset + rows) * sizeof(float) <= q.scales->bytes(), op, [&] {
    return "w: " + std::to_string(rows) + " row scales from " + std::to_string(q.offset) +
           " overrun a scale buffer of " + std::to_string(q.scales->bytes()) + " bytes";
  });
  require(&q.scales->owner() == w.backend(), op, "w: row scales live on another backend");
  return static_cast<const float*>(q.scales->handle()) + q.offset;
}

namespace {

void packed_linear(CudaBackend& be, const float* xp, const Tensor& w, const float* bp, float* yp,
                   int64_t T, int64_t N, int64_t K, LinearKernel choice) {
  PackedGemvArgs g;
  g.format = packed_format_of(w.elem());
  g.x = xp;
  g.w = dptr(w);
  g.scales = packed_row_scales(w, N, "linear");
  g.bias = bp;
  g.out = yp;
  g.T = T;
  g.N = N;
  g.K = K;
  if (choice == LinearKernel::Gemv || (choice == LinearKernel::Auto && T <= kGemvMaxRows) || K == 0)
    return launch_packed_gemv(be, g);
  auto ws = be.scratch(static_cast<size_t>(N * K) * sizeof(float));
  float* wd = static_cast<float*>(ws->handle());
  launch_packed_dequantize(be, g.format, g.w, g.scales, N, K, wd);
  if (!be.gemm().matmul(CUDA_R_32F, xp, wd, bp, yp, T, N, K)) launch_packed_gemv(be, g);
}

}  // namespace

void CudaBackend::linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                         Tensor& out) {
  const char* op = "linear";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_linear(x, w, bias, out);
  // x BF16 (linear_input_elem): the tensor-core GEMM reads it as it is; the other paths read it
  // widened to fp32 (exact).
  const bool xb = x.elem() == Elem::BF16;
  const float* xp = nullptr;
  if (xb)
    check_owned(x, op, "x");
  else
    xp = in_f32(x, op, "x");
  const bool packed = elem_is_packed(w.elem());
  if (packed)
    require_f(supports_packed(w.elem()), op,
              [&] { return std::string("no packed kernel for ") + to_string(w.elem()); });
  else
    check_float(w, op, "w");
  require(x.rank() == 2 && w.rank() == 2, op, "x and w must be 2-D");
  const int64_t T = x.dim(0), K = x.dim(1), N = w.dim(0);
  require_f(w.dim(1) == K, op, [&] {
    return "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape());
  });
  float* yp = out_f32(out, op, "out");
  check_shape(out, {T, N}, op, "out");
  const float* bp = nullptr;
  if (bias.defined()) {
    bp = in_f32(bias, op, "bias");
    check_shape(bias, {N}, op, "bias");
  }
  check_no_overlap(out, x, op, "out must not overlap x");
  if (T == 0 || N == 0) return;
  const LinearKernel choice = kernels().linear;
  const bool use_gemv = choice == LinearKernel::Gemv || choice == LinearKernel::GemvStream ||
                        (choice == LinearKernel::Auto && T <= kGemvMaxRows) || K == 0;
  std::shared_ptr<Buffer> widened;
  auto widen = [&] {
    widened = scratch(static_cast<size_t>(T * K) * sizeof(float));
    xp = static_cast<const float*>(widened->handle());
    convert_bf16_to_f32(be, dptr(x), const_cast<float*>(xp), T * K);
  };
  const bool bf16_gemm = !packed && !use_gemv && w.elem() == Elem::BF16;
  if (xb && !bf16_gemm) widen();
  if (packed) return packed_linear(be, xp, w, bp, yp, T, N, K, choice);

  GemvArgs g;
  g.x = xp;
  g.w = dptr(w);
  g.bias = bp;
  g.out = yp;
  g.T = T;
  g.N = N;
  g.K = K;
  g.we = felem(w.elem());
  g.stream = choice == LinearKernel::GemvStream;
  if (use_gemv) return launch_gemv(be, g);

  if (w.elem() == Elem::F32) {
    if (!gemm().matmul(CUDA_R_32F, xp, g.w, bp, yp, T, N, K)) launch_gemv(be, g);
    return;
  }
  if (w.elem() == Elem::BF16 && xb) {
    if (gemm().matmul(CUDA_R_16BF, dptr(x), g.w, bp, yp, T, N, K)) return;
    widen();  // cuBLASLt refused the shape: the GEMV reads fp32
    g.x = xp;
    return launch_gemv(be, g);
  }
  if (w.elem() == Elem::BF16) {
    auto xs = scratch(static_cast<size_t>(T * K) * 2);
    convert_to_bf16(be, xp, xs->handle(), T * K);
    if (!gemm().matmul(CUDA_R_16BF, xs->handle(), g.w, bp, yp, T, N, K)) launch_gemv(be, g);
    return;
  }
  auto xs = scratch(static_cast<size_t>(T * K) * 2);
  auto sc = scratch(static_cast<size_t>(T) * sizeof(float));
  float* scales = static_cast<float*>(sc->handle());
  convert_rows_to_f16(be, xp, xs->handle(), scales, T, K);
  if (!gemm().matmul(CUDA_R_16F, xs->handle(), g.w, nullptr, yp, T, N, K))
    return launch_gemv(be, g);
  scale_rows_add_bias(be, yp, scales, bp, T, N);
}

Elem CudaBackend::linear_input_elem(const Tensor& w, int64_t rows) const {
  const LinearKernel choice = kernels_.linear;
  const bool gemm =
      choice == LinearKernel::Cublas || (choice == LinearKernel::Auto && rows > kGemvMaxRows);
  return gemm && w.elem() == Elem::BF16 ? Elem::BF16 : Elem::F32;
}

}  // namespace archscope::cuda
