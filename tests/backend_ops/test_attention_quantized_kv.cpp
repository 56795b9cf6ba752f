// Attention over int8 / fp8 KV pools: K/V go through kv_store into paged pools with per-vector
// scales (never-identity block table, as test_attention.cpp), and the output is held to the
// float64 attention of ref_attention over the K/V such a pool must hold, dequantized by the
// independent reference of quant/kv_row_reference.hpp, within the arithmetic bound of fp32
// attention. Every backend reads such pools: the CUDA cases below also reach its decode kernel
// (head dims 32 / 64 / 128, MLA rows of two scales), its split-K kernel staged and unstaged (dims
// up to 576, odd ones, many key splits) and prefill batches that would take the tensor-core
// kernel over a 16-bit pool.
#include <string>

#include "conformance.hpp"
#include "quant/kv_row_reference.hpp"
#ifdef ARCHSCOPE_WITH_CUDA
#include "backend/cuda_entry.hpp"
#endif

using namespace archscope;
using namespace archscope::test;

namespace {

struct QSetup {
  AttentionCase c;
  int64_t block_size;
  Elem elem;  // INT8 or FP8
  bool sinks;
  int64_t split;  // > 0: MLA-style rows, v = k (one pool), scales [latent | rope] split here
};

// The values a pool of `code` holds for rows [n, heads, dim]: each (row, head) vector quantized
// alone (two groups when split > 0).
Floats held(KvCode code, const Floats& x, int64_t n, int64_t heads, int64_t dim, int64_t split) {
  Floats out(x.size());
  for (int64_t r = 0; r < n * heads; ++r) {
    const auto put = [&](int64_t from, int64_t len) {
      const std::vector<float> v(x.begin() + r * dim + from, x.begin() + r * dim + from + len);
      const RefRow ref = reference(code, v);
      std::copy(ref.values.begin(), ref.values.end(), out.begin() + r * dim + from);
    };
    if (split > 0) {
      put(0, split);
      put(split, dim - split);
    } else {
      put(0, dim);
    }
  }
  return out;
}

void run(Backend& be, const QSetup& s, uint64_t seed) {
  const AttentionCase& c = s.c;
  const bool mla = s.split > 0;  // v aliases k: Dv == Dqk, Hkv == 1
  Rng rng(seed);
  auto q = rng.uniform(c.T * c.Hq * c.Dqk, -2, 2);
  auto k = rng.uniform(c.len * c.Hkv * c.Dqk, -2, 2);
  if (mla)  // the rope part on another scale than the latent, as in DeepSeek's rows
    for (int64_t t = 0; t < c.len; ++t)
      for (int64_t d = s.split; d < c.Dqk; ++d) k[t * c.Dqk + d] *= 9.0f;
  auto v = mla ? k : rng.uniform(c.len * c.Hkv * c.Dv);
  auto sinks = s.sinks ? rng.uniform(c.Hq, -1, 3) : Floats{};
  const int64_t nblocks = (c.len + s.block_size - 1) / s.block_size;
  Ints table(static_cast<size_t>(nblocks));
  for (int64_t i = 0; i < nblocks; ++i) table[i] = static_cast<int32_t>(nblocks - i);
  const int64_t pool = nblocks + 1;
  KvBlocks kv;
  kv.k = be.alloc(s.elem, {pool, s.block_size, c.Hkv, c.Dqk});
  kv.v = mla ? kv.k : be.alloc(s.elem, {pool, s.block_size, c.Hkv, c.Dv});
  kv.block_table = upload_i32(be, {nblocks}, table);
  kv.block_size = s.block_size;
  kv.length = c.len;
  const int64_t groups = mla ? 2 : 1;  // op_params.hpp: F32 [blocks, block_size, kv_heads, groups]
  kv.k_scale = be.alloc(Elem::F32, {pool, s.block_size, c.Hkv, groups});
  kv.v_scale = mla ? kv.k_scale : be.alloc(Elem::F32, {pool, s.block_size, c.Hkv, groups});
  kv.scale_split = s.split;
  Ints all(static_cast<size_t>(c.len));
  for (int64_t j = 0; j < c.len; ++j) all[j] = static_cast<int32_t>(j);
  const Tensor kt = upload_f32(be, {c.len, c.Hkv, c.Dqk}, k);
  const Tensor vt = mla ? kt : upload_f32(be, {c.len, c.Hkv, c.Dv}, v);
  be.kv_store(be.default_stream(), kt, vt, upload_i32(be, {c.len}, all), kv);
  Ints pos(static_cast<size_t>(c.T));
  for (int64_t t = 0; t < c.T; ++t) pos[t] = static_cast<int32_t>(c.len - c.T + t);
  Tensor out = be.alloc(Elem::F32, {c.T, c.Hq, c.Dv});
  be.attention(be.default_stream(), upload_f32(be, {c.T, c.Hq, c.Dqk}, q),
               upload_i32(be, {c.T}, pos), kv, s.sinks ? upload_f32(be, {c.Hq}, sinks) : Tensor(),
               out, c.p);
  const KvCode code = s.elem == Elem::INT8 ? KvCode::Int8 : KvCode::Fp8;
  const Floats kq = held(code, k, c.len, c.Hkv, c.Dqk, s.split);
  const Floats vq = mla ? kq : held(code, v, c.len, c.Hkv, c.Dv, 0);
  const Expected want = ref_attention(c, q, pos, kq, vq, sinks);
  BOOST_TEST_CONTEXT("T=" << c.T << " Hq=" << c.Hq << " Hkv=" << c.Hkv << " Dqk=" << c.Dqk
                          << " Dv=" << c.Dv << " len=" << c.len << " pool " << to_string(s.elem)
                          << (mla ? " (MLA rows)" : "")) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), want);
  }
}

const AttentionParams kCausal{};

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_attention_quantized_kv)

BOOST_AUTO_TEST_CASE(int8_and_fp8_pools_read_as_dequantized) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::INT8, Elem::FP8}) {
      run(be, {{7, 6, 2, 19, 19, 23, kCausal}, 4, e, false, 0}, 1);    // GQA prefill onto cache
      run(be, {{1, 5, 1, 33, 33, 41, kCausal}, 8, e, false, 0}, 2);    // MQA decode
      run(be, {{2, 8, 2, 64, 64, 150, kCausal}, 16, e, false, 0}, 3);  // several key blocks
      run(be, {{5, 6, 3, 23, 11, 61, {AttentionMask::Sliding, 9, 0.0f, 0.0f}}, 7, e, true, 0}, 4);
      run(be, {{3, 4, 2, 16, 16, 40, {AttentionMask::Chunked, 16, 0.3f, 5.0f}}, 16, e, false, 0},
          5);
    }
  });
}

BOOST_AUTO_TEST_CASE(kernel_shapes_of_a_device_backend) {
  const AttentionParams sliding{AttentionMask::Sliding, 24, 0.0f, 0.0f};
  for_each_backend([&](Backend& be) {
    for (Elem e : {Elem::INT8, Elem::FP8}) {
      run(be, {{1, 8, 2, 32, 32, 70, kCausal}, 16, e, false, 0}, 11);     // decode, D 32
      run(be, {{3, 4, 4, 128, 128, 300, kCausal}, 16, e, true, 0}, 12);   // decode, D 128, splits
      run(be, {{20, 8, 2, 64, 64, 40, kCausal}, 8, e, false, 0}, 13);     // prefill, D 64
      run(be, {{16, 4, 1, 128, 128, 70, sliding}, 16, e, true, 0}, 14);   // prefill, D 128, window
      run(be, {{2, 12, 4, 45, 45, 130, kCausal}, 16, e, false, 0}, 15);   // odd dim, GQA 3
      run(be, {{2, 2, 1, 300, 300, 33, kCausal}, 16, e, false, 0}, 16);   // unstaged, odd dim
      run(be, {{1, 2, 2, 320, 320, 600, kCausal}, 32, e, false, 0}, 17);  // unstaged, long
    }
  });
}

// The suite's device entries run attention=fp32 (backends.cpp); the default choice (which must
// keep quantized prefill off the tensor-core kernels) and the naive kernel read the pools too.
BOOST_AUTO_TEST_CASE(every_cuda_kernel_choice_reads_quantized_pools) {
#ifdef ARCHSCOPE_WITH_CUDA
  for (const DeviceInfo& d : cuda_entry::devices())
    for (AttentionKernel k : {AttentionKernel::Auto, AttentionKernel::Naive}) {
      KernelChoices kc;
      kc.attention = k;
      const std::unique_ptr<Backend> be = cuda_entry::make(d.index, kc);
      BOOST_TEST_CONTEXT(d.spec << (k == AttentionKernel::Naive ? " naive" : " auto")) {
        for (Elem e : {Elem::INT8, Elem::FP8}) {
          run(*be, {{20, 8, 2, 64, 64, 40, kCausal}, 8, e, true, 0}, 21);     // prefill, D 64
          run(*be, {{16, 4, 4, 128, 128, 33, kCausal}, 16, e, false, 0}, 22);  // prefill, D 128
          run(*be, {{1, 8, 2, 64, 64, 90, {AttentionMask::Sliding, 30, 0.0f, 0.0f}}, 16, e, false,
                     0},
              23);                                                          // decode, window
          run(*be, {{5, 6, 3, 23, 11, 61, kCausal}, 7, e, false, 0}, 24);     // odd dims, Dv != Dqk
          run(*be, {{2, 4, 1, 64, 64, 50, kCausal}, 16, e, false, 48}, 25);   // MLA rows
        }
      }
    }
#endif
}

BOOST_AUTO_TEST_CASE(mla_rows_carry_a_latent_and_a_rope_scale) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::INT8, Elem::FP8}) {
      run(be, {{1, 8, 1, 40, 40, 37, kCausal}, 16, e, false, 32},
          6);  // absorbed decode: [latent 32 | rope 8]
      run(be, {{9, 4, 1, 24, 24, 9, kCausal}, 16, e, false, 16}, 7);  // a first step, one block
      run(be, {{2, 4, 1, 64, 64, 90, kCausal}, 16, e, false, 48}, 8);  // decode kernel, 2 scales
      run(be, {{3, 16, 1, 576, 576, 40, kCausal}, 16, e, false, 512}, 9);  // DeepSeek-V3's row
      run(be, {{17, 4, 1, 40, 40, 50, kCausal}, 8, e, false, 32}, 10);     // prefill of 17
    }
  });
}

BOOST_AUTO_TEST_CASE(quantized_pools_need_their_scales) {
  for_each_backend([](Backend& be) {
    const Tensor kn = be.alloc(Elem::F32, {1, 2, 4}), pos = upload_i32(be, {1}, {0});
    auto refused = [&](const KvBlocks& kv, const std::string& what) {
      std::string message;
      try {
        be.kv_store(be.default_stream(), kn, kn, pos, kv);
      } catch (const Error& e) {
        message = e.what();
      }
      BOOST_TEST(message.find(what) != std::string::npos, "expected '" << what << "', got '" << message << "'");
    };
    KvBlocks kv;
    kv.k = be.alloc(Elem::INT8, {2, 4, 2, 4});
    kv.v = be.alloc(Elem::INT8, {2, 4, 2, 4});
    kv.block_table = upload_i32(be, {1}, {1});
    kv.block_size = 4;
    refused(kv, "a quantized pool needs its scales");
    kv.k_scale = kv.v_scale = be.alloc(Elem::F32, {2, 4, 2, 3});
    refused(kv, "must be [blocks, block_size, kv_heads, 1 or 2]");
    kv.k_scale = kv.v_scale = be.alloc(Elem::F32, {2, 4, 2, 2});
    refused(kv, "0 < scale_split < dim");
    kv.v = be.alloc(Elem::F32, {2, 4, 2, 4});
    refused(kv, "share one element type");
    kv.k = be.alloc(Elem::F32, {2, 4, 2, 4});
    refused(kv, "scales given for an unquantized pool");
  });
}

BOOST_AUTO_TEST_SUITE_END()
