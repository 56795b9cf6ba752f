#include "cli/engine_options.hpp"

#include <cstdio>

#include "common/error.hpp"
#include "generate/engine_model.hpp"
#include "model/weight_quant.hpp"
#include "kv/kv_dtype.hpp"
#include "stack/model_stack.hpp"

namespace archscope::cli {

std::string default_weights_dtype() {
  return to_string(dtype_of(kDefaultWeightsElem));
}

void add_weights_quant_option(CLI::App& app, std::string& value) {
  app.add_option(
         "--weights-quant", value,
         "Quantize the block linear weights at load to SCHEME: " + quant::format_names() +
             " (docs/quantization.md defines each). Weight-only: the attention, linear-attention "
             "and "
             "FFN / expert projections are quantized; on the cpu backend " +
             packed_scheme_names() +
             " (on cuda all of them but fp8-e4m3-block128) are held packed and run by kernels "
             "that read the packed blocks (memory and decode bandwidth are the packed layout's: "
             "the format's bits per weight, except int4-g128 at 4.25 for the count's 4.156 and "
             "fp8-e4m3-block128 at 8.25, a scale per row and 128 columns; docs/quantization.md), "
             "every other scheme is held dequantized in fp32 (memory and speed are fp32's; the "
             "run reports the scheme's true bits per weight); MLA's absorbed W_uk^T / W_uv stay dequantized at the weights dtype. "
             "Embeddings, LM head, norms, biases, routers, shared-expert gates, conv1d, sinks, "
             "A_log "
             "and dt_bias stay at source precision (flags may add embeddings and the head later). "
             "Implies --weights-dtype fp32 unless the weights are packed, where --weights-dtype "
             "sets "
             "the unquantized matrices' dtype. A --model checkpoint published quantized (config.json "
              "quantization_config: gpt-oss mxfp4, DeepSeek-V3 fp8 128x128 blocks) loads as "
              "published, dequantized into --weights-dtype, and refuses --weights-quant")
      ->option_text("SCHEME");
}

std::string describe_weights_quant(const WeightQuantization& q) {
  if (!q.scheme && q.checkpoint) {
    const CheckpointFormat& c = *q.checkpoint;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "weights: checkpoint published in %s, %lld tensors (%lld weights) at %.4f bits/weight including "
                  "scales, %.2f MiB in the files; dequantized at load into the weights dtype",
                  quant::to_string(c.format), static_cast<long long>(c.tensors), static_cast<long long>(c.elements),
                  c.bits_per_weight(), static_cast<double>(c.bytes) / (1024.0 * 1024.0));
    return buf;
  }
  if (!q.scheme) return {};
  char buf[400];
  const double mib = 8.0 * 1024.0 * 1024.0;
  if (q.packed) {  // resident: the packed layout's bytes (more than the count for int4-g128, block128)
    std::snprintf(buf, sizeof buf,
                  "weights: %s on %zu tensors (%lld weights), %.4f bits/weight including scales, "
                  "%.2f MiB held packed (%.4f bits/weight in the packed layout; kernels read the "
                  "packed blocks)",
                  quant::to_string(*q.scheme), q.tensors.size(),
                  static_cast<long long>(q.quantized_elements()), q.bits_per_weight(),
                  static_cast<double>(q.held_bits()) / mib,
                  q.quantized_elements() ? static_cast<double>(q.held_bits()) /
                                               static_cast<double>(q.quantized_elements())
                                         : 0.0);
    return buf;
  }
  std::snprintf(buf, sizeof buf,
                "weights: %s on %zu tensors (%lld weights), %.4f bits/weight including scales, "
                "%.2f MiB packed; held dequantized in fp32",
                quant::to_string(*q.scheme), q.tensors.size(),
                static_cast<long long>(q.quantized_elements()), q.bits_per_weight(),
                static_cast<double>(q.quantized_bits()) / mib);
  return buf;
}

void add_kv_dtype_option(CLI::App& app, std::string& value) {
  app.add_option("--kv-dtype", value,
                 "KV cache dtype: " + kv_dtype_names() +
                     ". int8 / fp8 (OCP E4M3) store one byte per element and one fp32 scale per "
                     "token and KV head "
                     "for K and for V (MLA: latent and rope key one each), dequantized as "
                     "attention reads them "
                     "(cpu and cuda; on cuda prefill over them runs the fp32 split-K attention "
                     "kernel, not the tensor-core one); linear-attention states stay fp32 "
                     "(docs/kv-cache-quantization.md)")
      ->capture_default_str();
}

Elem kv_dtype_option(const std::string& value) {
  return parse_kv_elem(value, "--kv-dtype");
}

void add_backend_option(CLI::App& app, std::string& value) {
  app.add_option("--backend", value,
                 "Backend to run on: cpu, cuda (device 0) or cuda:N; archscope devices lists them")
      ->capture_default_str();
}

void add_kernel_option(CLI::App& app, std::vector<std::string>& values) {
  app.add_option(
         "--kernel", values,
         "Kernel variant NAME=VARIANT of the cuda backend, repeatable: attention=auto|flash|"
         "fp32|naive, linear=auto|cublas|gemv|gemv-stream, experts=auto|gemv|tensor|tiles, "
         "graphs=on|off, pdl=on|off, fuse=on|off "
         "(docs/cuda-notes.md says what each does); recorded with a run")
      ->take_all();
}

BackendSpec backend_spec(const std::string& value, const std::vector<std::string>& kernels) {
  const BackendSpec spec = parse_backend_spec(value, kernels);
  device_of(spec);
  return spec;
}

}  // namespace archscope::cli
