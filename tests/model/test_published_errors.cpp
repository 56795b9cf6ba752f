// A published quantized checkpoint that disagrees with itself or with its config.json is refused
// with a typed error naming the tensor and its file (or the JSON path), before any value is used:
// a missing scales tensor, a wrong shape or dtype, an E8M0 NaN scale, a wrong or unknown
// quant_method, a block size other than 128 x 128, packed tensors without a quantization_config,
// and --weights-quant on top of a published format.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "parity_support.hpp"
#include "published_checkpoint.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

const char* const kGateUp = "model.layers.0.mlp.experts.gate_up_proj";
const char* const kKvB = "model.layers.0.self_attn.kv_b_proj.weight";

StTensors gpt_oss_mxfp4() {
  return published_pair(fixture_dir("gpt_oss") / "model.safetensors", gpt_oss_mxfp4_tensor,
                        mxfp4_experts)
      .quantized;
}

StTensors deepseek_fp8() {
  return published_pair(fixture_dir("deepseek_v3") / "model.safetensors", deepseek_v3_fp8_tensor,
                        fp8_block)
      .quantized;
}

// The error load_hf_weights throws for this checkpoint (fails the test when it loads).
Error load_error(const std::string& family, const StTensors& tensors, const nlohmann::json& quant,
                 std::optional<quant::Format> scheme = std::nullopt) {
  const Fixture f = load_fixture(family);
  const TempCheckpoint ckpt(family, fixture_dir(family) / "config.json", quant, tensors);
  cpu::CpuBackend be(1);
  try {
    load_hf_weights(be, f.config, ckpt.dir, scheme ? Elem::F32 : Elem::BF16, scheme);
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e;
  }
  BOOST_FAIL("the checkpoint loaded");
  throw 0;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(published_checkpoint_errors)

BOOST_AUTO_TEST_CASE(missing_mxfp4_scales) {
  StTensors t = gpt_oss_mxfp4();
  t.erase(std::string(kGateUp) + "_scales");
  const Error e = load_error("gpt_oss", t, gpt_oss_quant_config());
  BOOST_TEST((e.kind() == ErrorKind::NotFound));
  BOOST_TEST(has(e.where(), "model.safetensors: model.layers.0.mlp.experts.gate_up_proj_scales"));
  BOOST_TEST(has(e.message(), "gate_up_proj_blocks"));
}

BOOST_AUTO_TEST_CASE(wrong_mxfp4_shape_and_dtype) {
  StTensors t = gpt_oss_mxfp4();
  StTensor& scales = t.at(std::string(kGateUp) + "_scales");  // [4, 128, 2] -> [4, 128, 1]
  scales.shape = {4, 128, 1};
  scales.bytes.resize(4 * 128);
  Error e = load_error("gpt_oss", t, gpt_oss_quant_config());
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(has(e.where(), "model.safetensors: model.layers.0.mlp.experts.gate_up_proj_scales"));
  BOOST_TEST(has(e.message(), "[4, 128, 1]"));
  BOOST_TEST(has(e.message(), "[4, 128, 2]"));

  t = gpt_oss_mxfp4();
  t.at(std::string(kGateUp) + "_blocks").dtype = "I8";
  e = load_error("gpt_oss", t, gpt_oss_quant_config());
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(has(e.where(), "gate_up_proj_blocks"));
  BOOST_TEST(has(e.message(), "dtype I8"));
}

BOOST_AUTO_TEST_CASE(e8m0_nan_scale) {
  StTensors t = gpt_oss_mxfp4();
  // expert 1, row 3, block 1 of layer 1's down_proj ([4, 64, 2] scales)
  t.at("model.layers.1.mlp.experts.down_proj_scales").bytes[(1 * 64 + 3) * 2 + 1] = 255;
  const Error e = load_error("gpt_oss", t, gpt_oss_quant_config());
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(
      has(e.where(), "model.safetensors: model.layers.1.mlp.experts.down_proj_blocks (expert 1)"));
  BOOST_TEST(has(e.message(), "scale 255"));
  BOOST_TEST(has(e.message(), "row 3, columns 32..63"));
}

BOOST_AUTO_TEST_CASE(wrong_or_unknown_quant_method) {
  nlohmann::json q = gpt_oss_quant_config();
  q["quant_method"] = "fp8";  // known, but the tensors are MXFP4
  Error e = load_error("gpt_oss", gpt_oss_mxfp4(), q);
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(has(e.where(), "gate_up_proj_blocks"));
  BOOST_TEST(has(e.message(), "quantization_config.quant_method is 'fp8'"));

  q["quant_method"] = "awq";
  e = load_error("gpt_oss", gpt_oss_mxfp4(), q);
  BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  BOOST_TEST(has(e.where(), "config.json: quantization_config.quant_method"));
  BOOST_TEST(has(e.message(), "'awq'"));

  q.erase("quant_method");
  e = load_error("gpt_oss", gpt_oss_mxfp4(), q);
  BOOST_TEST(has(e.where(), "config.json: quantization_config.quant_method"));
}

BOOST_AUTO_TEST_CASE(packed_tensors_without_quantization_config) {
  Error e = load_error("gpt_oss", gpt_oss_mxfp4(), nullptr);
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(has(e.message(), "no quantization_config"));
  e = load_error("deepseek_v3", deepseek_fp8(), nullptr);
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(has(e.message(), "no quantization_config"));
}

BOOST_AUTO_TEST_CASE(fp8_block_size_other_than_128_is_refused) {
  nlohmann::json q = deepseek_v3_quant_config();
  q["weight_block_size"] = {64, 64};
  const Error e = load_error("deepseek_v3", deepseek_fp8(), q);
  BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  BOOST_TEST(has(e.where(), "config.json: quantization_config.weight_block_size"));
  BOOST_TEST(has(e.message(), "[64, 64]"));
}

BOOST_AUTO_TEST_CASE(fp8_missing_or_misshapen_scale_inv) {
  StTensors t = deepseek_fp8();
  t.erase(std::string(kKvB) + "_scale_inv");
  Error e = load_error("deepseek_v3", t, deepseek_v3_quant_config());
  BOOST_TEST((e.kind() == ErrorKind::NotFound));
  BOOST_TEST(
      has(e.where(), "model.safetensors: model.layers.0.self_attn.kv_b_proj.weight_scale_inv"));

  t = deepseek_fp8();
  t.at(std::string(kKvB) + "_scale_inv") = f32_tensor({1.0f}, {1, 1});  // [160, 32] needs [2, 1]
  e = load_error("deepseek_v3", t, deepseek_v3_quant_config());
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(has(e.where(), "kv_b_proj.weight_scale_inv"));
  BOOST_TEST(has(e.message(), "[2, 1]"));

  t = deepseek_fp8();
  t.at(std::string(kKvB)).dtype = "F8_E5M2";
  e = load_error("deepseek_v3", t, deepseek_v3_quant_config());
  BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  BOOST_TEST(has(e.message(), "F8_E5M2"));
}

BOOST_AUTO_TEST_CASE(weights_quant_on_a_published_checkpoint_is_refused) {
  const Error e =
      load_error("gpt_oss", gpt_oss_mxfp4(), gpt_oss_quant_config(), quant::Format::Q8_0);
  BOOST_TEST((e.kind() == ErrorKind::Validation));
  BOOST_TEST(e.where() == "--weights-quant");
  BOOST_TEST(has(e.message(), "q8_0 on a checkpoint already published in mxfp4"));
}

BOOST_AUTO_TEST_SUITE_END()
