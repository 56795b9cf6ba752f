#include "session/recorded_run.hpp"

#include <exception>
#include <optional>

#include "events/subscriber_thread.hpp"
#include "store/run_writer.hpp"

namespace archscope::prof::session {

namespace {

constexpr size_t kWriterQueue = 1 << 14;  // events; a step is at most six

// The SQLite subscriber: records into the run's writer, the final status at the terminal event.
SubscriberThread::Callback store_writer(std::shared_ptr<store::RunWriter> w) {
  return [w](const Event& e) {
    if (w->closed()) return;  // an honoured interrupt: the run is already marked
    if (const auto* b = std::get_if<SpanBatch>(&e)) {
      for (const SpanRecord& s : b->spans) w->add(s);
    } else if (const auto* s = std::get_if<StepFinished>(&e)) {
      w->add(s->step);
      w->flush();  // each finished step becomes visible to readers, with all its records
    } else if (const auto* x = std::get_if<ExpertCounts>(&e)) {
      for (const auto& r : x->counts) w->add(r);
    } else if (const auto* a = std::get_if<Activations>(&e)) {
      for (const auto& r : a->activations) w->add(r);
    } else if (const auto* k = std::get_if<KernelBatch>(&e)) {
      for (const auto& r : k->kernels) w->add(r);
      for (const auto& r : k->memory) w->add(r);
    } else if (std::get_if<RunFinished>(&e)) {
      w->finish(RunStatus::Complete);
    } else if (const auto* f = std::get_if<RunFailed>(&e)) {
      w->finish(f->run.status, f->reason);
    }
  };
}

}  // namespace

struct RecordedRun::Writer {
  Writer(store::RunStore& store, int64_t id, EventChannel& channel)
      : writer(std::make_shared<store::RunWriter>(store.writer(id))),
        thread(channel, "sqlite", kWriterQueue, store_writer(writer)) {}
  std::shared_ptr<store::RunWriter> writer;
  SubscriberThread thread;
};

RecordedRun::RecordedRun(store::RunStore& store, ProfiledRun& run) : run_(run) {
  id_ = store.create_run(run.info());
  run_.info().id = id_;
  writer_ = std::make_unique<Writer>(store, id_, channel_);
}

RecordedRun::~RecordedRun() {
  channel_.close();  // run() not called, or it threw: let the writer drain and stop
}

RecordedResult RecordedRun::run() {
  RecordedResult out;
  out.id = id_;
  std::exception_ptr error;
  try {
    out.result = run_.run(channel_);
  } catch (...) {
    error = std::current_exception();  // published as RunFailed: let the writer store it first
  }
  channel_.close();
  writer_->thread.join();
  out.writer_dropped = writer_->thread.stats().dropped;
  if (error) std::rethrow_exception(error);
  return out;
}

}  // namespace archscope::prof::session
