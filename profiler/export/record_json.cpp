#include "export/record_json.hpp"

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "metrics/span_rate.hpp"

namespace archscope::prof {

using nlohmann::json;

namespace {

const json& member(const json& j, const char* key, const std::string& where) {
  if (!j.is_object()) throw Error(ErrorKind::Parse, where, "expected an object");
  auto it = j.find(key);
  if (it == j.end()) throw Error(ErrorKind::Parse, where + "." + key, "missing");
  return *it;
}

std::string get_string(const json& j, const char* key, const std::string& where) {
  const json& v = member(j, key, where);
  if (!v.is_string()) throw Error(ErrorKind::Parse, where + "." + key, "expected a string");
  return v.get<std::string>();
}

int64_t get_int(const json& j, const char* key, const std::string& where) {
  const json& v = member(j, key, where);
  if (v.is_number_unsigned() &&
      v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    throw Error(ErrorKind::Parse, where + "." + key, "out of range");
  if (!v.is_number_integer())
    throw Error(ErrorKind::Parse, where + "." + key, "expected an integer");
  return v.get<int64_t>();
}

int32_t get_int32(const json& j, const char* key, const std::string& where) {
  const int64_t v = get_int(j, key, where);
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
    throw Error(ErrorKind::Parse, where + "." + key, "out of range");
  return static_cast<int32_t>(v);
}

uint64_t get_uint(const json& j, const char* key, const std::string& where) {
  const json& v = member(j, key, where);
  if (!v.is_number_unsigned())
    throw Error(ErrorKind::Parse, where + "." + key, "expected an unsigned integer");
  return v.get<uint64_t>();
}

Phase get_phase(const json& j, const std::string& where) {
  Phase p;
  if (!parse_phase(get_string(j, "phase", where), p))
    throw Error(ErrorKind::Parse, where + ".phase", "expected \"prefill\" or \"decode\"");
  return p;
}

json layer_times(const std::map<int32_t, int64_t>& m) {
  json a = json::array();
  for (const auto& [layer, ns] : m) a.push_back({{"layer", layer}, {"ns", ns}});
  return a;
}

json phase_times(const PhaseTimes& t) {
  return {{"spans", t.spans},
          {"span_ns", t.span_ns},
          {"flops", t.flops},
          {"bytes", t.bytes},
          {"gflop_per_s", t.gflop_per_s},
          {"gb_per_s", t.gb_per_s},
          {"layer_ns", layer_times(t.layer_ns)},
          {"kind_ns", t.kind_ns}};
}

json expert_stats(const ExpertLoadStats& s) {
  return {{"experts", s.experts},
          {"assignments", s.assignments},
          {"max_load", s.max_load},
          {"mean_load", s.mean_load},
          {"cv", s.cv},
          {"normalized_entropy", s.normalized_entropy},
          {"capacity_factor", s.capacity_factor},
          {"capacity", s.capacity},
          {"dropped", s.dropped}};
}

double get_double(const json& j, const char* key, const std::string& where) {
  const json& v = member(j, key, where);
  if (!v.is_number()) throw Error(ErrorKind::Parse, where + "." + key, "expected a number");
  return v.get<double>();
}

}  // namespace

json to_json(const WeightsSource& w) {
  json j{{"origin", to_string(w.origin)}};
  if (w.origin == WeightsOrigin::Checkpoint) j["checkpoint"] = w.checkpoint;
  if (w.origin == WeightsOrigin::Random) {
    j["seed"] = w.seed;
    j["heavy_tailed"] = w.heavy_tailed;
    if (w.heavy_tailed) {
      j["outlier_fraction"] = w.outlier_fraction;
      j["outlier_scale"] = w.outlier_scale;
    }
  }
  return j;
}

WeightsSource weights_source_from_json(const json& j, const std::string& where) {
  WeightsSource w;
  if (!parse_weights_origin(get_string(j, "origin", where), w.origin))
    throw Error(ErrorKind::Parse, where + ".origin", "expected unknown, checkpoint or random");
  if (w.origin == WeightsOrigin::Checkpoint) w.checkpoint = get_string(j, "checkpoint", where);
  if (w.origin == WeightsOrigin::Random) {
    w.seed = get_uint(j, "seed", where);
    const json& heavy = member(j, "heavy_tailed", where);
    if (!heavy.is_boolean())
      throw Error(ErrorKind::Parse, where + ".heavy_tailed", "expected true or false");
    w.heavy_tailed = heavy.get<bool>();
    if (w.heavy_tailed) {
      w.outlier_fraction = get_double(j, "outlier_fraction", where);
      w.outlier_scale = get_double(j, "outlier_scale", where);
    }
  }
  return w;
}

bool parse_phase(const std::string& s, Phase& out) {
  for (Phase p : {Phase::Prefill, Phase::Decode}) {
    if (s == to_string(p)) {
      out = p;
      return true;
    }
  }
  return false;
}

json to_json(const RunInfo& r) {
  json j = {{"id", r.id},
            {"name", r.name},
            {"started_at", r.started_at},
            {"finished_at", r.finished_at},
            {"model", r.model},
            {"config_json", r.config_json},
            {"backend", r.backend},
            {"device", r.device},
            {"weights_dtype", r.weights_dtype},
            {"weights_quant", r.weights_quant},
            {"weights_source", to_json(r.weights_source)},
            {"kv_dtype", r.kv_dtype},
            {"batch", r.batch},
            {"prompt_tokens", r.prompt_tokens},
            {"new_tokens", r.new_tokens},
            {"threads", r.threads},
            {"warmup", r.warmup},
            {"repeat", r.repeat},
            {"checks", r.checks},
            {"prefill_chunk", r.prefill_chunk},
            {"version", r.version},
            {"git_revision", r.git_revision},
            {"status", to_string(r.status)},
            {"failure", r.failure}};
  // The slice as {"first": A, "last": B} (both included); null: the whole model ran.
  j["layers"] = r.sliced() ? json{{"first", r.layer_first}, {"last", r.layer_last}} : json(nullptr);
  return j;
}

json to_json(const StepRecord& r) {
  return {{"step", r.step},
          {"phase", to_string(r.phase)},
          {"tokens", r.tokens},
          {"start_ns", r.start_ns},
          {"duration_ns", r.duration_ns},
          {"kv_allocated_bytes", r.kv_allocated_bytes},
          {"kv_used_bytes", r.kv_used_bytes},
          {"kv_used_by_kind", r.kv_used_by_kind},
          {"context_tokens", r.context_tokens}};
}

json to_json(const SpanRecord& r) {
  const SpanRate rate = span_rate(r);
  return {{"step", r.step},
          {"phase", to_string(r.phase)},
          {"layer", r.layer},
          {"op", r.op},
          {"kind", r.kind},
          {"start_ns", r.start_ns},
          {"duration_ns", r.duration_ns},
          {"flops", r.flops},
          {"bytes", r.bytes},
          {"gflop_per_s", rate.gflop_per_s},
          {"gb_per_s", rate.gb_per_s}};
}

json to_json(const ExpertCountRecord& r) {
  return {{"step", r.step}, {"layer", r.layer}, {"tokens_per_expert", r.tokens_per_expert}};
}

json to_json(const ActivationRecord& r) {
  return {{"step", r.step},
          {"layer", r.layer},
          {"rms", std::isfinite(r.rms) ? json(r.rms) : json(nullptr)},
          {"finite", r.finite},
          {"first_bad_op", r.first_bad_op}};
}

json to_json(const RunSummary& s) {
  json nan = nullptr;
  if (s.first_nan)
    nan = {{"step", s.first_nan->step}, {"layer", s.first_nan->layer}, {"op", s.first_nan->op}};
  return {{"passes", s.passes},
          {"tokens_per_decode_step", s.tokens_per_decode_step},
          {"prefill_steps", s.prefill_steps},
          {"prefill_tokens", s.prefill_tokens},
          {"prefill_ns", s.prefill_ns},
          {"prefill_ms", s.prefill_ms},
          {"prefill_tokens_per_s", s.prefill_tokens_per_s},
          {"decode_steps", s.decode_steps},
          {"decode_tokens", s.decode_tokens},
          {"decode_ns", s.decode_ns},
          {"decode_tokens_per_s", s.decode_tokens_per_s},
          {"decode_ms_per_step_mean", s.decode_ms_per_step_mean},
          {"decode_ms_per_step_p50", s.decode_ms_per_step_p50},
          {"decode_ms_per_step_p90", s.decode_ms_per_step_p90},
          {"decode_ms_per_token_mean", s.decode_ms_per_token_mean},
          {"decode_ms_per_token_p50", s.decode_ms_per_token_p50},
          {"decode_ms_per_token_p90", s.decode_ms_per_token_p90},
          {"prefill", phase_times(s.prefill)},
          {"decode", phase_times(s.decode)},
          {"first_nan", nan}};
}

json to_json(const CumulativeExpertLoad& l) {
  return {{"layer", l.layer},
          {"steps", l.steps},
          {"tokens_per_expert", l.tokens_per_expert},
          {"stats", expert_stats(l.stats)}};
}

RunInfo run_info_from_json(const json& j, const std::string& where) {
  RunInfo r;
  r.id = get_int(j, "id", where);
  r.name = get_string(j, "name", where);
  r.started_at = get_string(j, "started_at", where);
  r.finished_at = get_string(j, "finished_at", where);
  r.model = get_string(j, "model", where);
  r.config_json = get_string(j, "config_json", where);
  r.backend = get_string(j, "backend", where);
  r.device = get_string(j, "device", where);
  r.weights_dtype = get_string(j, "weights_dtype", where);
  // Absent from files written before runs recorded their weights' source: unknown.
  if (j.contains("weights_source"))
    r.weights_source = weights_source_from_json(j.at("weights_source"), where + ".weights_source");
  r.kv_dtype = get_string(j, "kv_dtype", where);
  if (j.contains("weights_quant")) r.weights_quant = get_string(j, "weights_quant", where);
  r.batch = get_int(j, "batch", where);
  r.prompt_tokens = get_int(j, "prompt_tokens", where);
  r.new_tokens = get_int(j, "new_tokens", where);
  r.threads = get_int(j, "threads", where);
  // Absent from files written before warm-up and repeats existed: one pass, checks on.
  if (j.contains("warmup")) r.warmup = get_int(j, "warmup", where);
  if (j.contains("repeat")) r.repeat = get_int(j, "repeat", where);
  if (j.contains("prefill_chunk")) r.prefill_chunk = get_int(j, "prefill_chunk", where);
  // Absent from files written before layer slices existed, null for a whole-model run.
  if (j.contains("layers") && !j.at("layers").is_null()) {
    const json& l = j.at("layers");
    if (!l.is_object())
      throw Error(ErrorKind::Parse, where + ".layers", "expected {\"first\", \"last\"} or null");
    r.layer_first = get_int(l, "first", where + ".layers");
    r.layer_last = get_int(l, "last", where + ".layers");
    if (r.layer_first < 0 || r.layer_last < r.layer_first)
      throw Error(ErrorKind::Parse, where + ".layers",
                  "first must be 0 or more and last at least first");
  }
  if (j.contains("checks")) {
    if (!j.at("checks").is_boolean())
      throw Error(ErrorKind::Parse, where + ".checks", "expected true or false");
    r.checks = j.at("checks").get<bool>();
  }
  r.version = get_string(j, "version", where);
  r.git_revision = get_string(j, "git_revision", where);
  if (!parse_run_status(get_string(j, "status", where), r.status))
    throw Error(ErrorKind::Parse, where + ".status", "unknown run status");
  r.failure = get_string(j, "failure", where);
  return r;
}

StepRecord step_from_json(const json& j, const std::string& where) {
  StepRecord r;
  r.step = get_int(j, "step", where);
  r.phase = get_phase(j, where);
  r.tokens = get_int(j, "tokens", where);
  r.start_ns = get_int(j, "start_ns", where);
  r.duration_ns = get_int(j, "duration_ns", where);
  r.kv_allocated_bytes = get_uint(j, "kv_allocated_bytes", where);
  r.kv_used_bytes = get_uint(j, "kv_used_bytes", where);
  const json& kinds = member(j, "kv_used_by_kind", where);
  if (!kinds.is_object())
    throw Error(ErrorKind::Parse, where + ".kv_used_by_kind", "expected an object");
  for (auto it = kinds.begin(); it != kinds.end(); ++it)
    r.kv_used_by_kind[it.key()] = get_uint(kinds, it.key().c_str(), where + ".kv_used_by_kind");
  r.context_tokens = get_int(j, "context_tokens", where);
  return r;
}

SpanRecord span_from_json(const json& j, const std::string& where) {
  SpanRecord r;
  r.step = get_int(j, "step", where);
  r.phase = get_phase(j, where);
  r.layer = get_int32(j, "layer", where);
  r.op = get_string(j, "op", where);
  r.kind = get_string(j, "kind", where);
  r.start_ns = get_int(j, "start_ns", where);
  r.duration_ns = get_int(j, "duration_ns", where);
  r.flops = get_uint(j, "flops", where);
  r.bytes = get_uint(j, "bytes", where);
  return r;
}

ExpertCountRecord expert_count_from_json(const json& j, const std::string& where) {
  ExpertCountRecord r;
  r.step = get_int(j, "step", where);
  r.layer = get_int32(j, "layer", where);
  const json& counts = member(j, "tokens_per_expert", where);
  if (!counts.is_array())
    throw Error(ErrorKind::Parse, where + ".tokens_per_expert", "expected an array");
  for (size_t i = 0; i < counts.size(); ++i) {
    if (!counts[i].is_number_integer())
      throw Error(ErrorKind::Parse, where + ".tokens_per_expert[" + std::to_string(i) + "]",
                  "expected an integer");
    r.tokens_per_expert.push_back(counts[i].get<int64_t>());
  }
  return r;
}

ActivationRecord activation_from_json(const json& j, const std::string& where) {
  ActivationRecord r;
  r.step = get_int(j, "step", where);
  r.layer = get_int32(j, "layer", where);
  const json& rms = member(j, "rms", where);
  if (rms.is_null())
    r.rms = std::numeric_limits<double>::quiet_NaN();
  else if (rms.is_number())
    r.rms = rms.get<double>();
  else
    throw Error(ErrorKind::Parse, where + ".rms", "expected a number or null");
  const json& finite = member(j, "finite", where);
  if (!finite.is_boolean())
    throw Error(ErrorKind::Parse, where + ".finite", "expected true or false");
  r.finite = finite.get<bool>();
  r.first_bad_op = get_string(j, "first_bad_op", where);
  return r;
}

}  // namespace archscope::prof
