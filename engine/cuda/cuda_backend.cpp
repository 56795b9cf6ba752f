#include "cuda/cuda_backend.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "cuda/check.hpp"
#include "cuda/gemm/cublaslt_gemm.hpp"

namespace archscope::cuda {

namespace {

constexpr size_t kStagingBytes = 4 << 20;  // pinned bounce buffer for small uploads
constexpr size_t kStagedUploadMax = 256
                                    << 10;  // larger uploads go straight from the caller's memory
// Small downloads (a step's token ids, a batch-1 logits row) land in pinned memory by DMA and are
// copied to the caller's memory at synchronize(): a pageable destination makes the driver stage
// the copy itself and hold the host until it is done.
constexpr size_t kReadbackBytes = 1 << 20;
constexpr size_t kReadbackMax = 256 << 10;

void check_cuda(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw Error(ErrorKind::Internal, "cuda", std::string(what) + ": " + cudaGetErrorString(e));
}

class DeviceBuffer final : public Buffer {
 public:
  DeviceBuffer(CudaBackend& owner, std::shared_ptr<DevicePool> pool, size_t bytes)
      : owner_(owner), pool_(std::move(pool)), bytes_(bytes), data_(pool_->allocate(bytes)) {}
  ~DeviceBuffer() override { pool_->release(data_); }
  void* handle() const override { return data_; }
  size_t bytes() const override { return bytes_; }
  Backend& owner() const override { return owner_; }

 private:
  CudaBackend& owner_;
  std::shared_ptr<DevicePool> pool_;  // outlives the backend if a tensor does
  size_t bytes_;
  void* data_;
};

// Two events around a span of the stream; elapsed_ms() once the stream has passed stop().
class CudaTimer final : public Timer {
 public:
  explicit CudaTimer(CudaBackend& b) : backend_(b) {
    check_cuda(cudaEventCreate(&start_), "cudaEventCreate");
    check_cuda(cudaEventCreate(&stop_), "cudaEventCreate");
  }
  ~CudaTimer() override {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  void start(Stream& s) override {
    cuda_of(backend_, s, "timer");
    backend_.queue().event(start_);
    started_ = true;
    stopped_ = false;
  }
  void stop(Stream& s) override {
    cuda_of(backend_, s, "timer");
    if (!started_) throw Error(ErrorKind::Internal, "cuda.timer", "stop() before start()");
    backend_.queue().event(stop_);
    stopped_ = true;
  }
  double elapsed_ms() const override {
    if (!stopped_) throw Error(ErrorKind::Internal, "cuda.timer", "elapsed_ms() before stop()");
    const cudaError_t q = cudaEventQuery(stop_);
    if (q == cudaErrorNotReady)
      throw Error(ErrorKind::Internal, "cuda.timer",
                  "elapsed_ms() before the stream was synchronised past stop()");
    check_cuda(q, "cudaEventQuery");
    float ms = 0.0f;
    check_cuda(cudaEventElapsedTime(&ms, start_, stop_), "cudaEventElapsedTime");
    return ms;
  }

 private:
  CudaBackend& backend_;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
  bool started_ = false, stopped_ = false;
};

}  // namespace

Backend& CudaStream::backend() const {
  return backend_;
}

CudaBackend& cuda_of(Backend& self, Stream& s, const char* op) {
  if (&s.backend() != &self) fail(op, "stream belongs to another backend");
  return static_cast<CudaBackend&>(self);
}

CudaBackend::CudaBackend(int device, const KernelChoices& kernels)
    : device_(device), kernels_(kernels), stream_obj_(*this) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    cudaGetLastError();
    throw Error(ErrorKind::Unsupported, "--backend", "no CUDA device is available");
  }
  if (device < 0 || device >= count)
    throw Error(ErrorKind::Validation, "--backend",
                "cuda:" + std::to_string(device) + " does not exist (" + std::to_string(count) +
                    " device(s))");
  check_cuda(cudaSetDevice(device), "cudaSetDevice");
  cudaDeviceProp prop{};
  check_cuda(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  if (prop.major < 8)
    throw Error(ErrorKind::Unsupported, "--backend",
                std::string(prop.name) + " (compute " + std::to_string(prop.major) + "." +
                    std::to_string(prop.minor) + "): this build's kernels are compiled for sm_90");
  sm_count_ = prop.multiProcessorCount;
  device_name_ = prop.name;
  check_cuda(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  pool_ = std::make_shared<DevicePool>([this] {
    queue_->flush();
    cudaStreamSynchronize(stream_);
  });
  queue_ = std::make_unique<LaunchQueue>(stream_, QueueOptions{kernels.graphs, kernels.pdl});
  check_cuda(cudaHostAlloc(reinterpret_cast<void**>(&errors_host_), sizeof(DeviceErrors),
                           cudaHostAllocMapped),
             "cudaHostAlloc");
  std::memset(errors_host_, 0, sizeof(DeviceErrors));
  check_cuda(cudaHostGetDevicePointer(reinterpret_cast<void**>(&errors_dev_), errors_host_, 0),
             "cudaHostGetDevicePointer");
  check_cuda(
      cudaHostAlloc(reinterpret_cast<void**>(&staging_), kStagingBytes, cudaHostAllocDefault),
      "cudaHostAlloc");
  check_cuda(
      cudaHostAlloc(reinterpret_cast<void**>(&readback_), kReadbackBytes, cudaHostAllocDefault),
      "cudaHostAlloc");
  gemm_ = std::make_unique<LtGemm>(*this);
}

CudaBackend::~CudaBackend() {
  try {
    queue_->flush();
  } catch (...) {
  }
  cudaStreamSynchronize(stream_);
  gemm_.reset();
  queue_.reset();
  cudaFreeHost(staging_);
  cudaFreeHost(readback_);
  cudaFreeHost(errors_host_);
  cudaStreamDestroy(stream_);
}

void CudaBackend::set_kernels(const KernelChoices& k) {
  queue_->flush();
  kernels_ = k;
  queue_->set_options(QueueOptions{k.graphs, k.pdl});
}

Tensor CudaBackend::alloc(Elem elem, Shape shape) {
  Tensor probe(nullptr, elem, shape);  // validates dims and gives the byte count
  return Tensor(std::make_shared<DeviceBuffer>(*this, pool_, probe.bytes()), elem,
                std::move(shape));
}

std::shared_ptr<Buffer> CudaBackend::scratch(size_t bytes) {
  return std::make_shared<DeviceBuffer>(*this, pool_, bytes);
}

int* CudaBackend::zeroed_counters(size_t n) {
  if (n > counters_n_) {
    const size_t want = std::max<size_t>(n, 4096);
    queue_->flush();  // kernels queued before use the old buffer, which stays alive until they ran
    auto fresh = scratch(want * sizeof(int));
    queue_->external_work();
    check_cuda(cudaMemsetAsync(fresh->handle(), 0, want * sizeof(int), stream_), "cudaMemsetAsync");
    counters_ = fresh;
    counters_n_ = want;
  }
  return static_cast<int*>(counters_->handle());
}

void CudaBackend::check_errors() {
  // The device wrote through the mapping; read each field once through a volatile view.
  const volatile DeviceErrors* v = errors_host_;
  const int code = v->code;
  if (code == 0) return;
  const long long value = v->value, bound = v->bound, extra = v->extra;
  std::memset(errors_host_, 0, sizeof(DeviceErrors));
  const auto c = static_cast<DeviceCheck>(code);
  throw Error(ErrorKind::Validation, device_check_op(c), device_check_message(c, value, bound, extra));
}

void CudaBackend::synchronize(Stream& s) {
  cuda_of(*this, s, "synchronize");
  queue_->flush();
  const cudaError_t e = cudaStreamSynchronize(stream_);
  staging_used_ = 0;
  queue_->step_boundary();
  std::vector<Readback> done;
  done.swap(readbacks_);
  readback_used_ = 0;
  check_cuda(e, "cudaStreamSynchronize (a kernel failed)");
  for (const Readback& r : done) std::memcpy(r.host, r.slot, r.bytes);
  check_errors();
}

std::unique_ptr<Timer> CudaBackend::create_timer() {
  return std::make_unique<CudaTimer>(*this);
}

void CudaBackend::upload(Stream& s, const void* host, Tensor& dst) {
  cuda_of(*this, s, "upload");
  check_owned(dst, "upload", "dst");
  const size_t n = dst.bytes();
  if (n == 0) return;
  if (n <= kStagedUploadMax) {
    if (staging_used_ + n > kStagingBytes) {  // the bounce buffer is still being read: wait
      queue_->flush();
      check_cuda(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
      staging_used_ = 0;
    }
    unsigned char* slot = staging_ + staging_used_;
    std::memcpy(slot, host, n);
    staging_used_ += (n + 255) / 256 * 256;
    queue_->copy(dptr(dst), slot, n, cudaMemcpyHostToDevice);
    return;
  }
  // Large (weights): from the caller's pageable memory, which the driver stages itself; the call
  // returns once the source has been read.
  queue_->flush();
  queue_->external_work();
  check_cuda(cudaMemcpyAsync(dptr(dst), host, n, cudaMemcpyHostToDevice, stream_),
             "cudaMemcpyAsync");
}

void CudaBackend::download(Stream& s, const Tensor& src, void* host) {
  cuda_of(*this, s, "download");
  check_owned(src, "download", "src");
  const size_t n = src.bytes();
  if (n == 0) return;
  queue_->flush();
  queue_->external_work();
  if (n <= kReadbackMax && readback_used_ + n <= kReadbackBytes) {
    unsigned char* slot = readback_ + readback_used_;
    readback_used_ += (n + 255) / 256 * 256;
    check_cuda(cudaMemcpyAsync(slot, dptr(src), n, cudaMemcpyDeviceToHost, stream_),
               "cudaMemcpyAsync");
    readbacks_.push_back({slot, host, n});
    return;
  }
  check_cuda(cudaMemcpyAsync(host, dptr(src), n, cudaMemcpyDeviceToHost, stream_),
             "cudaMemcpyAsync");
}

}  // namespace archscope::cuda
