#include "cpu/cpu_backend.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/error.hpp"
#include "cpu/check.hpp"
#include "cpu/simd/target_override.hpp"

namespace archscope::cpu {

namespace {

// 64-byte alignment: a full cache line and an AVX-512 vector.
class HostBuffer final : public Buffer {
 public:
  HostBuffer(CpuBackend& owner, size_t bytes) : owner_(owner), bytes_(bytes) {
    const size_t rounded = (bytes + 63) / 64 * 64;
    data_ = rounded ? std::aligned_alloc(64, rounded) : nullptr;
    if (rounded && !data_)
      throw Error(ErrorKind::System, "cpu.alloc",
                  "cannot allocate " + std::to_string(bytes) + " bytes");
  }
  ~HostBuffer() override { std::free(data_); }
  void* handle() const override { return data_; }
  size_t bytes() const override { return bytes_; }
  Backend& owner() const override { return owner_; }

 private:
  CpuBackend& owner_;
  size_t bytes_;
  void* data_;
};

// Ops run at enqueue, so the span between start() and stop() is the work enqueued in between.
class CpuTimer final : public Timer {
 public:
  void start(Stream&) override { t0_ = Clock::now(); started_ = true; stopped_ = false; }
  void stop(Stream&) override {
    if (!started_) throw Error(ErrorKind::Internal, "cpu.timer", "stop() before start()");
    t1_ = Clock::now();
    stopped_ = true;
  }
  double elapsed_ms() const override {
    if (!stopped_) throw Error(ErrorKind::Internal, "cpu.timer", "elapsed_ms() before stop()");
    return std::chrono::duration<double, std::milli>(t1_ - t0_).count();
  }
  void start_at_start_of(Stream& s, const Timer& other) override {
    const auto* o = dynamic_cast<const CpuTimer*>(&other);
    if (!o || !o->started_) return start(s);
    t0_ = o->t0_;
    started_ = true;
    stopped_ = false;
  }
  void stop_at_start_of(Stream& s, const Timer& other) override {
    const auto* o = dynamic_cast<const CpuTimer*>(&other);
    if (!o || !o->started_) return stop(s);
    if (!started_) throw Error(ErrorKind::Internal, "cpu.timer", "stop() before start()");
    t1_ = o->t0_;
    stopped_ = true;
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point t0_, t1_;
  bool started_ = false, stopped_ = false;
};

}  // namespace

Backend& CpuStream::backend() const { return backend_; }

CpuBackend::CpuBackend(int threads) : pool_(threads), stream_(*this) {
  apply_cpu_target_override();  // ARCHSCOPE_CPU_TARGET, before any kernel is dispatched
}

Tensor CpuBackend::alloc(Elem elem, Shape shape) {
  Tensor probe(nullptr, elem, shape);  // validates dims and gives the byte count
  return Tensor(std::make_shared<HostBuffer>(*this, probe.bytes()), elem, std::move(shape));
}

void CpuBackend::synchronize(Stream& s) { check_stream(*this, s, "synchronize"); }

std::unique_ptr<Timer> CpuBackend::create_timer() { return std::make_unique<CpuTimer>(); }

void CpuBackend::upload(Stream& s, const void* host, Tensor& dst) {
  check_stream(*this, s, "upload");
  check_cpu(dst, "upload", "dst");
  if (dst.bytes()) std::memcpy(raw(dst), host, dst.bytes());
}

void CpuBackend::download(Stream& s, const Tensor& src, void* host) {
  check_stream(*this, s, "download");
  check_cpu(src, "download", "src");
  if (src.bytes()) std::memcpy(host, raw(src), src.bytes());
}

}  // namespace archscope::cpu
