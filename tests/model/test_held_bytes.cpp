// analyze's bytes are the resident bytes (issue 12 item 3): with --weights-quant S the plan counts
// each block linear weight at the bytes S's packed layout holds (quant/held_bits.hpp), and a
// packed CPU load of the same model allocates exactly that much more (or less) than an
// unquantized fp32 load of it. The two sides are computed independently: the plan from the
// config's shapes (plan/builder.cpp), the load from the tensors the loader allocates (counted by
// the backend wrapper, every alloc's bytes). Compared as differences against the fp32 plan and
// the fp32 load, so the matrices the scheme leaves alone (embeddings, norms, router, head) drop
// out on both sides. Every format, on a dense, a MoE, a fused-expert and a linear-attention
// preset (their K include partial groups of int4-g128, 64 of 128, and blocks of fp8-e4m3-block128
// cut across q / gate, in_proj_qkvz). The load's own record (WeightQuantization::held_bits) is
// held to the allocation too. MLA presets are left out: the plan counts the absorbed W_uk^T /
// W_uv at kv_b's scheme while the loader holds them dequantized at the weights dtype (weights.hpp).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "counting_backend.hpp"
#include "cpu/cpu_backend.hpp"
#include "model/load.hpp"
#include "model/weight_quant.hpp"
#include "plan/analysis.hpp"
#include "presets/preset_catalog.hpp"
#include "quant/held_bits.hpp"

using namespace archscope;

namespace {

uint64_t plan_bytes(const ModelConfig& c, std::optional<quant::Format> f) {
  AnalysisOptions o;
  o.context = 16;
  o.weights = DType::F32;
  o.weights_quant = f;
  return summarize(c, o).weights_bytes;
}

struct Loaded {
  uint64_t bytes = 0;
  WeightQuantization q;
};

Loaded load(const ModelConfig& c, std::optional<quant::Format> f) {
  cpu::CpuBackend cpu(1);
  test::CountingBackend be(cpu);
  Loaded l;
  {
    const ModelWeights w = random_weights(be, c, RandomInitOptions{.seed = 11}, Elem::F32, f);
    l.q = w.quantization;
  }
  l.bytes = be.allocated_bytes();
  return l;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_held_bytes)

BOOST_AUTO_TEST_CASE(analyze_bytes_are_the_packed_loads_resident_bytes) {
  for (const char* preset : {"llama3-mini", "qwen3-moe-mini", "gpt-oss-mini", "qwen3-next-mini"}) {
    const ModelConfig c = load_preset(preset);
    const auto plain_plan = static_cast<int64_t>(plan_bytes(c, std::nullopt));
    const auto plain_load = static_cast<int64_t>(load(c, std::nullopt).bytes);
    for (const quant::Format f : quant::all_formats()) {
      BOOST_TEST_CONTEXT(preset << " " << quant::to_string(f)) {
        const Loaded l = load(c, f);
        BOOST_TEST(l.q.packed);  // the CPU holds every scheme packed
        const int64_t plan_delta = static_cast<int64_t>(plan_bytes(c, f)) - plain_plan;
        const int64_t load_delta = static_cast<int64_t>(l.bytes) - plain_load;
        BOOST_TEST(plan_delta == load_delta);
        // The record of the load: held bits = the packed tensors' bytes (their fp32 size gone).
        BOOST_TEST(static_cast<int64_t>(l.q.held_bits() / 8) ==
                   load_delta + 4 * l.q.quantized_elements());
        BOOST_TEST(l.q.held_bits() % 8 == 0u);
      }
    }
  }
}

// The held layout against the format's own count where they differ, by the layouts' arithmetic:
// int4-g128 68 bytes per 128 weights (4.25 bits) against 16 + 4 bits per group (4.156);
// fp8-e4m3-block128 a scale per row and 128 columns (8.25 bits) against one per 128 x 128 block.
BOOST_AUTO_TEST_CASE(held_bits_by_the_layouts) {
  BOOST_TEST(quant::held_bits(quant::Format::Int4G128, 256, 4096) == 256u * 32 * 68 * 8);
  BOOST_TEST(quant::storage_bits(quant::Format::Int4G128, 256, 4096) ==
             256u * (4096 * 4 + 32 * 20));
  BOOST_TEST(quant::held_bits(quant::Format::Fp8E4M3Block128, 300, 260) ==
             300u * (260 * 8 + 3 * 32));
  BOOST_TEST(quant::storage_bits(quant::Format::Fp8E4M3Block128, 300, 260) ==
             300u * 260 * 8 + 9 * 32);
  for (const quant::Format f :
       {quant::Format::Q8_0, quant::Format::Q4_0, quant::Format::Nf4, quant::Format::Mxfp4,
        quant::Format::Int8Channel, quant::Format::Fp8E4M3Channel})
    BOOST_TEST(quant::held_bits(f, 64, 4096) == quant::storage_bits(f, 64, 4096),
               quant::to_string(f));
}

BOOST_AUTO_TEST_SUITE_END()
