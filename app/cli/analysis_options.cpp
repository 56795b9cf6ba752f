#include "cli/analysis_options.hpp"

#include "common/error.hpp"
#include "hf/hf_quantization.hpp"
#include "kv/kv_dtype.hpp"
#include "presets/hardware_catalog.hpp"

namespace archscope::cli {

void add_analysis_flags(CLI::App& app, AnalysisFlags& flags) {
  app.add_option("--context", flags.context,
                 "Context length: prefill length and tokens cached at the decode step")
      ->capture_default_str();
  app.add_option("--batch", flags.batch, "Sequences processed together")->capture_default_str();
  app.add_option("--weights-dtype", flags.weights_dtype,
                 "Matmul weight dtype: " + dtype_names() +
                     " (fp8/int8/int4 quantize matmul weights only)")
      ->capture_default_str();
  app.add_option("--kv-dtype", flags.kv_dtype,
                 "KV cache dtype: " + kv_dtype_names() +
                     " (int8 / fp8 E4M3: one byte per element plus one fp32 scale per token and KV "
                     "head for K "
                     "and for V; MLA latent and rope key one scale each; linear-attention states "
                     "stay fp32)")
      ->capture_default_str();
  app.add_option("--quant-group-size", flags.quant_group_size,
                 "Quantized weights (fp8/int8/int4) carry one bf16 scale per this many weights; "
                 "0 leaves scales out of the byte counts")
      ->capture_default_str();
  app.add_option("--weights-quant", flags.weights_quant,
                 "Count the block linear weights (attention, linear-attention, FFN and expert projections) in "
                 "weight scheme SCHEME: " + quant::format_names() +
                     ", each [N, K] matrix at the format's exact storage (values, scales and zero points, a "
                     "partial last block paying a whole scale: q8_0 8.5, q4_0 4.5, int4-g128 4.156, nf4 4.5, "
                     "mxfp4 4.25 bits/weight ...; a packed run holds int4-g128 at 4.25 — a byte-wide zero point "
                     "and a pad byte per group — and fp8-e4m3-block128 at 8.25, printed beside the count; "
                     "docs/quantization.md); every other weight at "
                     "--weights-dtype. The roofline reads these bytes. Replaces the generic --weights-dtype "
                     "int8/int4/fp8 + --quant-group-size estimate. analyze --hf-config of a config.json published "
                     "quantized (quantization_config: gpt-oss mxfp4 on the routed experts, DeepSeek-V3 fp8 "
                     "128x128 blocks) counts it as published and refuses this option")
      ->option_text("SCHEME");
  app.add_option("--hardware", flags.hardware,
                 "Hardware profile for the roofline estimate: a name (archscope hardware lists them) or a "
                 "profile file (archscope hardware --measure --out FILE writes one)");
}

namespace {
DType dtype_flag(const std::string& flag, const std::string& value) {
  auto t = parse_dtype(value);
  if (!t) throw Error(ErrorKind::Validation, flag, "unknown dtype '" + value + "'; use " + dtype_names());
  return *t;
}
}  // namespace

AnalysisOptions analysis_options(const AnalysisFlags& flags) {
  if (flags.context < 1) {
    throw Error(ErrorKind::Validation, "--context", "must be at least 1, got " + std::to_string(flags.context));
  }
  if (flags.batch < 1) {
    throw Error(ErrorKind::Validation, "--batch", "must be at least 1, got " + std::to_string(flags.batch));
  }
  if (flags.quant_group_size < 0) {
    throw Error(ErrorKind::Validation, "--quant-group-size",
                "must be 0 or positive, got " + std::to_string(flags.quant_group_size));
  }
  AnalysisOptions options;
  options.quant_group_size = flags.quant_group_size;
  options.context = flags.context;
  options.batch = flags.batch;
  options.weights = dtype_flag("--weights-dtype", flags.weights_dtype);
  options.kv = dtype_of(parse_kv_elem(flags.kv_dtype, "--kv-dtype"));
  if (!flags.weights_quant.empty()) {
    options.weights_quant = quant::parse_format(flags.weights_quant, "--weights-quant");
    // analyze counts the format's exact storage (issue 12: int4-g128 4.156 bits/weight, ...), as
    // for a published checkpoint; what a packed run holds (int4-g128 4.25) is printed beside it.
    options.weights_quant_format_count = true;
    if (dtype_is_quantized(options.weights))
      throw Error(ErrorKind::Validation, "--weights-dtype",
                  "'" + flags.weights_dtype + "' with --weights-quant: give the dtype of the other weights (fp32, bf16, fp16)");
    if (flags.quant_group_size > 0)
      throw Error(ErrorKind::Validation, "--quant-group-size", "the scheme of --weights-quant defines its own blocks");
  }
  return options;
}

void checkpoint_quant(AnalysisOptions& options, const AnalysisFlags& flags, const std::string& hf_config) {
  const std::optional<CheckpointQuant> q = read_hf_quantization_file(hf_config);
  if (!q) return;
  const std::string published = std::string(quant::to_string(q->format)) + " (" + q->where + ".quant_method '" +
                                q->method + "')";
  if (!flags.weights_quant.empty())
    throw Error(ErrorKind::Validation, "--weights-quant",
                flags.weights_quant + " on a checkpoint published in " + published + ": it is counted as published; "
                "drop --weights-quant (or analyze the preset of the unquantized model)");
  if (dtype_is_quantized(options.weights))
    throw Error(ErrorKind::Validation, "--weights-dtype",
                "'" + flags.weights_dtype + "' on a checkpoint published in " + published +
                    ": give the dtype of its unquantized weights (bf16)");
  options.weights_quant = q->format;
  options.weights_quant_scope = q->experts_only ? QuantScope::RoutedExperts : QuantScope::BlockLinear;
  options.weights_quant_format_count = true;  // the files' bytes (dequantized at load)
}

std::optional<HardwareProfile> analysis_hardware(const AnalysisFlags& flags) {
  if (flags.hardware.empty()) return std::nullopt;
  return load_hardware(flags.hardware);
}

}  // namespace archscope::cli
