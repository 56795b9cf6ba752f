#include "summary/summary_rows.hpp"

#include <cmath>

#include "report/text_format.hpp"

namespace archscope::summary {

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      {"Parameters, total", "/params/total", Format::Params, "moe-routing"},
      {"Parameters, active per token", "/params/active", Format::Params, "moe-routing"},
      {"Non-embedding parameters", "/params/non_embedding", Format::Params, "weight-tying"},
      {"Embedding parameters", "/params/embedding", Format::Params, "weight-tying"},
      {"Weights", "/weights_bytes", Format::Bytes, "quantization"},
      {"KV cache per token", "/kv_cache/bytes_per_token", Format::Bytes, "kv-cache"},
      {"KV cache per token, steady state", "/kv_cache/bytes_per_token_steady", Format::Bytes,
       "sliding-window"},
      {"KV cache at context", "/kv_cache/bytes_at_context", Format::Bytes, "kv-cache"},
      {"FLOPs per token, prefill", "/flops/prefill_per_token", Format::Flops, "flash-attention"},
      {"FLOPs per token, decode", "/flops/decode_per_token", Format::Flops, "batching"},
      {"Memory needed", "/memory/required_bytes", Format::Bytes, "quantization"},
      {"Memory fit", "/memory", Format::MemoryFit, "quantization"},
      {"Decode time per token (roofline)", "/roofline/decode/per_token_s", Format::Seconds,
       "batching"},
      {"Decode tokens/s (roofline)", "/roofline/decode/per_token_s", Format::Rate, "batching"},
      {"Decode bound", "/roofline/decode/bound", Format::Text, "batching"},
      {"Prefill time (roofline)", "/roofline/prefill/time_s", Format::Seconds, "flash-attention"},
      {"Prefill bound", "/roofline/prefill/bound", Format::Text, "flash-attention"},
  };
  return table;
}

namespace {

std::string exact_number(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return text::grouped(v.get<uint64_t>());
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    return i >= 0 ? text::grouped(static_cast<uint64_t>(i)) : text::grouped_signed(i);
  }
  return v.dump();  // shortest round trip
}

double as_double(const nlohmann::json& v) {
  return v.is_number() ? v.get<double>() : 0.0;
}

std::string hardware_name(const nlohmann::json& a) {
  const auto& hw = a.value("/hardware"_json_pointer, nlohmann::json());
  return hw.is_object() ? hw.value("name", std::string("device")) : std::string("device");
}

}  // namespace

Cell cell(const nlohmann::json& a, const Row& row) {
  Cell c;
  const nlohmann::json::json_pointer ptr(row.pointer);
  if (!a.contains(ptr) || a.at(ptr).is_null()) return c;
  c.value = a.at(ptr);
  c.present = true;
  const double v = as_double(c.value);
  switch (row.format) {
    case Format::Params:
      c.display = text::params_short(static_cast<uint64_t>(std::llround(v)));
      c.exact = exact_number(c.value);
      break;
    case Format::Bytes:
      c.display = text::binary_bytes(v);
      c.exact = exact_number(c.value) + " B";
      break;
    case Format::Flops:
      c.display = text::si(v, "FLOP");
      c.exact = exact_number(c.value);
      break;
    case Format::Seconds:
      c.display = text::duration(v);
      c.exact = c.value.dump() + " s";
      break;
    case Format::Rate:
      c.display = v > 0 ? text::fixed(1.0 / v, 1) + " tokens/s" : "-";
      c.exact = v > 0 ? nlohmann::json(1.0 / v).dump() + " tokens/s" : "-";
      break;
    case Format::Text:
      c.display = c.value.is_string() ? c.value.get<std::string>() : c.value.dump();
      c.exact = c.display;
      break;
    case Format::MemoryFit: {
      // Without a hardware profile the engine writes "fits": null: nothing to say then.
      if (!c.value.is_object() || !c.value.contains("fits") || !c.value["fits"].is_boolean()) {
        c.present = false;
        break;
      }
      const std::string hw = hardware_name(a);
      const bool fits = c.value["fits"].get<bool>();
      const auto devices = c.value.value("min_devices", nlohmann::json());
      if (fits) {
        c.display = "fits on one " + hw;
      } else if (devices.is_number() && devices.get<double>() > 0) {
        c.display = "needs " + exact_number(devices) + " × " + hw;
      } else {
        c.display = "does not fit on " + hw;
      }
      const auto required = c.value.value("required_bytes", nlohmann::json());
      const auto device = c.value.value("device_bytes", nlohmann::json());
      c.exact = required.is_number() && device.is_number()
                    ? exact_number(required) + " B needed, " + exact_number(device) + " B per " + hw
                    : c.value.dump();
      break;
    }
  }
  return c;
}

std::vector<std::string> warnings(const nlohmann::json& a) {
  std::vector<std::string> out;
  const auto it = a.find("warnings");
  if (it == a.end() || !it->is_array()) return out;
  for (const auto& w : *it) {
    if (w.is_string()) {
      out.push_back(w.get<std::string>());
    } else if (w.is_object() && w.contains("message")) {
      out.push_back(w["message"].is_string() ? w["message"].get<std::string>()
                                             : w["message"].dump());
    } else {
      out.push_back(w.dump());
    }
  }
  return out;
}

}  // namespace archscope::summary
