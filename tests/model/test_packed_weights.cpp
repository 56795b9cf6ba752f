// --weights-quant SCHEME on the CPU backend holds the block linear weights packed
// (/work/notes/packed_layouts.md, quant/packed_layout.hpp): each such tensor is of the scheme's
// packed Elem and its buffer holds exactly N * ceil(K / B) blocks (q8_0 34 bytes per 32, q4_0 18
// per 32, int4-g128 68 per 128, nf4 36 per 64, mxfp4 17 per 32) or, for int8-channel and
// fp8-e4m3-channel, N * K one-byte codes plus a second buffer of N fp32 row scales (the
// layout's count, worked out here from the config's shapes, not from the loader), or, for
// fp8-e4m3-block128, N * K codes plus N * ceil(K / 128) fp32 scales (one per row and 128
// columns), nothing else (no fp32 copy beside it), and the untouched matrices keep the weights
// dtype. A backend without the packed kernel keeps the dequantized fp32 path.
// The packed values themselves are checked against llama.cpp's q8_0 in test_weight_quant.cpp,
// the packed kernels in tests/backend_ops/test_linear_packed.cpp, the logits of a packed run in
// tests/cli/test_quant_cli.cpp.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <vector>

#include "common/error.hpp"
#include "counting_backend.hpp"
#include "cpu/cpu_backend.hpp"
#include "model/load.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;

namespace {

struct Linear {
  const char* what;
  const Tensor* t;
  int64_t matrices, N, K;  // matrices: experts stacked in one tensor
};

// The block linear weights of a llama-style or MoE layer with their [N, K] from the config.
std::vector<Linear> linears(const ModelConfig& c, const LayerWeights& L, bool moe) {
  const int64_t d = c.d_model, h = c.attention.heads, hk = c.attention.kv_heads,
                hd = c.attention.head_dim;
  // q, k and v are row views of the stacked q|k|v matrix (one buffer, checked below).
  std::vector<Linear> v = {{"qkv", &L.attn.qkv, 1, (h + 2 * hk) * hd, d},
                           {"o", &L.attn.o, 1, d, h * hd}};
  if (moe) {
    const int64_t E = c.moe.experts, f = c.moe.expert_d_ff;
    v.push_back({"experts.gate_up", &L.moe.experts.gate_up, E, 2 * f, d});
    v.push_back({"experts.down", &L.moe.experts.down, E, d, f});
  } else {
    v.push_back({"gate_up", &L.ffn.gate_up, 1, 2 * c.ffn.d_ff, d});
    v.push_back({"down", &L.ffn.down, 1, d, c.ffn.d_ff});
  }
  return v;
}

// The values buffer's bytes by the contract's table (the row scales of the channel formats are
// scale_bytes).
uint64_t layout_bytes(Elem e, int64_t N, int64_t K) {
  const auto blocks = [&](int64_t B, uint64_t bytes) {
    return static_cast<uint64_t>(N) * static_cast<uint64_t>((K + B - 1) / B) * bytes;
  };
  switch (e) {
    case Elem::Q8_0: return blocks(32, 34);
    case Elem::Q4_0: return blocks(32, 18);
    case Elem::INT4_G128: return blocks(128, 68);
    case Elem::NF4: return blocks(64, 36);
    case Elem::MXFP4: return blocks(32, 17);
    case Elem::INT8_CHANNEL:
    case Elem::FP8_CHANNEL:
    case Elem::FP8_BLOCK128:
      return static_cast<uint64_t>(N * K);
    default: break;
  }
  BOOST_FAIL("no layout for " << to_string(e));
  return 0;
}
uint64_t scale_bytes(Elem e, int64_t N, int64_t K) {
  if (e == Elem::FP8_BLOCK128) return static_cast<uint64_t>(N * ((K + 127) / 128)) * 4;
  return e == Elem::INT8_CHANNEL || e == Elem::FP8_CHANNEL ? static_cast<uint64_t>(N) * 4 : 0;
}
// Elements per block (the channel formats: any K is whole).
int64_t block_of(Elem e) {
  return e == Elem::INT4_G128 ? 128 : e == Elem::NF4 ? 64 : e == Elem::Q8_0 || e == Elem::Q4_0 || e == Elem::MXFP4 ? 32 : 1;
}
// The layout's bytes per 128 weights when the block size divides K.
double bytes_per_128(Elem e) {
  switch (e) {
    case Elem::Q8_0: return 4 * 34.0;
    case Elem::Q4_0: return 4 * 18.0;
    case Elem::INT4_G128: return 68.0;
    case Elem::NF4: return 2 * 36.0;
    case Elem::MXFP4: return 4 * 17.0;
    default: return 128.0;  // plus the row scales, checked separately
  }
}

void check_packed(const std::string& preset, quant::Format scheme, Elem packed) {
  const ModelConfig c = load_preset(preset);
  cpu::CpuBackend be(1);
  RandomInitOptions o;
  o.seed = 3;
  const ModelWeights w = random_weights(be, c, o, Elem::BF16, scheme);
  BOOST_TEST(w.quantization.packed);
  uint64_t packed_total = 0, fp32_total = 0, scales_total = 0, groups = 0, pad_values = 0;
  bool whole_blocks = true;
  for (const LayerSpec& s : expand_layers(c)) {
    for (const Linear& l : linears(c, w.layers[static_cast<size_t>(s.index)], s.moe)) {
      BOOST_TEST_CONTEXT(preset << " layer " << s.index << " " << l.what) {
        BOOST_REQUIRE(l.t->defined());
        BOOST_TEST((l.t->elem() == packed));
        const uint64_t want = static_cast<uint64_t>(l.matrices) * layout_bytes(packed, l.N, l.K);
        BOOST_TEST(l.t->bytes() == want);
        BOOST_TEST(l.t->buffer()->bytes() == want);  // the buffer holds the packed bytes only
        const uint64_t sb = static_cast<uint64_t>(l.matrices) * scale_bytes(packed, l.N, l.K);
        if (sb) {
          BOOST_REQUIRE(l.t->quant.scales);
          BOOST_TEST(l.t->quant.scales->bytes() == sb);  // the rows' fp32 scales, nothing else
          BOOST_TEST(l.t->quant.block == (packed == Elem::FP8_BLOCK128 ? 128 : l.K));
        } else {
          BOOST_TEST(!l.t->quant.scales);
        }
        packed_total += want;
        scales_total += sb;
        groups += static_cast<uint64_t>(l.matrices * l.N * ((l.K + 127) / 128));
        pad_values += static_cast<uint64_t>(l.matrices * l.N * ((l.K + 127) / 128 * 128 - l.K));
        whole_blocks &= l.K % block_of(packed) == 0;
        fp32_total += static_cast<uint64_t>(l.matrices * l.N * l.K) * 4;
      }
    }
    const AttentionWeights& a = w.layers[static_cast<size_t>(s.index)].attn;
    const int64_t d = c.d_model, nq = c.attention.heads * c.attention.head_dim,
                  nkv = c.attention.kv_heads * c.attention.head_dim;
    for (const auto& [t, n] : {std::pair{&a.q, nq}, {&a.k, nkv}, {&a.v, nkv}}) {
      BOOST_TEST(t->buffer() == a.qkv.buffer());
      BOOST_TEST(t->bytes() == layout_bytes(packed, n, d));
    }
    BOOST_TEST(a.k.byte_offset() == a.q.byte_offset() + layout_bytes(packed, nq, d));
    BOOST_TEST(a.v.byte_offset() == a.k.byte_offset() + layout_bytes(packed, nkv, d));
  }
  // The whole packed weight set against the same tensors dequantized in fp32: the layout's bytes
  // per 128 weights over 512 when the block size divides every K.
  const double ratio = static_cast<double>(packed_total) / static_cast<double>(fp32_total);
  if (whole_blocks) BOOST_TEST(ratio == bytes_per_128(packed) / 512.0, preset);
  // The resident bytes are the scheme's storage bits (what analyze and the plan count), except
  // int4-g128, whose block holds its 4-bit zero point in a byte plus a pad byte: 1.5 bytes more
  // per group of 128 than the 4.156 bits per weight of the count, and whose partial last
  // group holds 128 nibbles (the count holds K's; these presets' K are multiples of 64, so the
  // other block formats have no partial block, whose padding the count leaves out too).
  const uint64_t resident = packed_total + scales_total;
  const uint64_t counted_bits = w.quantization.quantized_bits();
  if (packed == Elem::INT4_G128)
    BOOST_TEST(resident * 8 == counted_bits + groups * 12 + pad_values * 4, preset);
  else if (packed != Elem::FP8_BLOCK128)  // its count has one scale per 128 x 128 block
    BOOST_TEST(resident * 8 == counted_bits, preset);
  // What the load records as held (quant/held_bits.hpp, the figure analyze counts) is resident.
  BOOST_TEST(resident * 8 == w.quantization.held_bits(), preset);
  // Matrices outside the scheme keep the weights dtype (here bf16).
  BOOST_TEST((w.embedding.elem() == Elem::BF16));
  BOOST_TEST((w.lm_head.elem() == Elem::BF16));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_packed_weights)

BOOST_AUTO_TEST_CASE(q8_0_and_q4_0_hold_only_the_packed_bytes) {
  check_packed("llama3-mini", quant::Format::Q8_0, Elem::Q8_0);
  check_packed("llama3-mini", quant::Format::Q4_0, Elem::Q4_0);
  check_packed("qwen3-moe-mini", quant::Format::Q8_0, Elem::Q8_0);  // routed experts stacked
}

BOOST_AUTO_TEST_CASE(the_other_formats_hold_only_their_packed_bytes) {
  for (const char* preset : {"llama3-mini", "qwen3-moe-mini"}) {
    check_packed(preset, quant::Format::Int4G128, Elem::INT4_G128);
    check_packed(preset, quant::Format::Nf4, Elem::NF4);
    check_packed(preset, quant::Format::Mxfp4, Elem::MXFP4);
    check_packed(preset, quant::Format::Int8Channel, Elem::INT8_CHANNEL);
    check_packed(preset, quant::Format::Fp8E4M3Channel, Elem::FP8_CHANNEL);
    check_packed(preset, quant::Format::Fp8E4M3Block128, Elem::FP8_BLOCK128);
  }
}

BOOST_AUTO_TEST_CASE(schemes_without_a_packed_kernel_stay_dequantized_fp32) {
  const ModelConfig c = load_preset("llama3-mini");
  cpu::CpuBackend cpu(1);
  test::CountingBackend be(cpu);  // a backend without packed kernels (as CUDA for block128)
  be.allow_packed(false);
  RandomInitOptions o;
  const ModelWeights w = random_weights(be, c, o, Elem::F32, quant::Format::Fp8E4M3Block128);
  BOOST_TEST(!w.quantization.packed);
  BOOST_TEST((w.layers[0].attn.q.elem() == Elem::F32));
  // And they refuse a non-fp32 dtype, naming the option.
  try {
    random_weights(be, c, o, Elem::BF16, quant::Format::Fp8E4M3Block128);
    BOOST_ERROR("fp8-e4m3-block128 with bf16 weights accepted");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "--weights-dtype");
  }
}

BOOST_AUTO_TEST_SUITE_END()
