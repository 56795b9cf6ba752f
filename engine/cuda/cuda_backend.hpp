// The CUDA backend: device buffers from a caching pool (memory/device_pool.hpp), one CUDA stream
// whose launches are recorded and replayed as CUDA graphs when they repeat
// (stream/launch_queue.hpp), CUDA-event timers, host copies through pinned staging, and the ops,
// one file each under ops/ with the CPU op's stem. No op waits for the device: shape and dtype
// checks use host metadata, index checks run on the device (device_errors.hpp) and are reported
// at synchronize().
#pragma once

#include <cuda_runtime.h>

#include <memory>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/device_info.hpp"
#include "backend/kernel_choices.hpp"
#include "cuda/device_errors.hpp"
#include "cuda/memory/device_pool.hpp"
#include "cuda/quant/packed_gemv.hpp"
#include "cuda/stream/launch_queue.hpp"

namespace archscope::cuda {

class CudaBackend;
class LtGemm;

class CudaStream final : public Stream {
 public:
  explicit CudaStream(CudaBackend& b) : backend_(b) {}
  Backend& backend() const override;

 private:
  CudaBackend& backend_;
};

// The cuda/quant format of a packed weight element type (Error(Unsupported) for another).
PackedFormat packed_format_of(Elem e);
// The device pointer of w's row scales (elem_has_row_scales: Tensor::quant, `rows` of them from
// quant.offset), null for the block formats; Error(Validation, op) when missing or too few.
const float* packed_row_scales(const Tensor& w, int64_t rows, const char* op);

class CudaBackend final : public Backend {
 public:
  // Throws Error(Unsupported) when the device cannot be used.
  CudaBackend(int device, const KernelChoices& kernels = {});
  ~CudaBackend() override;
  const char* name() const override { return "cuda"; }
  // Packed weights, every packed Elem but FP8_BLOCK128 (q8_0, q4_0, int4-g128, nf4, mxfp4,
  // int8-/fp8-e4m3-channel): cuda/quant's dequantize-in-kernel GEMVs (decode) and a dequantized
  // fp32 GEMM (prefill) in linear; grouped_linear dequantizes the experts per call (slow).
  // fp8-e4m3-block128 is held with a scale per row and 128 columns on the CPU, a layout that
  // cuda/quant's block128 kernels (a ceil(N/128) x ceil(K/128) grid) do not take: dequantized.
  bool supports_packed(Elem e) const override {
    return elem_is_packed(e) && e != Elem::FP8_BLOCK128;
  }
  bool fuses_ops() const override { return kernels_.fuse; }
  // BF16 for bf16 weights on the cuBLASLt path (ops/linear.cu), which rounds x to bf16 anyway.
  Elem linear_input_elem(const Tensor& w, int64_t rows) const override;

  Tensor alloc(Elem elem, Shape shape) override;
  Stream& default_stream() override { return stream_obj_; }
  void synchronize(Stream& s) override;
  std::unique_ptr<Timer> create_timer() override;
  void upload(Stream& s, const void* host, Tensor& dst) override;
  void download(Stream& s, const Tensor& src, void* host) override;

  void fill(Stream& s, Tensor& out, float value) override;
  void copy(Stream& s, const Tensor& src, Tensor& dst) override;
  void scale(Stream& s, const Tensor& x, float scale, const Tensor& row_scale,
             Tensor& out) override;
  void index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight,
                 Tensor& out) override;
  void moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts,
                 Tensor& token_of, Tensor& weight_of, Tensor& offsets) override;
  void grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                      const Tensor& offsets, Tensor& out) override;
  void concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) override;
  void slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width, Tensor& out) override;
  void head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) override;

  void embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale,
                 const Tensor& positions, const Tensor& pos_table, Tensor& out) override;
  void add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) override;
  void gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) override;
  void argmax(Stream& s, const Tensor& x, Tensor& out) override;
  void norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
            const NormParams& p) override;
  void add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight, const Tensor& bias,
                Tensor& out, const NormParams& p) override;
  void gated_rms_norm(Stream& s, const Tensor& x, const Tensor& z, const Tensor& weight, float eps,
                      int64_t width, Tensor& out) override;
  void linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
              Tensor& out) override;
  void linear_residual(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                       Tensor& h) override;
  void rope_kv_store(Stream& s, Tensor& q, Tensor& k, const Tensor& v, const Tensor& positions,
                     const Tensor& cos, const Tensor& sin, const RopeApplyParams& p,
                     const KvBlocks& kv) override;
  void rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos, const Tensor& sin,
            const RopeApplyParams& p) override;
  void kv_store(Stream& s, const Tensor& k_new, const Tensor& v_new, const Tensor& positions,
                const KvBlocks& kv) override;
  void attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                 const Tensor& sinks, Tensor& out, const AttentionParams& p) override;
  void activation(Stream& s, const Tensor& x, Tensor& out, Activation a) override;
  void glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& p) override;
  void linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out,
                  const GluParams& p) override;
  void sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) override;
  void softcap(Stream& s, const Tensor& x, float scale, float cap, Tensor& out) override;
  void router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids, Tensor& weights,
              const RouterParams& p) override;
  void conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                     Tensor& state, bool silu, Tensor& out) override;
  void gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& a,
                   const Tensor& b, const Tensor& a_log, const Tensor& dt_bias, Tensor& state,
                   Tensor& out) override;

  // ---- for the ops and tools of this backend
  int device() const { return device_; }
  int sm_count() const { return sm_count_; }
  const std::string& device_name() const { return device_name_; }
  const KernelChoices& kernels() const { return kernels_; }
  void set_kernels(const KernelChoices& k);
  LaunchQueue& queue() { return *queue_; }
  cudaStream_t stream() const { return stream_; }
  DeviceErrors* device_errors() const { return errors_dev_; }
  LtGemm& gemm() { return *gemm_; }
  PoolStats memory_stats() const { return pool_->stats(); }
  // Launches what is recorded (before work that bypasses the queue, such as cuBLAS).
  void flush() { queue_->flush(); }
  // Device scratch of `bytes`, released when the returned buffer dies (stream-ordered reuse).
  std::shared_ptr<Buffer> scratch(size_t bytes);
  // At least n ints of zeroed device memory that kernels leave zeroed after use (the split-K
  // attention's completion counters); grown on demand, never shrunk.
  int* zeroed_counters(size_t n);

 private:
  void check_errors();

  int device_ = 0;
  int sm_count_ = 0;
  std::string device_name_;
  KernelChoices kernels_;
  cudaStream_t stream_ = nullptr;
  CudaStream stream_obj_;
  std::shared_ptr<DevicePool> pool_;
  std::unique_ptr<LaunchQueue> queue_;
  std::unique_ptr<LtGemm> gemm_;
  DeviceErrors* errors_host_ = nullptr;  // mapped pinned memory
  DeviceErrors* errors_dev_ = nullptr;
  unsigned char* staging_ = nullptr;  // pinned host memory for small uploads
  // Pinned landing memory of small downloads, copied to the callers' memory at synchronize().
  struct Readback {
    const unsigned char* slot;
    void* host;
    size_t bytes;
  };
  unsigned char* readback_ = nullptr;
  size_t readback_used_ = 0;
  std::vector<Readback> readbacks_;
  std::shared_ptr<Buffer> counters_;
  size_t counters_n_ = 0;
  size_t staging_used_ = 0;
};

// In-process device limits (ceilings.cu), for `archscope bench`.
DeviceCeilings measure_device_ceilings(CudaBackend& be);

// Ops' shorthand: the backend of a stream (checked) and device pointers of checked tensors.
CudaBackend& cuda_of(Backend& self, Stream& s, const char* op);

}  // namespace archscope::cuda
