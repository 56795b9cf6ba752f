#include "cli/engine_options.hpp"

#include <cstdio>

#include "common/error.hpp"
#include "generate/engine_model.hpp"
#include "model/weight_quant.hpp"
#include "stack/model_stack.hpp"

namespace archscope::cli {

std::string default_weights_dtype() {
  return to_string(dtype_of(kDefaultWeightsElem));
}

void add_weights_quant_option(CLI::App& app, std::string& value) {
  app.add_option("--weights-quant", value,
                 "Quantize the block linear weights at load to SCHEME: " + quant::format_names() +
                     " (docs/quantization.md defines each). Weight-only: the attention, linear-attention and "
                     "FFN / expert projections are quantized; on the cpu backend " + packed_scheme_names() +
                     " are held packed and run by kernels that read the packed blocks (memory and decode "
                     "bandwidth are the format's), every other scheme (and every scheme on cuda) is held "
                     "dequantized in fp32 (memory and speed are fp32's; the run reports the scheme's true bits "
                     "per weight); MLA's absorbed W_uk^T / W_uv stay dequantized at the weights dtype. "
                     "Embeddings, LM head, norms, biases, routers, shared-expert gates, conv1d, sinks, A_log "
                     "and dt_bias stay at source precision (flags may add embeddings and the head later). "
                     "Implies --weights-dtype fp32 unless the weights are packed, where --weights-dtype sets "
                     "the unquantized matrices' dtype")
      ->option_text("SCHEME");
}

std::string describe_weights_quant(const WeightQuantization& q) {
  if (!q.scheme) return {};
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "weights: %s on %zu tensors (%lld weights), %.4f bits/weight including scales, %.2f MiB packed; "
                "%s",
                quant::to_string(*q.scheme), q.tensors.size(), static_cast<long long>(q.quantized_elements()),
                q.bits_per_weight(), static_cast<double>(q.quantized_bits()) / 8.0 / (1024.0 * 1024.0),
                q.packed ? "held packed (kernels read the packed blocks)" : "held dequantized in fp32");
  return buf;
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
         "fp32|naive, linear=auto|cublas|gemv, graphs=on|off, pdl=on|off (docs/cuda-notes.md "
         "says what each does); recorded with a run")
      ->take_all();
}

BackendSpec backend_spec(const std::string& value, const std::vector<std::string>& kernels) {
  const BackendSpec spec = parse_backend_spec(value, kernels);
  device_of(spec);
  return spec;
}

}  // namespace archscope::cli
