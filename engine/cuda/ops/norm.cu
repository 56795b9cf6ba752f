// Row norms over rows of p.width: RMSNorm (optionally weightless), RMSNorm with (1 + w),
// LayerNorm with or without bias (mean and variance in float64, as the CPU backend: they cancel
// badly in fp32 for rows with a large mean), and the true L2 norm x / sqrt(sum x^2 + eps). One
// block per row; each thread writes only elements it read, so out may alias x.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct NormKernelParams {
  const float* x;
  const void* w;
  const void* b;
  float* out;
  int64_t width;
  float eps;
  int op;  // NormOp
  FElem we, be;
};

constexpr int kHeld = 4;  // elements per thread the register path keeps

__global__ void norm_kernel(NormKernelParams p) {
  // The weight (and bias) lines into L2 while the previous kernel drains (programmatic dependent
  // launch): after the wait they are L2 hits instead of an HBM round trip after the reduction.
  // A hint only (L2 is the coherence point), issued by the first block for all rows.
  if (blockIdx.x == 0) {
    const int64_t wb = p.width * (p.we == FElem::F32 ? 4 : 2),
                  bb = p.width * (p.be == FElem::F32 ? 4 : 2);
    for (int64_t off = static_cast<int64_t>(threadIdx.x) * 128; off < wb + bb;
         off += static_cast<int64_t>(blockDim.x) * 128) {
      const char* line = off < wb ? (p.w ? static_cast<const char*>(p.w) + off : nullptr)
                                  : (p.b ? static_cast<const char*>(p.b) + (off - wb) : nullptr);
      if (line) asm volatile("prefetch.global.L2 [%0];" ::"l"(line));
    }
  }
  kernel_prologue();
  __shared__ float fscratch[32];
  __shared__ double dscratch[32];
  const float* xr = p.x + static_cast<int64_t>(blockIdx.x) * p.width;
  float* yr = p.out + static_cast<int64_t>(blockIdx.x) * p.width;
  const auto op = static_cast<NormOp>(p.op);
  float mean = 0.0f, inv;
  if (op == NormOp::Layer) {
    double s = 0.0;
    for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) s += xr[i];
    const double m = block_sum(s, dscratch) / static_cast<double>(p.width);
    double sq = 0.0;
    for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) sq += (xr[i] - m) * (xr[i] - m);
    sq = block_sum(sq, dscratch);
    mean = static_cast<float>(m);
    inv = static_cast<float>(1.0 / sqrt(sq / static_cast<double>(p.width) + p.eps));
  } else if (p.width <= kHeld * static_cast<int64_t>(blockDim.x)) {
    // Rows of up to kHeld elements per thread (d_model 2048 at 512 threads): x and the weight
    // are loaded together before the reduction and kept in registers, so the row costs one
    // round trip to L2 instead of two (x, then the weight after the sum). Same sums, same order.
    float xv[kHeld], wv[kHeld];
    float ss = 0.0f;
#pragma unroll
    for (int j = 0; j < kHeld; ++j) {
      const int64_t i = threadIdx.x + static_cast<int64_t>(j) * blockDim.x;
      xv[j] = i < p.width ? xr[i] : 0.0f;
      wv[j] = p.w && i < p.width ? load_elem(p.w, p.we, i) : 0.0f;
    }
#pragma unroll
    for (int j = 0; j < kHeld; ++j) ss += xv[j] * xv[j];
    ss = block_sum(ss, fscratch);
    const float denom = op == NormOp::L2 ? ss : ss / static_cast<float>(p.width);
    inv = 1.0f / sqrtf(denom + p.eps);
#pragma unroll
    for (int j = 0; j < kHeld; ++j) {
      const int64_t i = threadIdx.x + static_cast<int64_t>(j) * blockDim.x;
      if (i >= p.width) break;
      float v = xv[j] * inv;
      if (p.w) v *= op == NormOp::RmsPlusOne ? 1.0f + wv[j] : wv[j];
      yr[i] = v;
    }
    return;
  } else {
    float ss = 0.0f;
    for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) ss += xr[i] * xr[i];
    ss = block_sum(ss, fscratch);
    const float denom = op == NormOp::L2 ? ss : ss / static_cast<float>(p.width);
    inv = 1.0f / sqrtf(denom + p.eps);
  }
  for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) {
    float v = (xr[i] - mean) * inv;
    if (p.w) {
      const float w = load_elem(p.w, p.we, i);
      v *= op == NormOp::RmsPlusOne ? 1.0f + w : w;
    }
    if (p.b) v += load_elem(p.b, p.be, i);
    yr[i] = v;
  }
}
}  // namespace

unsigned norm_block(int64_t width) {
  return width >= 2048 ? 512 : width >= 256 ? 256 : static_cast<unsigned>((width + 31) / 32 * 32);
}

void CudaBackend::norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                       Tensor& out, const NormParams& np) {
  const char* op = "norm";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_norm(x, weight, bias, out, np);
  NormKernelParams p{};
  p.x = in_f32(x, op, "x");
  p.out = out_f32(out, op, "out");
  const int64_t W = np.width;
  require_f(W > 0 && x.numel() % W == 0, op, [&] {
    return "width " + std::to_string(W) + " does not divide " + shape_string(x.shape());
  });
  require(out.numel() == x.numel(), op, "out size differs from x");
  const bool need_w = np.op == NormOp::RmsPlusOne || np.op == NormOp::Layer;
  require(!need_w || weight.defined(), op, "this norm needs a weight");
  require(np.op != NormOp::L2 || !weight.defined(), op, "the L2 norm takes no weight");
  require(np.op == NormOp::Layer || !bias.defined(), op, "only LayerNorm takes a bias");
  if (weight.defined()) {
    check_float(weight, op, "weight");
    require(weight.numel() == W, op, "weight must have width elements");
    p.w = dptr(weight);
    p.we = felem(weight.elem());
  }
  if (bias.defined()) {
    check_float(bias, op, "bias");
    require(bias.numel() == W, op, "bias must have width elements");
    p.b = dptr(bias);
    p.be = felem(bias.elem());
  }
  // Rows are disjoint and each element is read and written by one thread, but a partial overlap
  // (out shifted against x) would let one row's writes reach another's reads.
  require(out.buffer() != x.buffer() || out.byte_offset() == x.byte_offset() ||
              out.byte_offset() >= x.byte_offset() + x.bytes() ||
              x.byte_offset() >= out.byte_offset() + out.bytes(),
          op, "out must be x or not overlap it");
  p.width = W;
  p.eps = np.eps;
  p.op = static_cast<int>(np.op);
  const int64_t rows = x.numel() / W;
  launch(be, norm_kernel, dim3(static_cast<unsigned>(rows)), dim3(norm_block(W)), 0, p);
}

}  // namespace archscope::cuda
