#include "events/events.hpp"

namespace archscope::prof {

namespace {
template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;
}  // namespace

const char* event_name(const Event& e) {
  return std::visit(Overload{
                        [](const RunStarted&) { return "run_started"; },
                        [](const SpanBatch&) { return "span_batch"; },
                        [](const StepFinished&) { return "step_finished"; },
                        [](const ExpertCounts&) { return "expert_counts"; },
                        [](const Activations&) { return "activations"; },
                        [](const StepProgress&) { return "step_progress"; },
                        [](const RunFinished&) { return "run_finished"; },
                        [](const RunFailed&) { return "run_failed"; },
                        [](const Dropped&) { return "dropped"; },
                        [](const KernelBatch&) { return "kernel_batch"; },
                        [](const WeightsQuantized&) { return "weights_quantized"; },
                    },
                    e);
}

bool is_terminal(const Event& e) {
  return std::holds_alternative<RunFinished>(e) || std::holds_alternative<RunFailed>(e);
}

}  // namespace archscope::prof
