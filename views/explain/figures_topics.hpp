// One builder per explain topic (internal to views/explain): each adds its topic's variables.
#pragma once

#include "explain/explain_figures.hpp"

namespace archscope::explain::detail {

void attention_heads(Variables& v, const Analysis& a);
void kv_cache(Variables& v, const Analysis& a);
void sliding_window(Variables& v, const Analysis& a);
void rope(Variables& v, const Analysis& a);
void norms(Variables& v, const Analysis& a);
void glu(Variables& v, const Analysis& a);
void moe_routing(Variables& v, const Analysis& a);
void shared_experts(Variables& v, const Analysis& a);
void weight_tying(Variables& v, const Analysis& a);
void quantization(Variables& v, const Analysis& a);
void flash_attention(Variables& v, const Analysis& a);
void speculative_decoding(Variables& v, const Analysis& a);
void batching(Variables& v, const Analysis& a);
void lora(Variables& v, const Analysis& a, const ExplainParams& p);
void pruning(Variables& v, const Analysis& a);
void early_exit(Variables& v, const Analysis& a);

}  // namespace archscope::explain::detail
