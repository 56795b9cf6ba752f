// The forward pass on a Backend: prefill of a batch of sequences of different lengths, then decode
// steps, through the paged KV cache, producing fp32 logits. Every executed step is named after
// the analytic plan's op of that layer (engine/plan), and an observer sees each op begin and end
// on the backend's stream, so the profiler can time it against the plan's FLOPs and bytes.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.hpp"
#include "config/model_config.hpp"
#include "kv/paged_kv_cache.hpp"
#include "model/weights.hpp"

namespace archscope {

// One executed op. layer: -1 for the prologue (embedding), n_layers for the epilogue (final norm,
// LM head). op: the plan's op name; also: the further plan ops fused into this step, in plan
// order, comma-separated when several (the fused attention kernel computes "attn_scores" and
// "attn_values"; fused gate/up weights run "gate_proj" and "up_proj" as one matmul; a decode row
// runs "q_proj" with also "k_proj,v_proj" as one linear), or nullptr.
struct OpEvent {
  int64_t layer = 0;
  const char* op = "";
  const char* also = nullptr;
};

// The plan op names of an OpEvent::also list (empty for nullptr).
std::vector<std::string> fused_ops(const char* also);

class ForwardObserver {
 public:
  virtual ~ForwardObserver() = default;
  virtual void before(Stream& stream, const OpEvent& event) = 0;
  virtual void after(Stream& stream, const OpEvent& event) = 0;

  // Optional hooks for the profiler (defaults ignore them), called between ops, never inside one,
  // so what they cost is not charged to any op.
  //
  // The router's selection of MoE layer `layer` in this step: expert ids I32 [rows, top_k] in the
  // backend's memory, as enqueued on `stream`, handed over after the layer's last op (the forward
  // pass never reads it on the host). The tensor stays valid as long as a copy of it is held, so
  // an observer can keep it and download it after the step, off the layers' critical path.
  virtual void routed(Stream& /*stream*/, int64_t /*layer*/, const Tensor& /*expert_ids*/) {}
  // The residual stream F32 [rows, d_model] after layer `layer` (after its FFN residual add), as
  // enqueued on `stream`: read it with Backend::download and synchronize, never through a host
  // pointer. Valid only during the call (the next layer updates it in place).
  virtual void layer_output(Stream& /*stream*/, int64_t /*layer*/, const Tensor& /*residual*/) {}
};

// Host-side control of a forward pass: a cancellation poll and per-layer progress. Both are
// called on the host between ops, never inside one, and add no synchronisation with the device
// (on an asynchronous backend "between ops" is between enqueues, so `layer_done` counts layers
// enqueued, and a cancelled step still finishes the ops already enqueued).
class ForwardControl {
 public:
  virtual ~ForwardControl() = default;
  // Polled before every op; true abandons the step: forward() throws ForwardCancelled. The cache
  // entries of that step's sequences are then unspecified (reserved, partly written, linear
  // states partly updated): free those sequences.
  virtual bool cancelled() { return false; }
  // After each transformer layer of the step: `done` of `layers` layers issued.
  virtual void layer_done(int64_t /*done*/, int64_t /*layers*/) {}
};

// Thrown by forward() when its ForwardControl asked to stop.
class ForwardCancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "forward pass cancelled"; }
};

// New tokens of one sequence in a step: the whole prompt (prefill) or one token (decode).
struct SequenceStep {
  int64_t seq = 0;  // id from PagedKvCache::add_sequence
  std::vector<int32_t> tokens;
};

// Which rows get logits: every position (a full forward, `archscope logits`), or the last token of
// each sequence (generation: what the sampler needs; the plan's PlanOptions::logits_last_only).
enum class LogitRows { All, LastPerSequence };

class Model {
 public:
  // The config and the weights (built from that config) must outlive the model.
  Model(Backend& backend, const ModelConfig& config, const ModelWeights& weights);
  ~Model();

  void set_observer(ForwardObserver* observer) { observer_ = observer; }
  void set_control(ForwardControl* control) { control_ = control; }
  const ModelConfig& config() const { return config_; }

  // Runs the tokens of every sequence (each continues at its cached length), stores their keys
  // and values, and returns the logits F32 [total tokens, vocab], rows in the order given — or,
  // with LogitRows::LastPerSequence, [sequences, vocab], one row per sequence in the order given.
  Tensor forward(PagedKvCache& cache, const std::vector<SequenceStep>& batch,
                 LogitRows rows = LogitRows::All);
  // forward() and a host copy of the logits.
  std::vector<float> forward_host(PagedKvCache& cache, const std::vector<SequenceStep>& batch,
                                  LogitRows rows = LogitRows::All);
  // forward() of the last row of each sequence and, on the backend, the greedy next token of
  // each (Backend::argmax: the lowest id among equal maxima, as generate/sampler.hpp's
  // greedy_token); only the ids come back to the host. Throws Error(Internal, "sampler") naming
  // the first NaN logit of a row, as the host sampler does.
  std::vector<int32_t> forward_greedy(PagedKvCache& cache, const std::vector<SequenceStep>& batch);

 private:
  struct Tables;
  Backend& backend_;
  const ModelConfig& config_;
  const ModelWeights& weights_;
  std::vector<LayerSpec> specs_;
  ForwardObserver* observer_ = nullptr;
  ForwardControl* control_ = nullptr;
  std::unique_ptr<Tables> tables_;
};

}  // namespace archscope
