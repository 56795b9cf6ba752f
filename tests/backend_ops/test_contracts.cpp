// The op contracts (engine/backend/op_contracts.hpp) hold on every backend: a call that breaks
// one is refused before any data is touched, with an Error naming the op (where), the tensor
// and, where shapes are at fault, the shapes.
#include <functional>
#include <string>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// A temporary as the op's output argument (it lives until the end of the call's full expression).
Tensor& lvalue(Tensor&& t) {
  return t;
}

// A device backend checks index values in its kernels and reports them at the next
// synchronisation, so the call and a synchronize() together must throw.
void refused(Backend& be, const std::function<void()>& call, const char* op, const std::string& says,
             ErrorKind kind = ErrorKind::Validation) {
  try {
    call();
    be.synchronize(be.default_stream());
    BOOST_ERROR(std::string(op) + ": accepted a call that breaks its contract (" + says + ")");
  } catch (const Error& e) {
    BOOST_TEST_CONTEXT(e.what()) {
      BOOST_TEST((e.kind() == kind));
      BOOST_TEST(e.where() == op);
      BOOST_TEST(e.message().find(says) != std::string::npos);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_contracts)

BOOST_AUTO_TEST_CASE(linear_names_the_shapes_and_refuses_quantized_weights) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor x = be.alloc(Elem::F32, {2, 8}), w = be.alloc(Elem::F32, {4, 9}),
           y = be.alloc(Elem::F32, {2, 4});
    refused(be, [&] { be.linear(s, x, w, Tensor(), y); }, "linear", "w [4, 9] does not match x [2, 8]");
    Tensor wq = be.alloc(Elem::INT8, {4, 8});
    refused(be, [&] { be.linear(s, x, wq, Tensor(), y); }, "linear", "int8 weights have no kernel yet",
            ErrorKind::Unsupported);
    Tensor w8 = be.alloc(Elem::F32, {4, 8}), y5 = be.alloc(Elem::F32, {2, 5});
    refused(be, [&] { be.linear(s, x, w8, Tensor(), y5); }, "linear",
            "out has shape [2, 5], expected [2, 4]");
    refused(be, [&] { be.linear(s, x, w8, be.alloc(Elem::F32, {3}), y); }, "linear",
            "bias has shape [3], expected [4]");
    refused(be, [&] { be.linear(s, Tensor(), w8, Tensor(), y); }, "linear", "x is required");
    refused(be, [&] {
          be.linear(s, x, w8, Tensor(), lvalue(x.reshape({2, 8})));
        },
        "linear", "out has shape");
    Tensor xy = be.alloc(Elem::F32, {2, 8});
    refused(be, [&] {
          be.linear(s, xy, w8, Tensor(),
                    lvalue(xy.reshape({4, 4}).slice_rows(0, 2).reshape({2, 4})));
        },
        "linear", "out must not overlap x");
  });
}

BOOST_AUTO_TEST_CASE(norms_and_elementwise_ops) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor x = be.alloc(Elem::F32, {2, 10}), w = be.alloc(Elem::F32, {10});
    refused(be, [&] {
          be.norm(s, x, w, Tensor(), x, {NormOp::Rms, 1e-6f, 3});
        },
        "norm", "width 3 does not divide [2, 10]");
    refused(be, [&] {
          be.norm(s, x, w, Tensor(), x, {NormOp::L2, 1e-6f, 10});
        },
        "norm", "the L2 norm takes no weight");
    refused(be, [&] {
          be.norm(s, x, Tensor(), Tensor(), x, {NormOp::Layer, 1e-6f, 10});
        },
        "norm", "needs a weight");
    refused(be, [&] {
          be.norm(s, x, w, w, x, {NormOp::Rms, 1e-6f, 10});
        },
        "norm", "only LayerNorm takes a bias");
    refused(be, [&] { be.gated_rms_norm(s, x, x, be.alloc(Elem::F32, {9}), 1e-6f, 10, x); },
            "gated_rms_norm", "weight must have width elements");
    Tensor small = be.alloc(Elem::F32, {3});
    refused(be, [&] { be.add(s, x, small, 1.0f, x); }, "add", "sizes differ: [2, 10], [3], [2, 10]");
    refused(be, [&] { be.activation(s, x, small, Activation::Silu); }, "activation",
            "out size differs from x");
    refused(be, [&] { be.softcap(s, x, 1.0f, -1.0f, x); }, "softcap", "negative cap");
    refused(be, [&] {
          be.sigmoid_gate(s, x, be.alloc(Elem::F32, {2, 3}), x);
        },
        "sigmoid_gate", "gate must be [T, W] or [T, 1]");
    Tensor gu = be.alloc(Elem::F32, {2, 10});
    refused(be, [&] {
          be.glu(s, gu, lvalue(be.alloc(Elem::F32, {2, 4})), {});
        },
        "glu", "out has shape [2, 4], expected [2, 5]");
    refused(be, [&] {
          be.glu(s, gu, lvalue(gu.reshape({4, 5}).slice_rows(0, 2)), {});
        },
        "glu", "out must not overlap gate_up");
    refused(be, [&] {
          be.add(s, be.alloc(Elem::BF16, {2, 10}), x, 1.0f, x);
        },
        "add", "a is bf16, expected fp32");
  });
}

BOOST_AUTO_TEST_CASE(index_values_are_checked_before_any_read) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor table = be.alloc(Elem::F32, {5, 3}), out = be.alloc(Elem::F32, {1, 3});
    refused(be, [&] { be.embedding(s, upload_i32(be, {1}, {5}), table, 1.0f, Tensor(), Tensor(), out); },
        "embedding", "token id 5 outside [0, 5)");
    refused(be, [&] { be.embedding(s, upload_i32(be, {1}, {-1}), table, 1.0f, Tensor(), Tensor(), out); },
        "embedding", "token id -1 outside [0, 5)");
    refused(be, [&] {
          be.embedding(s, upload_i32(be, {1}, {0}), table, 1.0f, upload_i32(be, {1}, {4}),
                       be.alloc(Elem::F32, {4, 3}), out);
        },
        "embedding", "position 4 outside [0, 4)");
    Tensor xr = be.alloc(Elem::F32, {3, 5});
    refused(be, [&] {
          be.gather_rows(s, xr, upload_i32(be, {1}, {3}), lvalue(be.alloc(Elem::F32, {1, 5})));
        },
        "gather_rows", "row 3 outside [0, 3)");
    refused(be, [&] {
          be.gather_rows(s, xr, upload_i32(be, {1}, {2}), lvalue(be.alloc(Elem::F32, {1, 4})));
        },
        "gather_rows", "does not hold 1 rows of 5");
    Tensor x = be.alloc(Elem::F32, {1, 1, 4}), cs = be.alloc(Elem::F32, {8, 2}),
           sn = be.alloc(Elem::F32, {8, 2});
    refused(be, [&] {
          be.rope(s, x, upload_i32(be, {1}, {8}), cs, sn, {4, 0, 4, false});
        },
        "rope", "position 8 outside [0, 8)");
    refused(be, [&] {
          be.rope(s, x, upload_i32(be, {1}, {0}), cs, sn, {4, 2, 4, false});
        },
        "rope", "rotated span outside the head");
  });
}

BOOST_AUTO_TEST_CASE(kv_store_and_attention_check_the_block_table) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    const int64_t Hkv = 2, Dk = 5, Dv = 3;
    Tensor k = be.alloc(Elem::BF16, {4, 3, Hkv, Dk}), v = be.alloc(Elem::F32, {4, 3, Hkv, Dv});
    const KvBlocks kv{k, v, upload_i32(be, {3}, {2, 0, 3}), 3, 0};
    Tensor kn = be.alloc(Elem::F32, {1, Hkv, Dk}), vn = be.alloc(Elem::F32, {1, Hkv, Dv});
    refused(be, [&] { be.kv_store(s, kn, vn, upload_i32(be, {1}, {9}), kv); }, "kv_store",
            "position 9 beyond the block table (9 tokens)");
    refused(be, [&] { be.kv_store(s, kn, vn, upload_i32(be, {1}, {-1}), kv); }, "kv_store",
            "negative position");
    const KvBlocks bad{k, v, upload_i32(be, {1}, {4}), 3, 0};
    refused(be, [&] { be.kv_store(s, kn, vn, upload_i32(be, {1}, {0}), bad); }, "kv_store",
            "block table entry 0 = 4 outside the pool of 4");
    refused(be, [&] {
          be.kv_store(s, be.alloc(Elem::F32, {1, Hkv, Dk + 1}), vn, upload_i32(be, {1}, {0}), kv);
        },
        "kv_store", "k_new has shape [1, 2, 6], expected [1, 2, 5]");
    Tensor k1 = be.alloc(Elem::F32, {1, 4, 1, 2}), v1 = be.alloc(Elem::F32, {1, 4, 1, 2});
    const KvBlocks kv1{k1, v1, upload_i32(be, {1}, {0}), 4, 2};
    Tensor q = be.alloc(Elem::F32, {1, 1, 2}), out = be.alloc(Elem::F32, {1, 1, 2});
    refused(be, [&] { be.attention(s, q, upload_i32(be, {1}, {2}), kv1, Tensor(), out, {}); },
            "attention", "query position 2 not in the cache of 2");
    refused(be, [&] {
          be.attention(s, q, upload_i32(be, {1}, {0}), kv1, Tensor(), out,
                       {AttentionMask::Sliding, 0, 0, 0});
        },
        "attention", "sliding/chunked attention needs window > 0");
    refused(be, [&] {
          be.attention(s, be.alloc(Elem::F32, {1, 1, 3}), upload_i32(be, {1}, {0}), kv1, Tensor(),
                       out, {});
        },
        "attention", "q head dim differs from the k pool");
    refused(be, [&] {
          be.attention(s, q, upload_i32(be, {1}, {0}), kv1, be.alloc(Elem::F32, {2}), out, {});
        },
        "attention", "sinks has shape [2], expected [1]");
  });
}

BOOST_AUTO_TEST_CASE(router_conv_and_delta) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor logits = be.alloc(Elem::F32, {1, 6}), ids = be.alloc(Elem::I32, {1, 2}),
           w = be.alloc(Elem::F32, {1, 2});
    refused(be, [&] {
          be.router(s, logits, Tensor(), ids, w, {RouterScore::Softmax, 2, false, 4, 1, 1.0f});
        },
        "router", "groups must divide the experts");
    Tensor ids4 = be.alloc(Elem::I32, {1, 4}), w4 = be.alloc(Elem::F32, {1, 4});
    refused(be, [&] {
          be.router(s, logits, Tensor(), ids4, w4, {RouterScore::Softmax, 4, false, 3, 1, 1.0f});
        },
        "router", "top_k exceeds the eligible experts");
    refused(be, [&] {
          be.router(s, logits, Tensor(), w, w, {RouterScore::Softmax, 2, false, 1, 1, 1.0f});
        },
        "router", "ids is fp32, expected int32");
    Tensor x = be.alloc(Elem::F32, {3, 4}), cw = be.alloc(Elem::F32, {4, 3}),
           st = be.alloc(Elem::F32, {4, 1});
    refused(be, [&] { be.conv1d_causal(s, x, cw, Tensor(), st, true, x); }, "conv1d_causal",
            "state has shape [4, 1], expected [4, 2]");
    Tensor q = be.alloc(Elem::F32, {2, 2, 4}), v = be.alloc(Elem::F32, {2, 3, 4}),
           ab = be.alloc(Elem::F32, {2, 3});
    Tensor h = be.alloc(Elem::F32, {3}), state = be.alloc(Elem::F32, {3, 4, 4}),
           out = be.alloc(Elem::F32, {2, 3, 4});
    refused(be, [&] { be.gated_delta(s, q, q, v, ab, ab, h, h, state, out); }, "gated_delta",
            "key heads must divide value heads");
  });
}

BOOST_AUTO_TEST_CASE(memory_and_moe_grouping_ops) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor i = be.alloc(Elem::I32, {5}), h = be.alloc(Elem::BF16, {5});
    refused(be, [&] { be.fill(s, i, 0.5f); }, "fill", "value is not an int32 for an I32 tensor");
    refused(be, [&] { be.fill(s, h, 0.0f); }, "fill", "out is bf16, expected fp32 or int32");
    Tensor a = be.alloc(Elem::BF16, {3, 11});
    refused(be, [&] { be.copy(s, a, lvalue(be.alloc(Elem::F32, {33}))); }, "copy",
            "src is bf16, dst fp32");
    refused(be, [&] { be.copy(s, a, lvalue(be.alloc(Elem::BF16, {32}))); }, "copy",
            "sizes differ: [3, 11] vs [32]");
    Tensor big = be.alloc(Elem::F32, {10});
    refused(be, [&] { be.copy(s, big.slice_rows(0, 6), lvalue(big.slice_rows(4, 6))); }, "copy",
            "dst must not overlap src");
    Tensor z = be.alloc(Elem::F32, {5, 9});
    refused(be, [&] { be.scale(s, z, 1.0f, be.alloc(Elem::F32, {4}), z); }, "scale",
            "row_scale has shape [4], expected [5]");
    Tensor src = be.alloc(Elem::F32, {3, 4}), out = be.alloc(Elem::F32, {2, 4});
    refused(be, [&] {
          be.index_add(s, src, upload_i32(be, {3}, {0, 2, 1}), Tensor(), out);
        },
        "index_add", "index 2 outside [0, 2)");
    refused(be, [&] {
          be.index_add(s, src, upload_i32(be, {3}, {0, 1, 1}), Tensor(),
                       lvalue(be.alloc(Elem::F32, {2, 5})));
        },
        "index_add", "differ in width");
    Tensor tok = be.alloc(Elem::I32, {4}), wo = be.alloc(Elem::F32, {4}),
           off = be.alloc(Elem::I32, {4});
    refused(be, [&] {
          be.moe_group(s, upload_i32(be, {2, 2}, {0, 1, 3, 2}), be.alloc(Elem::F32, {2, 2}), 3, tok,
                       wo, off);
        },
        "moe_group", "expert id 3 outside [0, 3)");
    Tensor x = be.alloc(Elem::F32, {4, 6}), w = be.alloc(Elem::F32, {3, 2, 6}),
           y = be.alloc(Elem::F32, {4, 2});
    refused(be, [&] {
          be.grouped_linear(s, x, w, Tensor(), upload_i32(be, {4}, {0, 3, 2, 4}), y);
        },
        "grouped_linear", "offsets decrease at expert 1");
    refused(be, [&] {
          be.grouped_linear(s, x, w, Tensor(), upload_i32(be, {4}, {0, 1, 2, 3}), y);
        },
        "grouped_linear", "offsets must run from 0 to 4, run from 0 to 3");
    refused(be, [&] {
          be.grouped_linear(s, x, be.alloc(Elem::INT4, {3, 2, 6}), Tensor(), off, y);
        },
        "grouped_linear", "int4 weights have no kernel yet", ErrorKind::Unsupported);
  });
}

BOOST_AUTO_TEST_SUITE_END()
