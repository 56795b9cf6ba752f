// How a CUPTI tracer ties eagerly launched kernels, copies and memsets to the op that launched
// them (graph-launched ones go through their node ids either way, activity_join.hpp):
// - Callbacks: CUPTI calls back on entry to every launch, copy and memset API function, and the
//   callback files the call's correlation id under the host's pushed tags. Cheap on a step that
//   is not traced (switched off with the activity kinds), costly on one that is: on bench-1b
//   decode tracing every step measured +65% against +26% with Api (docs/profiling.md).
// - Api: CUPTI's external correlation records, which it writes only beside runtime and driver
//   API activity records (enabled, then dropped).
// The runner picks Api when every decode step is traced (`run --cupti-sample 1`) and Callbacks
// when steps are sampled; ARCHSCOPE_CUPTI_CORRELATION=api|callbacks overrides the choice.
#pragma once

#include <cstdint>
#include <string_view>

namespace archscope::prof::gpu {

enum class CorrelationJoin { Callbacks, Api };

// The join for a run that traces every `sample`-th decode step (and the prefill). The override
// is read on each call; another value than api or callbacks is Error(Validation) naming it.
CorrelationJoin choose_correlation_join(int64_t sample);
// choose_correlation_join with the override given (empty: none).
CorrelationJoin choose_correlation_join(int64_t sample, std::string_view override_value);

const char* to_string(CorrelationJoin j);

}  // namespace archscope::prof::gpu
