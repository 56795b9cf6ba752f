// Token embedding gather with scale (Gemma: sqrt(d_model)) and an optional learned absolute
// position table (GPT-2), read in their stored dtype and widened to fp32. One block per token; a
// token id or position out of range is reported (device_errors.hpp) and its row left unwritten.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct EmbeddingParams {
  const int32_t* ids;
  const void* table;
  const int32_t* positions;
  const void* pos_table;
  float* out;
  DeviceErrors* err;
  int64_t V, D, P;
  float scale;
  FElem te, pe;
};

__global__ void embedding_kernel(EmbeddingParams p) {
  kernel_prologue();
  const int64_t t = blockIdx.x;
  const int64_t id = p.ids[t];
  if (id < 0 || id >= p.V) {
    if (threadIdx.x == 0) report(p.err, DeviceCheck::EmbeddingId, id, p.V);
    return;
  }
  int64_t pos = 0;
  if (p.pos_table) {
    pos = p.positions[t];
    if (pos < 0 || pos >= p.P) {
      if (threadIdx.x == 0) report(p.err, DeviceCheck::EmbeddingPosition, pos, p.P);
      return;
    }
  }
  float* y = p.out + t * p.D;
  for (int64_t i = threadIdx.x; i < p.D; i += blockDim.x) {
    // Two roundings, no fused multiply-add: the CPU backend's result bit for bit.
    float v = __fmul_rn(p.scale, load_elem(p.table, p.te, id * p.D + i));
    if (p.pos_table) v = __fadd_rn(v, load_elem(p.pos_table, p.pe, pos * p.D + i));
    y[i] = v;
  }
}
}  // namespace

void CudaBackend::embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale,
                            const Tensor& positions, const Tensor& pos_table, Tensor& out) {
  const char* op = "embedding";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_embedding(ids, table, positions, pos_table, out);
  EmbeddingParams p{};
  p.ids = in_i32(ids, op, "ids");
  check_float(table, op, "table");
  require(ids.rank() == 1 && table.rank() == 2, op, "ids must be [T], table [V, D]");
  const int64_t T = ids.dim(0);
  p.V = table.dim(0);
  p.D = table.dim(1);
  p.out = out_f32(out, op, "out");
  check_shape(out, {T, p.D}, op, "out");
  if (pos_table.defined()) {
    check_float(pos_table, op, "pos_table");
    p.positions = in_i32(positions, op, "positions");
    check_shape(positions, {T}, op, "positions");
    require(pos_table.rank() == 2 && pos_table.dim(1) == p.D, op, "pos_table must be [P, D]");
    p.P = pos_table.dim(0);
    p.pos_table = dptr(pos_table);
    p.pe = felem(pos_table.elem());
  }
  p.table = dptr(table);
  p.te = felem(table.elem());
  p.scale = scale;
  p.err = be.device_errors();
  launch(be, embedding_kernel, dim3(static_cast<unsigned>(T)), dim3(p.D >= 256 ? 256 : 64), 0, p);
}

}  // namespace archscope::cuda
