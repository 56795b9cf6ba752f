#include "runner/run_observer.hpp"

#include <algorithm>
#include <utility>

#include "runner/tensor_check.hpp"

namespace archscope::prof {

RunObserver::RunObserver(CheckedBackend& backend, const ObserverOptions& options, int64_t experts)
    : backend_(backend), options_(options), experts_(experts), step_clock_(backend), op_clock_(backend) {
  backend_.set_tracking(options_.op_checks);
}

void RunObserver::begin_step(Stream& s, bool traced) {
  routed_.clear();  // left over only if the previous step threw
  if (options_.spans && options_.tracer && traced != traced_) {
    // Between steps: the stream was synchronised after the previous one.
    options_.tracer->set_collecting(traced);
    traced_ = traced;
  }
  // One clock reading for both clocks at each step boundary (SegmentClock::mark_at): the step's
  // time stays its own timer's, and the op chain's boundary marks fall on the same instants.
  step_clock_.mark(s);
  if (options_.spans && !options_.tracer) step_begin_mark_ = op_clock_.mark_at(s, step_clock_);
}

void RunObserver::end_step(Stream& s) {
  step_clock_.mark(s);
  if (options_.spans && !options_.tracer) step_end_mark_ = op_clock_.mark_at(s, step_clock_);
  // Enqueued after the step's last mark; the caller's synchronize completes them.
  for (Routed& r : routed_) {
    r.host.resize(static_cast<size_t>(r.ids.numel()));
    backend_.download(s, r.ids, r.host.data());
  }
}

StepObservation RunObserver::take_step() {
  const std::vector<int64_t> steps = step_clock_.collect();  // [..., begin, end]
  current_.start_ns = steps[steps.size() - 2];
  current_.duration_ns = steps.back() - current_.start_ns;
  if (options_.spans && options_.tracer && !traced_) {
    current_.memory = options_.tracer->memory(0);
  } else if (options_.spans && options_.tracer) {
    current_.traced = true;
    idents_.clear();
    for (const Pending& p : pending_) idents_.push_back({p.op.layer, p.op.op});
    gpu::JoinedStep j = options_.tracer->take_step(0, idents_, current_.start_ns);
    current_.ops.reserve(pending_.size());
    for (size_t i = 0; i < pending_.size(); ++i) {
      TimedOp op = pending_[i].op;
      op.start_ns = j.ops[i].start_ns;
      op.duration_ns = j.ops[i].duration_ns;
      current_.ops.push_back(op);
    }
    current_.outside_ops_ns = std::max<int64_t>(0, current_.duration_ns - j.ops_total_ns);
    current_.kernels = std::move(j.kernels);
    current_.unattributed_kernels = j.unattributed_kernels;
    current_.memory = options_.tracer->memory(0);
  } else if (options_.spans) {
    const std::vector<int64_t> marks = op_clock_.collect();
    const int64_t origin = marks[step_begin_mark_];
    current_.ops.reserve(pending_.size());
    current_.outside_ops_ns = marks[step_end_mark_] - origin;
    for (Pending& p : pending_) {
      // Op times are placed relative to the step start of the step clock, so span starts and
      // step starts share one origin.
      p.op.start_ns = current_.start_ns + (marks[p.begin] - origin);
      p.op.duration_ns = marks[p.end] - marks[p.begin];
      current_.outside_ops_ns -= p.op.duration_ns;
      current_.ops.push_back(p.op);
    }
  }
  pending_.clear();
  for (const Routed& r : routed_) {
    std::vector<int64_t>& counts = current_.tokens_per_expert[r.layer];
    counts.assign(static_cast<size_t>(experts_), 0);
    for (int32_t id : r.host)
      if (id >= 0 && id < experts_) ++counts[static_cast<size_t>(id)];
  }
  routed_.clear();
  StepObservation out = std::move(current_);
  current_ = StepObservation{};
  return out;
}

void RunObserver::before(Stream& s, const OpEvent& e) {
  if (options_.op_checks) backend_.clear_outputs();  // drop writes made outside any op
  if (!options_.spans) return;
  Pending p;
  p.op.layer = static_cast<int32_t>(e.layer);
  p.op.op = e.op;
  p.op.also = e.also;
  if (options_.tracer)
    options_.tracer->begin_op(pending_.size() + 1);  // the op's tag: its ordinal + 1
  else
    p.begin = op_clock_.mark(s);
  pending_.push_back(p);
}

void RunObserver::after(Stream& s, const OpEvent& e) {
  if (options_.spans && options_.tracer)
    options_.tracer->end_op();
  else if (options_.spans)
    pending_.back().end = op_clock_.mark(s);
  if (options_.op_checks) check_outputs(s, e);  // after the mark: not charged to the op
}

void RunObserver::check_outputs(Stream& s, const OpEvent& e) {
  const int32_t layer = static_cast<int32_t>(e.layer);
  const std::vector<Tensor> outputs = backend_.take_outputs();
  // Once a layer has its first bad op, later ops there see its NaN as input: nothing to learn.
  if (current_.first_bad_op.count(layer)) return;
  bool nan = false, bad = false;
  for (const Tensor& t : outputs) {
    const TensorCheck c = check_tensor(backend_, s, t, scratch_);
    nan = nan || c.has_nan;
    bad = bad || !c.finite();
  }
  if (!bad) return;
  current_.first_bad_op[layer] = e.op;
  if (!current_.first_bad) current_.first_bad = BadSite{layer, e.op, nan};
}

void RunObserver::routed(Stream& /*s*/, int64_t layer, const Tensor& expert_ids) {
  routed_.push_back(Routed{static_cast<int32_t>(layer), expert_ids, {}});
}

void RunObserver::layer_output(Stream& s, int64_t layer, const Tensor& residual) {
  if (!options_.activations) return;
  const TensorCheck c = check_tensor(backend_, s, residual, scratch_);
  const int32_t l = static_cast<int32_t>(layer);
  current_.activations.push_back({l, c.rms(), c.finite()});
  if (!c.finite() && !current_.first_bad) current_.first_bad = BadSite{l, "", c.has_nan};
}

}  // namespace archscope::prof
