// `archscope quant` results in the run store (schema version kWeightsQuantVersion): a
// measurement is a run (its row says model, config, backend, device, tokens) with one quant_evals
// row and its scheme, tensor, layer and outlier rows. Deleting the run deletes them.
#pragma once

#include <cstdint>
#include <optional>

#include "quant/eval_result.hpp"
#include "store/run_store.hpp"

namespace archscope::prof::store {

// Writes `result` for run `run_id` in one transaction. Error(NotFound) for an unknown run,
// Error(Validation) for a read-only store or a run that has a result already.
void save_quant_result(RunStore& store, int64_t run_id, const quant::EvalResult& result);
// The stored result of run `run_id`, nullopt when it has none (a profiled run, or a file older
// than the quant tables). Error(NotFound) for an unknown run.
std::optional<quant::EvalResult> load_quant_result(RunStore& store, int64_t run_id);

}  // namespace archscope::prof::store
