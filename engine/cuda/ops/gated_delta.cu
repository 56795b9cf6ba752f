// Gated DeltaNet recurrence (Qwen3-Next linear attention), token by token, as transformers'
// torch_recurrent_gated_delta_rule with use_qk_l2norm_in_kernel=True. Per value head h and token:
//   q = l2norm(q) / sqrt(dk), k = l2norm(k)        (l2norm: x * rsqrt(sum x^2 + 1e-6))
//   g = -exp(A_log[h]) * softplus(a + dt_bias[h]),  beta = sigmoid(b)
//   S = S * exp(g);  v' = beta * (v - S^T k);  S += k v'^T;  o = S^T q
// One block per value head holds S [dk, dv] in shared memory; thread j owns column j and sums
// over i in ascending order, as the CPU backend does, so both agree to the rounding of the norms.
#include <algorithm>

#include "common/error.hpp"
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/activation_math.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct DeltaParams {
  const float* q;
  const float* k;
  const float* v;
  const float* a;
  const float* b;
  const float* a_log;
  const float* dt_bias;
  float* state;
  float* out;
  int64_t T, Hk, dk, Hv, dv;
};

// torch.nn.functional.softplus with beta 1, threshold 20.
__device__ __forceinline__ float softplus(float x) {
  return x > 20.0f ? x : log1pf(expf(x));
}

__global__ void gated_delta_kernel(DeltaParams p) {
  kernel_prologue();
  extern __shared__ float sm[];
  const int64_t h = blockIdx.x, dk = p.dk, dv = p.dv;
  float* S = sm;            // [dk, dv]
  float* qn = S + dk * dv;  // [dk]
  float* kn = qn + dk;      // [dk]
  __shared__ float red[32];
  float* Sg = p.state + h * dk * dv;
  for (int64_t i = threadIdx.x; i < dk * dv; i += blockDim.x) S[i] = Sg[i];
  const int64_t kh = h / (p.Hv / p.Hk);
  const float qscale = 1.0f / sqrtf(static_cast<float>(dk));
  const int64_t j = threadIdx.x;
  __syncthreads();
  for (int64_t t = 0; t < p.T; ++t) {
    const float* qr = p.q + (t * p.Hk + kh) * dk;
    const float* kr = p.k + (t * p.Hk + kh) * dk;
    float sq = 0.0f, sk = 0.0f;
    for (int64_t i = threadIdx.x; i < dk; i += blockDim.x) {
      sq += qr[i] * qr[i];
      sk += kr[i] * kr[i];
    }
    sq = block_sum(sq, red);
    sk = block_sum(sk, red);
    const float qi = 1.0f / sqrtf(sq + 1e-6f), ki = 1.0f / sqrtf(sk + 1e-6f);
    for (int64_t i = threadIdx.x; i < dk; i += blockDim.x) {
      qn[i] = qr[i] * qi * qscale;
      kn[i] = kr[i] * ki;
    }
    __syncthreads();
    const float g = -expf(p.a_log[h]) * softplus(p.a[t * p.Hv + h] + p.dt_bias[h]);
    const float decay = expf(g), beta = sigmoid(p.b[t * p.Hv + h]);
    if (j < dv) {
      float mem = 0.0f;
      for (int64_t i = 0; i < dk; ++i) {
        const float sij = S[i * dv + j] * decay;
        S[i * dv + j] = sij;
        mem = fmaf(kn[i], sij, mem);
      }
      const float vd = beta * (p.v[(t * p.Hv + h) * dv + j] - mem);
      float o = 0.0f;
      for (int64_t i = 0; i < dk; ++i) {
        const float sij = fmaf(kn[i], vd, S[i * dv + j]);
        S[i * dv + j] = sij;
        o = fmaf(qn[i], sij, o);
      }
      p.out[(t * p.Hv + h) * dv + j] = o;
    }
    __syncthreads();  // qn/kn are rewritten by the next token
  }
  for (int64_t i = threadIdx.x; i < dk * dv; i += blockDim.x) Sg[i] = S[i];
}
}  // namespace

void CudaBackend::gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v,
                              const Tensor& a, const Tensor& b, const Tensor& a_log,
                              const Tensor& dt_bias, Tensor& state, Tensor& out) {
  const char* op = "gated_delta";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_gated_delta(q, k, v, a, b, a_log, dt_bias, state, out);
  DeltaParams p{};
  p.q = in_f32(q, op, "q");
  p.k = in_f32(k, op, "k");
  p.v = in_f32(v, op, "v");
  p.a = in_f32(a, op, "a");
  p.b = in_f32(b, op, "b");
  p.a_log = in_f32(a_log, op, "a_log");
  p.dt_bias = in_f32(dt_bias, op, "dt_bias");
  p.state = out_f32(state, op, "state");
  p.out = out_f32(out, op, "out");
  require(q.rank() == 3 && v.rank() == 3, op, "q, k must be [T, Hk, dk], v [T, Hv, dv]");
  p.T = q.dim(0);
  p.Hk = q.dim(1);
  p.dk = q.dim(2);
  p.Hv = v.dim(1);
  p.dv = v.dim(2);
  require(k.shape() == q.shape(), op, "k must have q's shape");
  require(v.dim(0) == p.T && p.Hk > 0 && p.Hv % p.Hk == 0, op, "key heads must divide value heads");
  check_shape(a, {p.T, p.Hv}, op, "a");
  check_shape(b, {p.T, p.Hv}, op, "b");
  check_shape(a_log, {p.Hv}, op, "a_log");
  check_shape(dt_bias, {p.Hv}, op, "dt_bias");
  check_shape(state, {p.Hv, p.dk, p.dv}, op, "state");
  check_shape(out, {p.T, p.Hv, p.dv}, op, "out");
  const size_t smem = static_cast<size_t>(p.dk * p.dv + 2 * p.dk) * sizeof(float);
  if (smem > 220 * 1024 || p.dv > 1024)
    throw Error(ErrorKind::Unsupported, "cuda.gated_delta",
                "state of " + std::to_string(p.dk) + " x " + std::to_string(p.dv) +
                    " does not fit one block");
  allow_smem(gated_delta_kernel, static_cast<unsigned>(smem));
  const unsigned threads = static_cast<unsigned>(std::max<int64_t>(32, (p.dv + 31) / 32 * 32));
  launch(be, gated_delta_kernel, dim3(static_cast<unsigned>(p.Hv)), dim3(threads),
         static_cast<unsigned>(smem), p);
}

}  // namespace archscope::cuda
