#include "live/live_state.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace archscope::views::live {

namespace {

int32_t layers_of(const std::string& config_json) {
  const nlohmann::json j = nlohmann::json::parse(config_json, nullptr, false);
  if (!j.is_object()) return 0;
  const auto it = j.find("n_layers");
  return it != j.end() && it->is_number_integer() ? it->get<int32_t>() : 0;
}

void add(LayerKindNs& into, const LayerKindNs& from) {
  for (const auto& [layer, kinds] : from)
    for (const auto& [kind, ns] : kinds) into[layer][kind] += ns;
}

}  // namespace

double LiveState::decode_tokens_per_s() const {
  return decode.ns > 0 ? static_cast<double>(decode.tokens) * 1e9 / static_cast<double>(decode.ns)
                       : 0.0;
}
double LiveState::decode_ms_per_step() const {
  return decode.steps > 0 ? static_cast<double>(decode.ns) / 1e6 / static_cast<double>(decode.steps)
                          : 0.0;
}
double LiveState::decode_ms_per_token() const {
  return decode.tokens > 0
             ? static_cast<double>(decode.ns) / 1e6 / static_cast<double>(decode.tokens)
             : 0.0;
}
double LiveState::prefill_tokens_per_s() const {
  return last_prefill_ns > 0
             ? static_cast<double>(last_prefill_tokens) * 1e9 / static_cast<double>(last_prefill_ns)
             : 0.0;
}

std::string layer_label(int32_t layer, int32_t n_layers) {
  if (layer < 0) return "embed";
  if (n_layers > 0 && layer >= n_layers) return "head";
  return "L" + std::to_string(layer);
}

LiveFold::LiveFold(size_t history) {
  s_.history = RingBuffer<StepPoint>(history);
}

void LiveFold::on_step(const prof::StepRecord& st) {
  ++s_.steps_done;
  s_.in_flight.reset();
  StepPoint p;
  p.step = st.step;
  p.phase = st.phase;
  p.tokens = st.tokens;
  p.ms = static_cast<double>(st.duration_ns) / 1e6;
  p.tokens_per_s = st.duration_ns > 0
                       ? static_cast<double>(st.tokens) * 1e9 / static_cast<double>(st.duration_ns)
                       : 0;
  p.kv_used_bytes = st.kv_used_bytes;
  p.kv_allocated_bytes = st.kv_allocated_bytes;
  p.kv_used_by_kind = st.kv_used_by_kind;
  p.context_tokens = st.context_tokens;
  // A prefill that follows a decode step starts a new pass: its prefill figure restarts.
  const bool new_prefill = st.phase == prof::Phase::Prefill &&
                           (!s_.last_step || s_.last_step->phase == prof::Phase::Decode);
  s_.last_step = p;
  s_.history.push(p);
  s_.kv_used_by_kind = st.kv_used_by_kind;

  PhaseTotals& t = st.phase == prof::Phase::Prefill ? s_.prefill : s_.decode;
  ++t.steps;
  t.tokens += st.tokens;
  t.ns += st.duration_ns;
  if (st.phase == prof::Phase::Prefill) {
    if (new_prefill) s_.last_prefill_tokens = s_.last_prefill_ns = 0;
    s_.last_prefill_tokens += st.tokens;
    s_.last_prefill_ns += st.duration_ns;
  }
  if (spans_step_ == st.step) {
    ++t.spanned_steps;
    add(t.span_ns, spans_);
    s_.layers = std::move(spans_);
    s_.layers_step = st.step;
    s_.layers_phase = st.phase;
  }
  spans_.clear();
  spans_step_ = -1;
}

void LiveFold::apply(const prof::Event& e) {
  if (const auto* st = std::get_if<prof::RunStarted>(&e)) {
    s_.started = true;
    s_.run = st->run;
    s_.n_layers = layers_of(st->run.config_json);
    const prof::RunInfo& r = st->run;
    const int64_t chunks = r.prefill_chunk > 0 && r.prompt_tokens > 0
                               ? (r.prompt_tokens + r.prefill_chunk - 1) / r.prefill_chunk
                               : 1;
    s_.total_steps = std::max<int64_t>(1, r.repeat) * (chunks + r.new_tokens);
  } else if (const auto* b = std::get_if<prof::SpanBatch>(&e)) {
    for (const prof::SpanRecord& sp : b->spans) {
      if (sp.step != spans_step_) {  // a step's spans may come in several batches
        spans_.clear();
        spans_step_ = sp.step;
      }
      spans_[sp.layer][sp.kind] += sp.duration_ns;
    }
  } else if (const auto* f = std::get_if<prof::StepFinished>(&e)) {
    on_step(f->step);
  } else if (const auto* x = std::get_if<prof::ExpertCounts>(&e)) {
    for (const prof::ExpertCountRecord& r : x->counts) {
      s_.experts_last[r.layer] = r.tokens_per_expert;
      std::vector<int64_t>& sum = s_.experts_cumulative[r.layer];
      if (sum.size() < r.tokens_per_expert.size()) sum.resize(r.tokens_per_expert.size(), 0);
      for (size_t i = 0; i < r.tokens_per_expert.size(); ++i) sum[i] += r.tokens_per_expert[i];
    }
  } else if (const auto* a = std::get_if<prof::Activations>(&e)) {
    for (const prof::ActivationRecord& r : a->activations) {
      s_.residual_rms[r.layer] = r.rms;
      if (r.finite) continue;
      const auto& n = s_.first_nan;
      if (!n || r.step < n->step || (r.step == n->step && r.layer < n->layer))
        s_.first_nan = prof::NanSite{r.step, r.layer, r.first_bad_op};
    }
  } else if (const auto* q = std::get_if<prof::WeightsQuantized>(&e)) {
    s_.weights_quant = *q;
  } else if (const auto* p = std::get_if<prof::StepProgress>(&e)) {
    s_.in_flight = *p;
  } else if (const auto* fin = std::get_if<prof::RunFinished>(&e)) {
    s_.finished = true;
    s_.in_flight.reset();
    s_.run = fin->run;
    s_.summary = fin->summary;
    s_.events_dropped = std::max(s_.events_dropped, fin->events_dropped);
  } else if (const auto* fail = std::get_if<prof::RunFailed>(&e)) {
    s_.finished = true;
    s_.in_flight.reset();
    s_.run = fail->run;
    s_.failure = fail->reason;
    if (fail->where && !s_.first_nan) s_.first_nan = fail->where;
    s_.events_dropped = std::max(s_.events_dropped, fail->events_dropped);
  } else if (const auto* d = std::get_if<prof::Dropped>(&e)) {
    s_.events_dropped = d->total;
  }
}

}  // namespace archscope::views::live
