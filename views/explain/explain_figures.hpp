// The numbers each explain text is filled with, taken from the configuration's analysis: the plan's
// sums, and analyses of variants of the configuration (the same model with MHA, with every layer
// full, with int4 weights, with a quarter of the layers removed, ...) built by the same planner.
// Nothing here estimates a figure the plan can give.
#pragma once

#include <string>
#include <vector>

#include "explain/explain_template.hpp"
#include "plan/analysis.hpp"

namespace archscope::explain {

struct ExplainParams {
  int64_t lora_rank = 16;
  bool lora_all_linear = false;  // false: attention projections only; true: attention and FFN
};

// Every topic id that has figures, in the order the panel lists them.
const std::vector<std::string>& topic_ids();

// The variables of `topic` for `analysis`; Error(NotFound, topic) for an unknown id.
Variables topic_variables(const std::string& topic, const Analysis& analysis,
                          const ExplainParams& params = {});

// The topic that explains a configuration field (a FieldSpec path), "" for none.
std::string topic_for_field(const std::string& path);
// The topic for a diagram block: "embedding", "head", or a layer run of `attention` kind.
std::string topic_for_block(const std::string& block_kind, AttentionKind attention, bool moe);

}  // namespace archscope::explain
