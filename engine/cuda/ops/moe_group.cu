// Router choices grouped by expert on the device (no host round trip): a stable counting sort of
// the T*k (token, expert) slots. Up to 256 slots (decode, small batches) one block does it all
// (moe_group_small_kernel: a shared histogram, a block-wide scan of the counts, each slot's rank
// among the earlier slots of its expert), so a decode step pays one launch; above, two kernels
// with one block per expert: the first counts its
// slots (block 0 also checks every id), the second sums the counts of the experts before it (its
// offset), then walks the slots in order with a block-wide prefix count of its own, so slots of
// one expert keep their increasing t*k + j order. The ids are read once per expert; they are a
// few KB, served from L2.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {

constexpr int kThreads = 256;

struct CountParams {
  const int32_t* ids;
  int32_t* counts;
  DeviceErrors* err;
  int64_t n, experts;
};

__global__ void moe_count_kernel(CountParams p) {
  kernel_prologue();
  __shared__ int red[32];
  const int64_t e = blockIdx.x;
  int c = 0;
  for (int64_t i = threadIdx.x; i < p.n; i += blockDim.x) {
    const int32_t id = p.ids[i];
    c += id == e;
    if (e == 0 && (id < 0 || id >= p.experts))
      report(p.err, DeviceCheck::GroupExpert, id, p.experts);
  }
  c = block_sum(c, red);
  if (threadIdx.x == 0) p.counts[e] = c;
}

struct PlaceParams {
  const int32_t* ids;
  const float* weights;
  const int32_t* counts;
  int32_t* token_of;
  float* weight_of;
  int32_t* offsets;
  int64_t n, k, experts;
};

__global__ void moe_place_kernel(PlaceParams p) {
  kernel_prologue();
  __shared__ int red[32];
  __shared__ int warp_total[kThreads / 32];
  const int64_t e = blockIdx.x;
  int before = 0;
  for (int64_t f = threadIdx.x; f < e; f += blockDim.x) before += p.counts[f];
  const int offset = block_sum(before, red);
  if (threadIdx.x == 0) {
    p.offsets[e] = offset;
    if (e == p.experts - 1) p.offsets[p.experts] = offset + p.counts[e];
  }
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int running = 0;
  for (int64_t base = 0; base < p.n; base += blockDim.x) {
    const int64_t i = base + threadIdx.x;
    const bool mine = i < p.n && p.ids[i] == e;
    const unsigned ballot = __ballot_sync(0xffffffffu, mine);
    if (lane == 0) warp_total[warp] = __popc(ballot);
    __syncthreads();
    int prefix = __popc(ballot & ((1u << lane) - 1u)), total = 0;
    for (int w = 0; w < kThreads / 32; ++w) {
      if (w < warp) prefix += warp_total[w];
      total += warp_total[w];
    }
    if (mine) {
      const int64_t slot = offset + running + prefix;
      p.token_of[slot] = static_cast<int32_t>(i / p.k);
      p.weight_of[slot] = p.weights[i];
    }
    running += total;
    __syncthreads();  // warp_total is rewritten by the next chunk
  }
}

// The one-block path: n <= kThreads slots (one per thread), experts <= kSmallExperts.
constexpr int kSmallExperts = 2048;

struct SmallParams {
  PlaceParams p;
  DeviceErrors* err;
};

__global__ void __launch_bounds__(kThreads) moe_group_small_kernel(SmallParams sp) {
  kernel_prologue();
  const PlaceParams& p = sp.p;
  DeviceErrors* err = sp.err;
  __shared__ int counts[kSmallExperts];
  __shared__ int ids[kThreads];
  __shared__ int warp_sums[kThreads / 32];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  for (int64_t e = tid; e < p.experts; e += kThreads) counts[e] = 0;
  int id = -1;
  if (tid < p.n) {
    id = p.ids[tid];
    if (id < 0 || id >= p.experts) {
      report(err, DeviceCheck::GroupExpert, id, p.experts);
      id = -1;  // placed nowhere (the contract's error is raised at synchronize)
    }
  }
  ids[tid] = id;
  __syncthreads();
  if (id >= 0) atomicAdd(&counts[id], 1);
  __syncthreads();
  // Exclusive scan of the counts: each thread sums a run of `per` experts, the block scans those.
  const int per = static_cast<int>((p.experts + kThreads - 1) / kThreads);
  const int64_t e0 = static_cast<int64_t>(tid) * per;
  int run = 0;
  for (int j = 0; j < per; ++j)
    if (e0 + j < p.experts) run += counts[e0 + j];
  int incl = run;
  for (int d = 1; d < 32; d *= 2) {
    const int v = __shfl_up_sync(0xffffffffu, incl, d);
    if (lane >= d) incl += v;
  }
  if (lane == 31) warp_sums[warp] = incl;
  __syncthreads();
  int before = 0;
  for (int w = 0; w < warp; ++w) before += warp_sums[w];
  int offset = before + incl - run;
  __syncthreads();  // every thread has read the counts of its run
  for (int j = 0; j < per; ++j) {
    const int64_t e = e0 + j;
    if (e >= p.experts) break;
    const int c = counts[e];
    counts[e] = offset;  // now the expert's first slot
    p.offsets[e] = offset;
    offset += c;
  }
  if (tid == kThreads - 1) p.offsets[p.experts] = before + incl;
  __syncthreads();
  if (id < 0) return;
  int rank = 0;  // earlier slots of the same expert: the sort is stable
  for (int j = 0; j < tid; ++j) rank += ids[j] == id;
  const int slot = counts[id] + rank;
  p.token_of[slot] = static_cast<int32_t>(tid / p.k);
  p.weight_of[slot] = p.weights[tid];
}

}  // namespace

void CudaBackend::moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts,
                            Tensor& token_of, Tensor& weight_of, Tensor& offsets) {
  const char* op = "moe_group";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_moe_group(ids, weights, experts, token_of, weight_of, offsets);
  const int32_t* idp = in_i32(ids, op, "ids");
  const float* wp = in_f32(weights, op, "weights");
  require(ids.rank() == 2, op, "ids must be [T, k]");
  require(experts >= 1, op, "experts must be >= 1");
  const int64_t T = ids.dim(0), k = ids.dim(1), n = T * k;
  check_shape(weights, {T, k}, op, "weights");
  int32_t* tp = out_i32(token_of, op, "token_of");
  check_shape(token_of, {n}, op, "token_of");
  float* gw = out_f32(weight_of, op, "weight_of");
  check_shape(weight_of, {n}, op, "weight_of");
  int32_t* off = out_i32(offsets, op, "offsets");
  check_shape(offsets, {experts + 1}, op, "offsets");
  if (n <= kThreads && experts <= kSmallExperts) {
    const SmallParams sp{{idp, wp, nullptr, tp, gw, off, n, k, experts}, be.device_errors()};
    return launch(be, moe_group_small_kernel, dim3(1), dim3(kThreads), 0, sp);
  }
  auto counts = scratch(static_cast<size_t>(experts) * sizeof(int32_t));
  CountParams cp{idp, static_cast<int32_t*>(counts->handle()), be.device_errors(), n, experts};
  launch(be, moe_count_kernel, dim3(static_cast<unsigned>(experts)), dim3(kThreads), 0, cp);
  PlaceParams pp{idp, wp, cp.counts, tp, gw, off, n, k, experts};
  launch(be, moe_place_kernel, dim3(static_cast<unsigned>(experts)), dim3(kThreads), 0, pp);
}

}  // namespace archscope::cuda
