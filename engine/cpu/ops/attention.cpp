// Attention of a batch of query tokens of one sequence against its paged K/V.
// Per (token, query head): logits s_j = scale * q.k_j over the visible keys (causal, sliding
// window or same chunk), optional soft-cap, softmax in fp32 with the optional sink logit in the
// denominator (gpt-oss: it takes probability mass but adds no value), then the weighted sum of v.
// Query head h reads kv head h / (Hq / Hkv). qk_dim and v_dim may differ (MLA). int8 / fp8 pools
// are dequantized (code value * the vector's fp32 scale) as the tile loads each key block.
//
// Work is cut into tiles of at most kAttnMaxRows query rows that share one kv head: the query heads
// of a GQA group, times as many consecutive query tokens as fit (prefill), so each K/V row is read
// once per tile rather than once per query head. A tile walks the union of its rows' visible keys
// in blocks with an online softmax (simd/attention_kernels.cpp). Tiles (token tiles x kv heads x
// head tiles) run in parallel on the pool; when there are too few of them to keep the threads busy
// (decode with one or two kv heads) each tile's key range is also split, and the partial softmax
// states are merged afterwards (flash-decoding).
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/kv_blocks.hpp"
#include "cpu/simd/attention_kernels.hpp"

namespace archscope::cpu {

void CpuBackend::attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                           const Tensor& sinks, Tensor& out, const AttentionParams& p) {
  const char* op = "attention";
  check_stream(*this, s, op);
  const contract::AttentionDims d = contract::check_attention(q, q_positions, kv, sinks, out, p);
  check_cpu(q, op, "q");
  check_cpu(q_positions, op, "q_positions");
  check_cpu(kv, op);
  check_cpu_optional(sinks, op, "sinks");
  check_cpu(out, op, "out");
  const int64_t T = d.tokens, Hq = d.q_heads, Dqk = d.qk_dim;
  const float* qp = host<const float>(q);
  const int32_t* pos = host<const int32_t>(q_positions);
  float* yp = host<float>(out);
  const float* sk = host_or_null<const float>(sinks);
  contract::check_query_positions(std::span(pos, static_cast<size_t>(T)), kv.length, op);
  const KvLayout l = kv_layout(kv, d.kv, kv.length, op);
  if (T == 0) return;

  const float scale = p.scale != 0.0f ? p.scale : 1.0f / std::sqrt(static_cast<float>(Dqk));
  const int64_t Hkv = l.kv_heads, group = Hq / Hkv, Dv = l.v_dim;
  // First visible key of a query at position qpos (the last one is qpos itself).
  auto first_key = [&](int64_t qpos) -> int64_t {
    if (p.mask == AttentionMask::Sliding) return std::max<int64_t>(0, qpos - p.window + 1);
    if (p.mask == AttentionMask::Chunked) return qpos / p.window * p.window;
    return 0;
  };

  // Tile shape: hpt query heads of one group x tpt tokens, at most kAttnMaxRows rows.
  const int64_t hpt = std::min<int64_t>(group, kAttnMaxRows);
  const int64_t head_tiles = (group + hpt - 1) / hpt;
  const int64_t tpt = std::max<int64_t>(1, kAttnMaxRows / hpt);
  const int64_t tok_tiles = (T + tpt - 1) / tpt;
  const int64_t tiles = tok_tiles * Hkv * head_tiles;

  // Key-range splits when the tiles alone cannot feed every thread about four work items.
  int64_t span = 0;  // the longest visible key range of a query
  for (int64_t t = 0; t < T; ++t) span = std::max<int64_t>(span, pos[t] - first_key(pos[t]) + 1);
  const int64_t want = 4 * static_cast<int64_t>(pool_.threads());
  int64_t splits = 1;
  if (pool_.threads() > 1 && tiles < want)
    splits = std::max<int64_t>(1, std::min((want + tiles - 1) / tiles, span / (4 * kAttnKeyBlock)));
  const int64_t rows_max = hpt * tpt;
  std::vector<float> part;  // splits > 1: per (tile, split, row) the o row, then m and l
  const int64_t part_row = Dv + 2;
  if (splits > 1) part.resize(static_cast<size_t>(tiles * splits * rows_max * part_row));

  // Tile index -> rows. Token tiles run last-first: in causal prefill the late tokens have the
  // most keys, and the pool's contiguous chunks then shrink towards the end of the job.
  auto tile_rows = [&](int64_t tile, AttnRows& rows, int64_t& kvh, int64_t& h0, int64_t& tok0, int64_t& ntok,
                       int64_t& nh) {
    const int64_t tt = tok_tiles - 1 - tile / (Hkv * head_tiles);
    kvh = tile / head_tiles % Hkv;
    const int64_t ht = tile % head_tiles;
    h0 = kvh * group + ht * hpt;
    nh = std::min(hpt, group - ht * hpt);
    tok0 = tt * tpt;
    ntok = std::min(tpt, T - tok0);
    rows.n = static_cast<int>(ntok * nh);
    int r = 0;
    for (int64_t t = tok0; t < tok0 + ntok; ++t) {
      const int64_t lo = first_key(pos[t]);
      for (int64_t h = h0; h < h0 + nh; ++h, ++r) {
        rows.q[r] = qp + (t * Hq + h) * Dqk;
        rows.lo[r] = lo;
        rows.hi[r] = pos[t];
      }
    }
  };

  const float neg_inf = -std::numeric_limits<float>::infinity();
  pool_.parallel_for(tiles * splits, 1, [&](int64_t i0, int64_t i1) {
    for (int64_t item = i0; item < i1; ++item) {
      const int64_t tile = item / splits, split = item % splits;
      AttnRows rows;
      int64_t kvh, h0, tok0, ntok, nh;
      tile_rows(tile, rows, kvh, h0, tok0, ntok, nh);
      int64_t begin = std::numeric_limits<int64_t>::max(), end = 0;
      for (int r = 0; r < rows.n; ++r) begin = std::min(begin, rows.lo[r]), end = std::max(end, rows.hi[r] + 1);
      if (splits > 1) {
        const int64_t per = ((end - begin + splits - 1) / splits + kAttnKeyBlock - 1) / kAttnKeyBlock * kAttnKeyBlock;
        begin = std::min(end, begin + split * per);
        end = std::min(end, begin + per);
      }
      float m[kAttnMaxRows], den[kAttnMaxRows];
      float* o[kAttnMaxRows];
      int r = 0;
      for (int64_t t = tok0; t < tok0 + ntok; ++t)
        for (int64_t h = h0; h < h0 + nh; ++h, ++r) {
          const bool sink = sk && split == 0;  // the sink joins one split's denominator
          m[r] = sink ? sk[h] : neg_inf;
          den[r] = sink ? 1.0f : 0.0f;
          o[r] = splits > 1 ? part.data() + ((item * rows_max) + r) * part_row : yp + (t * Hq + h) * Dv;
        }
      AttnKeys keys;
      keys.k = l.k + static_cast<size_t>(kvh * l.qk_dim) * l.k_elem_bytes;
      keys.v = l.v + static_cast<size_t>(kvh * l.v_dim) * l.v_elem_bytes;
      keys.k_slot_bytes = static_cast<size_t>(Hkv * l.qk_dim) * l.k_elem_bytes;
      keys.v_slot_bytes = static_cast<size_t>(Hkv * l.v_dim) * l.v_elem_bytes;
      keys.table = l.table;
      keys.block_size = l.block_size;
      keys.k_elem = l.k_elem;
      keys.v_elem = l.v_elem;
      keys.qk_dim = l.qk_dim;
      keys.v_dim = l.v_dim;
      if (l.quantized()) {
        keys.k_scale = l.k_scale + kvh * l.groups;
        keys.v_scale = l.v_scale + kvh * l.groups;
        keys.scale_slot_floats = static_cast<size_t>(Hkv * l.groups);
        keys.groups = l.groups;
        keys.scale_split = l.scale_split;
      }
      if (begin < end) attention_tile(keys, rows, begin, end, scale, p.softcap, o, m, den);
      else
        for (int i = 0; i < rows.n; ++i) std::fill(o[i], o[i] + Dv, 0.0f);
      if (splits > 1) {
        for (int i = 0; i < rows.n; ++i) o[i][Dv] = m[i], o[i][Dv + 1] = den[i];
      } else {
        for (int i = 0; i < rows.n; ++i) {
          const float inv = 1.0f / den[i];
          for (int64_t c = 0; c < Dv; ++c) o[i][c] *= inv;
        }
      }
    }
  });
  if (splits == 1) return;

  // Merge the splits' partial softmax states: rescale each to the common max, sum, normalise.
  for (int64_t tile = 0; tile < tiles; ++tile) {
    AttnRows rows;
    int64_t kvh, h0, tok0, ntok, nh;
    tile_rows(tile, rows, kvh, h0, tok0, ntok, nh);
    int r = 0;
    for (int64_t t = tok0; t < tok0 + ntok; ++t)
      for (int64_t h = h0; h < h0 + nh; ++h, ++r) {
        const float* base = part.data() + (tile * splits * rows_max + r) * part_row;
        const int64_t stride = rows_max * part_row;  // next split of the same row
        float mx = neg_inf;
        for (int64_t sp = 0; sp < splits; ++sp) mx = std::max(mx, base[sp * stride + Dv]);
        float* y = yp + (t * Hq + h) * Dv;
        std::fill(y, y + Dv, 0.0f);
        float den = 0.0f;
        for (int64_t sp = 0; sp < splits; ++sp) {
          const float* ps = base + sp * stride;
          if (ps[Dv] == neg_inf) continue;  // no key (and no sink) in this split
          const float w = std::exp(ps[Dv] - mx);
          den += w * ps[Dv + 1];
          for (int64_t c = 0; c < Dv; ++c) y[c] += w * ps[c];
        }
        const float inv = 1.0f / den;
        for (int64_t c = 0; c < Dv; ++c) y[c] *= inv;
      }
  }
}

}  // namespace archscope::cpu
