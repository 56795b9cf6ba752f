// Expert-load statistics of MoE routing, computed from tokens-per-expert counts (one
// ExpertCountRecord per MoE layer and step). They answer "how unevenly does the router spread
// tokens, and what would a capacity-limited (token-dropping) implementation have lost?".
//
// Definitions, for loads n_1..n_E (E experts) with total N = Σ n_i routed assignments
// (N = tokens × top_k, each token counted once per expert it goes to):
//  - max load, mean load N / E;
//  - coefficient of variation: population standard deviation / mean (0 = perfectly even);
//  - normalised entropy: H / ln E with H = -Σ p_i ln p_i, p_i = n_i / N and 0 ln 0 = 0
//    (1 = perfectly even, 0 = every assignment on one expert);
//  - dropped tokens at capacity factor c: capacity C = ceil(c × N / E), the per-expert capacity
//    of GShard (Lepikhin et al. 2020, arXiv:2006.16668, §2.2) and the Switch Transformer
//    (Fedus et al. 2021, arXiv:2101.03961, §2.2: capacity = tokens / experts × capacity factor),
//    rounded up as Megatron-Core and DeepSpeed do (moe_utils get_capacity); with top-k routing
//    "tokens" counts assignments, N = tokens × top_k. Dropped = Σ max(0, n_i − C).
//
// No-token case (N = 0, e.g. a decode step whose tokens all went elsewhere, or a skipped layer):
// there is no distribution, so nothing is imbalanced: max = mean = cv = 0, normalised entropy 1,
// capacity 0, dropped 0. Views that must tell "balanced" from "empty" check `assignments == 0`.
// One expert (E = 1): ln E = 0, the load is trivially even, normalised entropy is 1.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/run_records.hpp"

namespace archscope::prof {

struct ExpertLoadStats {
  int64_t experts = 0;
  int64_t assignments = 0;  // N = Σ tokens_per_expert
  int64_t max_load = 0;
  double mean_load = 0;
  double cv = 0;                  // population std / mean
  double normalized_entropy = 1;  // H / ln E
  int64_t capacity = 0;           // per expert, at the capacity factor asked for
  int64_t dropped = 0;            // assignments over capacity
  double capacity_factor = 0;     // 0: not asked, capacity and dropped are 0
};

// ceil(c × assignments / experts). c > 0, experts >= 1, assignments >= 0, else Error(Validation).
// The product is rounded up after removing floating-point noise of c (1.1 × 10 is
// 11.000000000000002 in binary and must give 11, not 12).
int64_t expert_capacity(double capacity_factor, int64_t assignments, int64_t experts);

// Σ max(0, load − capacity).
int64_t dropped_over_capacity(std::span<const int64_t> tokens_per_expert, int64_t capacity);

// Stats of one count vector. capacity_factor 0 skips capacity/dropped. Throws Error(Validation)
// for an empty vector, a negative count or a negative capacity factor.
ExpertLoadStats expert_load(std::span<const int64_t> tokens_per_expert, double capacity_factor = 0);

// One MoE layer in one step.
struct StepExpertLoad {
  int64_t step = 0;
  int32_t layer = 0;
  ExpertLoadStats stats;
};

// One MoE layer over a run (or over the records given): counts summed over steps.
struct CumulativeExpertLoad {
  int32_t layer = 0;
  int64_t steps = 0;                       // records summed
  std::vector<int64_t> tokens_per_expert;  // Σ over steps
  // max/mean/cv/entropy of the summed counts. `dropped` is the sum of the per-step drops:
  // capacity applies to each forward pass, so drops cannot be recomputed from summed counts
  // (two steps each overloading a different expert may sum to an even distribution).
  // `capacity` is 0 here (it differs per step).
  ExpertLoadStats stats;
};

// In record order. Throws Error(Validation, "expert_counts[i]") for malformed records.
std::vector<StepExpertLoad> expert_load_per_step(const std::vector<ExpertCountRecord>& records,
                                                 double capacity_factor = 0);

// Sorted by layer. All records of a layer must have the same expert count, else
// Error(Validation, "expert_counts[i]").
std::vector<CumulativeExpertLoad> expert_load_cumulative(
    const std::vector<ExpertCountRecord>& records, double capacity_factor = 0);

}  // namespace archscope::prof
