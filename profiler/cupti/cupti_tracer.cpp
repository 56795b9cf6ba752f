// The GpuTracer of a CUDA backend, on CUPTI: op windows and launch-queue records tagged through
// the correlation ids of their API calls (cupti_activity.hpp), graph nodes through their CUPTI
// node ids (gpu/activity_join.hpp has
// the rules), device memory from the backend's pool and cudaMemGetInfo.
#include <cuda_runtime.h>

#include <utility>

#include "common/error.hpp"
#include "cuda/cuda_backend.hpp"
#include "cupti/cupti_activity.hpp"
#include "gpu/gpu_tracer.hpp"

namespace archscope::prof::gpu {

namespace {

bool g_tracer_alive = false;

class CuptiTracer final : public GpuTracer, public cuda::LaunchObserver {
 public:
  CuptiTracer(cuda::CudaBackend& be, CorrelationJoin join) : be_(be) {
    if (g_tracer_alive)
      throw Error(ErrorKind::Internal, "--cupti", "one CUPTI tracer at a time per process");
    be_.flush();
    cupti::start_collection(join);
    g_tracer_alive = true;
    be_.queue().set_observer(this);
    first_segment_ = be_.queue().first_segment();
    traced_launches(true);
  }
  ~CuptiTracer() override {
    be_.queue().set_first_segment(first_segment_);
    be_.queue().set_graph_variant(0);
    be_.queue().set_observer(nullptr);
    be_.queue().set_tag(0);
    while (open_ops_ > 0) end_op();
    cupti::stop_collection();
    g_tracer_alive = false;
  }

  void begin_op(uint64_t tag) override {
    be_.queue().set_tag(tag);
    if (!collecting_) return;
    cupti::push_correlation(CorrelationKind::OpWindow, tag);
    ++open_ops_;
  }
  void end_op() override {
    be_.queue().set_tag(0);
    if (open_ops_ == 0) return;
    cupti::pop_correlation(CorrelationKind::OpWindow);
    --open_ops_;
  }

  void set_collecting(bool on) override {
    if (on == collecting_) return;
    while (open_ops_ > 0) end_op();
    if (on)
      cupti::resume_collection();
    else
      cupti::pause_collection();
    traced_launches(on);
    collecting_ = on;
  }

  JoinedStep take_step(int64_t step, std::span<const OpIdent> ops, int64_t step_start_ns) override {
    while (open_ops_ > 0) end_op();  // an op that threw never closed its window
    cupti::flush();
    cupti::ActivityStore& s = cupti::activity_store();
    std::vector<RawActivity> acts;
    std::vector<ExternalCorrelation> corrs;
    std::lock_guard<std::mutex> lock(s.mutex);
    acts.swap(s.activities);
    corrs.swap(s.correlations);
    return join_step(step, acts, corrs, s.nodes, ops, step_start_ns);
  }

  StepMemoryRecord memory(int64_t step) override {
    StepMemoryRecord m;
    m.step = step;
    const cuda::PoolStats p = be_.memory_stats();
    m.allocator_in_use_bytes = p.in_use_bytes;
    m.allocator_reserved_bytes = p.reserved_bytes;
    size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) == cudaSuccess) {
      m.device_total_bytes = total;
      m.device_used_bytes = total - free;
    } else {
      cudaGetLastError();
    }
    return m;
  }

  uint64_t dropped() const override {
    cupti::ActivityStore& s = cupti::activity_store();
    std::lock_guard<std::mutex> lock(s.mutex);
    return s.dropped;
  }

  // cuda::LaunchObserver: every eager launch carries its record's tag (0 included, so that a
  // record made outside every op is not charged to the op window it happens to be launched in).
  void launching(uint64_t tag) override {
    if (collecting_) cupti::push_correlation(CorrelationKind::Launch, tag);
  }
  void launched() override {
    if (collecting_) cupti::pop_correlation(CorrelationKind::Launch);
  }
  void graph_node(cudaGraphNode_t node, uint64_t tag) override {
    const uint64_t id = cupti::graph_node_id(node);
    if (id == 0) return;
    cupti::ActivityStore& s = cupti::activity_store();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.nodes.node_tag[id] = tag;
  }

 private:
  // CUPTI makes each graph launch cost the host ~1.7 us per kernel node, and the device waits for
  // it (H200, bench-1b decode: 140-290 us idle before the second segment after a 16-record first
  // one): traced steps launch full segments from the start, so later launches overlap the
  // device's work. Their graphs are instantiated under CUPTI and kept apart (graph variant 1)
  // from those of untraced steps, instantiated with its activity kinds off, which launch as
  // without a tracer.
  void traced_launches(bool on) {
    be_.queue().set_first_segment(on ? cuda::LaunchQueue::kSegment : first_segment_);
    be_.queue().set_graph_variant(on ? 1 : 0);
  }

  cuda::CudaBackend& be_;
  int open_ops_ = 0;
  bool collecting_ = true;
  size_t first_segment_ = cuda::LaunchQueue::kFirstSegment;
};

}  // namespace

bool cupti_compiled() {
  return true;
}
std::string cupti_absent_reason() {
  return {};
}

std::unique_ptr<GpuTracer> make_gpu_tracer(Backend& backend, CorrelationJoin join) {
  auto* cuda = dynamic_cast<cuda::CudaBackend*>(&backend);
  if (!cuda)
    throw Error(ErrorKind::Unsupported, "--cupti",
                std::string("CUPTI traces the CUDA backend, not ") + backend.name());
  return std::make_unique<CuptiTracer>(*cuda, join);
}

}  // namespace archscope::prof::gpu
