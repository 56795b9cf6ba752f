// The contract of every Backend op, in one backend-neutral place: element types, shapes, ranks,
// parameters and aliasing rules, checked before a backend touches any data. Every backend calls
// check_<op> first, then only checks that the tensors are its own and does the work, so the CPU
// and the CUDA backend refuse exactly the same calls with exactly the same messages.
//
// Violations throw archscope::Error with the op as `where` and a message naming the tensor and
// the shapes: Validation for a call that breaks the contract, Unsupported for a well-formed call
// no kernel handles yet (quantized weights). Nothing here reads tensor data: the checks of index
// values (token ids, positions, block tables, rows) take the values as a span, for a backend that
// has them on the host (the CPU backend directly, a device backend from the host copy it
// uploaded); a backend that cannot see them must guard its reads itself.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "backend/op_params.hpp"
#include "backend/tensor.hpp"

namespace archscope::contract {

// ---- building blocks (also for ops a backend adds on its own)
[[noreturn]] void fail(const char* op, const std::string& message);
inline void require(bool ok, const char* op, const std::string& message) {
  if (!ok) fail(op, message);
}
void check_defined(const Tensor& t, const char* op, const char* name);
void check_elem(const Tensor& t, Elem e, const char* op, const char* name);  // defined, of type e
// Defined and F32, BF16 or F16 (quantized weights: Unsupported until they have kernels).
// An activation a producer may write in the type its consumer reads (Backend::linear_input_elem):
// F32 or BF16.
void check_activation(const Tensor& t, const char* op, const char* name);
void check_float(const Tensor& t, const char* op, const char* name);
// A linear weight: check_float's element types or a packed one (elem_is_packed); whether the
// backend has a kernel for a packed one is the backend's check (Backend::supports_packed).
void check_weight(const Tensor& t, const char* op, const char* name);
void check_shape(const Tensor& t, const Shape& s, const char* op, const char* name);
// a and b do not share any byte (views of one buffer may, if their ranges are disjoint).
void check_no_overlap(const Tensor& a, const Tensor& b, const char* op, const char* a_name,
                      const char* b_name);

// ---- the ops (see backend.hpp for what each computes)

// Memory and MoE-grouping ops (op_contracts_moe.cpp).
void check_fill(const Tensor& out, float value);
// Returns true when dst is src itself (nothing to copy).
bool check_copy(const Tensor& src, const Tensor& dst);
void check_scale(const Tensor& x, const Tensor& row_scale, const Tensor& out);
struct IndexAddDims {
  int64_t rows, width, out_rows;
};
IndexAddDims check_index_add(const Tensor& src, const Tensor& index, const Tensor& weight,
                             const Tensor& out);
struct MoeGroupDims {
  int64_t tokens, k;
};
MoeGroupDims check_moe_group(const Tensor& ids, const Tensor& weights, int64_t experts,
                             const Tensor& token_of, const Tensor& weight_of,
                             const Tensor& offsets);
struct GroupedLinearDims {
  int64_t rows, in, out, experts;
};
GroupedLinearDims check_grouped_linear(const Tensor& x, const Tensor& w, const Tensor& bias,
                                       const Tensor& offsets, const Tensor& out);

// Layout ops and the per-head linear (op_contracts_layout.cpp).
struct ConcatDims {
  int64_t rows, mid, a_mid, b_mid, a_width, b_width;  // out [rows, mid, a_width + b_width]
};
ConcatDims check_concat_last(const Tensor& a, const Tensor& b, const Tensor& out);
struct SliceDims {
  int64_t rows, width;  // rows of x's last dim, and that dim
};
SliceDims check_slice_last(const Tensor& x, int64_t offset, int64_t width, const Tensor& out);
struct HeadLinearDims {
  int64_t tokens, heads, in, out;
};
HeadLinearDims check_head_linear(const Tensor& x, const Tensor& w, const Tensor& out);

struct EmbeddingDims {
  int64_t tokens, vocab, width, positions;
};  // positions: 0 without pos_table
EmbeddingDims check_embedding(const Tensor& ids, const Tensor& table, const Tensor& positions,
                              const Tensor& pos_table, const Tensor& out);

void check_add(const Tensor& a, const Tensor& b, const Tensor& out);

// norm / add_norm: out F32 or BF16 (the rounded result, for a linear that reads bf16; a BF16 out
// must not overlap x). linear: x F32 or BF16. glu: out F32 or BF16.
// add_norm: h, r, out of one size (h, r F32), the norm's rules for weight / bias / p, and out apart
// from h and r; returns the row count.
int64_t check_add_norm(const Tensor& h, const Tensor& r, const Tensor& weight, const Tensor& bias,
                       const Tensor& out, const NormParams& p);
int64_t check_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& out,
                   const NormParams& p);  // returns the row count

int64_t check_gated_rms_norm(const Tensor& x, const Tensor& z, const Tensor& weight, int64_t width,
                             const Tensor& out);  // returns the row count

struct LinearDims {
  int64_t tokens, in, out;
};
LinearDims check_linear(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out);

// linear_glu: x F32 [T, K], w [2F, K] (a weight dtype), bias F32 [2F] or none, out F32 [T, F]
// apart from x; width F of the output.
struct LinearGluDims {
  int64_t tokens, in, width;
};
LinearGluDims check_linear_glu(const Tensor& x, const Tensor& w, const Tensor& bias,
                               const Tensor& out);

// linear_residual: linear()'s rules with h as the output (h apart from x); returns its dims.
LinearDims check_linear_residual(const Tensor& x, const Tensor& w, const Tensor& bias,
                                 const Tensor& h);

struct RopeDims {
  int64_t tokens, heads, table_positions;
};
RopeDims check_rope(const Tensor& x, const Tensor& positions, const Tensor& cos, const Tensor& sin,
                    const RopeApplyParams& p);

// The block pools and table of a KvBlocks view that must hold positions [0, upto).
struct KvDims {
  int64_t kv_heads, qk_dim, v_dim, block_size, capacity, pool_blocks;
};
KvDims check_kv_blocks(const KvBlocks& kv, int64_t upto, const char* op);

// kv_store's shapes; `upto` is one past the largest position (from the position values).
KvDims check_kv_store(const Tensor& k_new, const Tensor& v_new, const Tensor& positions,
                      const KvBlocks& kv, int64_t upto);

struct AttentionDims {
  int64_t tokens, q_heads, qk_dim, v_dim;
  KvDims kv;
};
AttentionDims check_attention(const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                              const Tensor& sinks, const Tensor& out, const AttentionParams& p);

struct GatherDims {
  int64_t rows_in, rows_out, width;
};
GatherDims check_gather_rows(const Tensor& x, const Tensor& rows, const Tensor& out);

struct ArgmaxDims {
  int64_t rows, width;
};
ArgmaxDims check_argmax(const Tensor& x, const Tensor& out);

void check_activation(const Tensor& x, const Tensor& out);

struct GluDims {
  int64_t tokens, width;
};  // width F of the output
GluDims check_glu(const Tensor& gate_up, const Tensor& out);

void check_sigmoid_gate(const Tensor& x, const Tensor& gate, const Tensor& out);

void check_softcap(const Tensor& x, float cap, const Tensor& out);

struct RouterDims {
  int64_t tokens, experts;
};
RouterDims check_router(const Tensor& logits, const Tensor& bias, const Tensor& ids,
                        const Tensor& weights, const RouterParams& p);

struct ConvDims {
  int64_t tokens, channels, taps;
};
ConvDims check_conv1d_causal(const Tensor& x, const Tensor& weight, const Tensor& bias,
                             const Tensor& state, const Tensor& out);

struct DeltaDims {
  int64_t tokens, key_heads, value_heads, key_dim, value_dim;
};
DeltaDims check_gated_delta(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& a,
                            const Tensor& b, const Tensor& a_log, const Tensor& dt_bias,
                            const Tensor& state, const Tensor& out);

// ---- index values (host views; see the top of the file)

// Every value in [0, limit): `what` names the value in the message ("token id", "position").
void check_indices(std::span<const int32_t> values, int64_t limit, const char* op,
                   const char* what);
// kv_store: every position >= 0; returns one past the largest (0 for none).
int64_t check_store_positions(std::span<const int32_t> positions, const char* op);
// attention: every query position already in the cache of `length` tokens.
void check_query_positions(std::span<const int32_t> positions, int64_t length, const char* op);
// The block-table entries that cover positions [0, upto) name blocks of the pool.
void check_block_table(std::span<const int32_t> table, int64_t upto, const KvDims& d,
                       const char* op);
// grouped_linear: offsets[0] = 0, offsets[E] = rows, never decreasing.
void check_group_offsets(std::span<const int32_t> offsets, int64_t rows, const char* op);

}  // namespace archscope::contract
