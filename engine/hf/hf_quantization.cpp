#include "hf/hf_quantization.hpp"


#include "common/error.hpp"
#include "config/json_text.hpp"
#include "hf/hf_reader.hpp"

namespace archscope {

std::optional<CheckpointQuant> read_hf_quantization(const nlohmann::json& hf,
                                                    const std::string& origin) {
  const hf::Reader top(hf, origin);
  if (!top.has("quantization_config")) return std::nullopt;
  const auto* raw = top.raw("quantization_config");
  if (!raw->is_object()) top.fail_type("quantization_config", "an object");
  const hf::Reader q(*raw, origin, "quantization_config");
  CheckpointQuant c;
  c.where = q.where("");
  if (!q.has("quant_method")) q.fail_value("quant_method", "required field is missing");
  if (!q.raw("quant_method")->is_string()) q.fail_type("quant_method", "a string");
  c.method = q.string_or("quant_method", "");
  if (q.has("modules_to_not_convert"))
    c.modules_to_not_convert = q.string_list("modules_to_not_convert");
  if (c.method == "mxfp4") {
    // transformers Mxfp4Config: blocks of 32 along the input dimension, no other parameters.
    c.format = quant::Format::Mxfp4;
    c.experts_only = true;
    return c;
  }
  if (c.method == "fp8") {
    // DeepSeek-V3's config.json: {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method":
    // "fp8", "weight_block_size": [128, 128]}; transformers FineGrainedFP8Config defaults to the
    // same.
    c.format = quant::Format::Fp8E4M3Block128;
    if (q.has("fmt")) {
      if (!q.raw("fmt")->is_string()) q.fail_type("fmt", "a string");
      const std::string fmt = q.string_or("fmt", "");
      if (fmt != "e4m3")
        throw Error(ErrorKind::Unsupported, q.where("fmt"),
                    "'" + fmt + "': only e4m3 FP8 weights load (DeepSeek-V3's format)");
    }
    if (q.has("activation_scheme")) {
      if (!q.raw("activation_scheme")->is_string()) q.fail_type("activation_scheme", "a string");
      const std::string a = q.string_or("activation_scheme", "");
      if (a != "dynamic")
        throw Error(
            ErrorKind::Unsupported, q.where("activation_scheme"),
            "'" + a +
                "': only dynamic activation scaling (no stored activation scales) loads; the "
                "weights are dequantized and activations stay unquantized");
    }
    const std::vector<int64_t> block = q.integer_list_or("weight_block_size", {128, 128});
    if (block.size() != 2 || block[0] != 128 || block[1] != 128) {
      std::string got;
      for (int64_t b : block) got += (got.empty() ? "" : ", ") + std::to_string(b);
      throw Error(
          ErrorKind::Unsupported, q.where("weight_block_size"),
          "[" + got +
              "]: only 128 x 128 blocks ([128, 128], DeepSeek-V3's fp8-e4m3-block128) load");
    }
    c.block_n = block[0];
    c.block_k = block[1];
    return c;
  }
  throw Error(ErrorKind::Unsupported, q.where("quant_method"),
              "'" + c.method +
                  "' is not a published format archscope loads (mxfp4: gpt-oss; fp8: DeepSeek-V3 "
                  "128 x 128 blocks); dequantize the checkpoint to bf16 first");
}

std::optional<CheckpointQuant> read_hf_quantization_file(const std::filesystem::path& path) {
  return read_hf_quantization(read_json_file(path, "cannot open file"), path.string());
}

std::optional<CheckpointQuant> read_hf_quantization_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  const std::filesystem::path file = dir / "config.json";
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return read_hf_quantization_file(file);
}

}  // namespace archscope
