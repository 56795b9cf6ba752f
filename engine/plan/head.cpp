// Epilogue: final norm, LM head over every processed row (prefill computes logits for all
// positions, as a forward pass does; FLOPs per token stay comparable to 2·params) or, with
// PlanOptions::logits_last_only, over each sequence's last row; then the logit
// scale and the final soft-cap when configured. The LM head stays bf16 under quantized weight
// dtypes (see Builder). Tied embeddings: the head owns no parameters — the embedding op does —
// but it still reads the whole shared table.
#include "plan/builder.hpp"
#include "plan/costs.hpp"

namespace archscope::plan_detail {

void add_epilogue(const Builder& all_rows, std::vector<Op>& ops) {
  // Generation needs the logits of each sequence's last token only: one row per sequence.
  Builder b = all_rows;
  if (b.options.logits_last_only) {
    b.rows = b.batch;
    b.new_tokens = 1;
  }
  const ModelConfig& c = b.config;
  ops.push_back(finish(b.norm("final_norm", 1, c.d_model, c.d_model, c.norm.bias,
                              costs::norm_per_element(c.norm.kind, c.norm.bias))));

  OpDraft head = b.matmul("lm_head", Component::Head, c.d_model, c.vocab_size, false,
                          /*plain=*/true);
  if (c.tied_embeddings) {
    head.params = head.params_active = 0;
    head.param_bytes = 0;
  }
  ops.push_back(finish(head));

  const Shape logits = b.row({c.vocab_size});
  if (c.logit_scale != 1.0) {
    OpDraft scale = b.elementwise("logit_scale", OpKind::Scale, Component::Head, logits, 1, 1);
    ops.push_back(finish(scale));
  }
  if (c.final_softcap > 0) {
    ops.push_back(finish(b.elementwise("softcap", OpKind::Softcap, Component::Head, logits, 1,
                                       costs::kSoftcap)));
  }
}

}  // namespace archscope::plan_detail
