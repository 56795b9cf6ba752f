// MoE routing per token, the CPU backend's rules (engine/cpu/ops/router.cpp):
//   scores  = softmax(logits) or sigmoid(logits); choice = scores + bias (selection only)
//   groups  : with groups > 1 a group's score is the sum of its two best choice values; only the
//             best top_groups groups stay eligible (DeepSeek-V3)
//   select  : top_k eligible experts by choice value, ties to the lower id, best first
//   weights : the unbiased scores of the selected experts, optionally / (their sum + 1e-20), then
//             x routed_scaling.
// One block per token with scores in shared memory; group ranking and the final weights run on
// one thread in the CPU's order, so the sums are the CPU's sums.
#include "common/error.hpp"
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/activation_math.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
constexpr int kRouterThreads = 256;

struct RouterKernelParams {
  const float* logits;
  const float* bias;
  int32_t* ids;
  float* weights;
  int64_t E, K, groups, top_groups;
  int sigmoid_score, renormalize;
  float routed_scaling;
};

// (value, id) order of the selection: higher value first, then lower id.
__device__ __forceinline__ bool better(float v, int i, float bv, int bi) {
  return v > bv || (v == bv && i < bi);
}

__global__ void router_kernel(RouterKernelParams p) {
  kernel_prologue();
  extern __shared__ float sm[];
  float* score = sm;  // [E]
  float* choice =
      sm + p.E;  // [E]; selected or ineligible experts are set to -inf... tracked apart:
  int* state = reinterpret_cast<int*>(sm + 2 * p.E);  // [E]: 1 eligible, 0 not, -1 taken
  int* order = state + p.E;                           // [K]
  __shared__ float red[32];
  const int64_t t = blockIdx.x;
  const float* l = p.logits + t * p.E;
  if (!p.sigmoid_score) {
    float m = -INFINITY;
    for (int64_t e = threadIdx.x; e < p.E; e += blockDim.x) m = fmaxf(m, l[e]);
    m = block_max(m, red);
    float sum = 0.0f;
    for (int64_t e = threadIdx.x; e < p.E; e += blockDim.x) sum += (score[e] = expf(l[e] - m));
    sum = block_sum(sum, red);
    for (int64_t e = threadIdx.x; e < p.E; e += blockDim.x) score[e] /= sum;
  } else {
    for (int64_t e = threadIdx.x; e < p.E; e += blockDim.x) score[e] = sigmoid(l[e]);
  }
  __syncthreads();
  for (int64_t e = threadIdx.x; e < p.E; e += blockDim.x) {
    choice[e] = score[e] + (p.bias ? p.bias[e] : 0.0f);
    state[e] = 1;
  }
  __syncthreads();
  if (p.groups > 1 && threadIdx.x == 0) {
    // Group scores (top-two sums, the CPU's loop), then the best top_groups groups, ties to the
    // lower group (a stable sort). Groups are few (DeepSeek-V3: 8), so one thread does it.
    const int64_t per = p.E / p.groups;
    for (int64_t e = 0; e < p.E; ++e) state[e] = 0;
    float gs[64];
    int taken[64];
    const int64_t G = p.groups;
    for (int64_t g = 0; g < G; ++g) {
      const float* c = choice + g * per;
      float best = c[0], second = 0.0f;
      bool has_second = false;
      for (int64_t i = 1; i < per; ++i) {
        if (c[i] > best) {
          second = best;
          best = c[i];
          has_second = true;
        } else if (!has_second || c[i] > second) {
          second = c[i];
          has_second = true;
        }
      }
      gs[g] = best + (has_second ? second : 0.0f);
      taken[g] = 0;
    }
    for (int64_t k = 0; k < p.top_groups; ++k) {
      int bg = -1;
      for (int64_t g = 0; g < G; ++g)
        if (!taken[g] && (bg < 0 || gs[g] > gs[bg])) bg = static_cast<int>(g);
      taken[bg] = 1;
      for (int64_t i = 0; i < per; ++i) state[bg * per + i] = 1;
    }
  }
  __syncthreads();
  // Top-k by (choice desc, id asc) among eligible experts: k rounds of a block-wide argmax.
  __shared__ float best_v[32];
  __shared__ int best_i[32];
  for (int64_t k = 0; k < p.K; ++k) {
    float bv = -INFINITY;
    int bi = 0x7fffffff;
    for (int64_t e = threadIdx.x; e < p.E; e += blockDim.x)
      if (state[e] == 1 && (bi == 0x7fffffff || better(choice[e], static_cast<int>(e), bv, bi))) {
        bv = choice[e];
        bi = static_cast<int>(e);
      }
    for (int o = 16; o > 0; o >>= 1) {
      const float ov = __shfl_xor_sync(0xffffffffu, bv, o);
      const int oi = __shfl_xor_sync(0xffffffffu, bi, o);
      if (oi != 0x7fffffff && (bi == 0x7fffffff || better(ov, oi, bv, bi))) {
        bv = ov;
        bi = oi;
      }
    }
    if ((threadIdx.x & 31) == 0) {
      best_v[threadIdx.x >> 5] = bv;
      best_i[threadIdx.x >> 5] = bi;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      float v = best_v[0];
      int i = best_i[0];
      for (int w = 1; w < static_cast<int>(blockDim.x >> 5); ++w)
        if (best_i[w] != 0x7fffffff && (i == 0x7fffffff || better(best_v[w], best_i[w], v, i))) {
          v = best_v[w];
          i = best_i[w];
        }
      order[k] = i;
      state[i] = -1;
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    float sum = 0.0f;
    for (int64_t k = 0; k < p.K; ++k) sum += score[order[k]];
    const float norm = p.renormalize ? 1.0f / (sum + 1e-20f) : 1.0f;
    for (int64_t k = 0; k < p.K; ++k) {
      p.ids[t * p.K + k] = order[k];
      p.weights[t * p.K + k] = score[order[k]] * norm * p.routed_scaling;
    }
  }
}
}  // namespace

void CudaBackend::router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids,
                         Tensor& weights, const RouterParams& rp) {
  const char* op = "router";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_router(logits, bias, ids, weights, rp);
  RouterKernelParams p{};
  p.logits = in_f32(logits, op, "logits");
  require(logits.rank() == 2, op, "logits must be [T, experts]");
  const int64_t T = logits.dim(0);
  p.E = logits.dim(1);
  p.K = rp.top_k;
  p.ids = out_i32(ids, op, "ids");
  p.weights = out_f32(weights, op, "weights");
  check_shape(ids, {T, p.K}, op, "ids");
  check_shape(weights, {T, p.K}, op, "weights");
  if (bias.defined()) {
    p.bias = in_f32(bias, op, "bias");
    check_shape(bias, {p.E}, op, "bias");
  }
  require(rp.groups >= 1 && p.E % rp.groups == 0, op, "groups must divide the experts");
  require(rp.top_groups >= 1 && rp.top_groups <= rp.groups, op,
          "top_groups must be in [1, groups]");
  require(p.K >= 1 && p.K <= rp.top_groups * (p.E / rp.groups), op,
          "top_k exceeds the eligible experts");
  if (rp.groups > 64)
    throw Error(ErrorKind::Unsupported, "cuda.router", "more than 64 expert groups");
  const size_t smem = static_cast<size_t>(p.E) * (2 * sizeof(float) + sizeof(int)) +
                      static_cast<size_t>(p.K) * sizeof(int);
  if (smem > 200 * 1024)
    throw Error(ErrorKind::Unsupported, "cuda.router",
                "too many experts for one block's shared memory");
  p.groups = rp.groups;
  p.top_groups = rp.top_groups;
  p.sigmoid_score = rp.score == RouterScore::Sigmoid;
  p.renormalize = rp.renormalize;
  p.routed_scaling = rp.routed_scaling;
  allow_smem(router_kernel, static_cast<unsigned>(smem));
  launch(be, router_kernel, dim3(static_cast<unsigned>(T)), dim3(kRouterThreads),
         static_cast<unsigned>(smem), p);
}

}  // namespace archscope::cuda
