// Prologue: the token embedding lookup (scaled by embedding_scale when it is not 1, Gemma) and,
// for learned positions (GPT-2), the position table lookup added to it. Both tables count as
// active parameters (every token uses them); a lookup reads only the gathered rows.
#include <algorithm>

#include "plan/builder.hpp"

namespace archscope::plan_detail {

namespace {

OpDraft lookup(const Builder& b, std::string name, int64_t table_rows) {
  const int64_t d = b.config.d_model;
  const wide rows = w(b.rows);
  OpDraft e;
  e.name = std::move(name);
  e.kind = OpKind::Embedding;
  e.component = Component::Embedding;
  e.inputs = {b.row({})};  // token ids or positions
  e.output = b.row({d});
  e.params = e.params_active = w(table_rows) * w(d);
  e.param_bytes = b.plain_bytes(e.params);
  e.bytes_read = b.plain_bytes(rows * w(d)) + rows * 4;  // gathered rows + int32 indices
  e.bytes_written = b.act_bytes(rows * w(d));
  e.compute = b.options.activations;
  return e;
}

}  // namespace

void add_prologue(const Builder& b, std::vector<Op>& ops) {
  const ModelConfig& c = b.config;
  OpDraft tokens = lookup(b, "embedding", c.vocab_size);
  if (c.embedding_scale != 1.0) tokens.flops = w(b.rows) * w(c.d_model);
  ops.push_back(finish(tokens));

  const auto& pattern = c.position.pattern;
  if (std::find(pattern.begin(), pattern.end(), PositionKind::Learned) != pattern.end()) {
    OpDraft positions = lookup(b, "positions", c.max_context);
    positions.flops = w(b.rows) * w(c.d_model);  // added to the token embeddings
    positions.bytes_read += b.act_bytes(w(b.rows) * w(c.d_model));
    ops.push_back(finish(positions));
  }
}

}  // namespace archscope::plan_detail
