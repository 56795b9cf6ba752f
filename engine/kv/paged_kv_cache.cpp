#include "kv/paged_kv_cache.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "kv/kv_dtype.hpp"
#include "kv/memory_check.hpp"

namespace archscope {

namespace {

const char* kWhere = "kv_cache";

// Zero-filled F32 tensor: a fresh sequence starts from zero conv and recurrent state.
Tensor zeros(Backend& b, Shape shape) {
  Tensor t = b.alloc(Elem::F32, std::move(shape));
  std::vector<float> host(static_cast<size_t>(t.numel()), 0.0f);
  b.upload(b.default_stream(), host.data(), t);
  b.synchronize(b.default_stream());
  return t;
}

void zero_fill(Backend& b, Tensor& t) {
  std::vector<float> host(static_cast<size_t>(t.numel()), 0.0f);
  b.upload(b.default_stream(), host.data(), t);
  b.synchronize(b.default_stream());
}

// First position a future query of a sequence of `length` cached tokens can still see.
int64_t first_visible(AttentionKind kind, int64_t window, int64_t length) {
  if (kind == AttentionKind::Sliding) return std::max<int64_t>(0, length - window + 1);
  if (kind == AttentionKind::Chunked) return length / window * window;
  return 0;
}

void check_options(const KvCacheOptions& options) {
  if (options.block_size <= 0) throw Error(ErrorKind::Validation, kWhere, "block_size must be positive");
  if (options.max_tokens <= 0) throw Error(ErrorKind::Validation, kWhere, "max_tokens must be positive");
  if (options.max_sequences <= 0) throw Error(ErrorKind::Validation, kWhere, "max_sequences must be positive");
  if (options.max_step_tokens < 0) throw Error(ErrorKind::Validation, kWhere, "max_step_tokens must not be negative");
  if (options.dtype != Elem::F32 && options.dtype != Elem::BF16 && options.dtype != Elem::F16 &&
      !kv_quantized(options.dtype))
    throw Error(
        ErrorKind::Unsupported, kWhere,
        std::string("cache dtype ") + to_string(options.dtype) + "; use " + kv_dtype_names());
}

bool windowed(AttentionKind kind) { return kind == AttentionKind::Sliding || kind == AttentionKind::Chunked; }

// Blocks of the pool of a softmax / MLA layer.
int64_t blocks_for(const LayerSpec& s, const KvCacheOptions& o) {
  const int64_t full = (o.max_tokens + o.block_size - 1) / o.block_size;
  if (!windowed(s.attention) || o.max_step_tokens == 0 || s.window <= 0) return full;
  const int64_t per_seq = window_pool_blocks(s.attention, s.window, o.max_step_tokens, o.block_size);
  return std::min(full, per_seq * o.max_sequences);
}

// Bytes of one token of a layer's pool (K and V, or the MLA latent + rope key; scales included).
uint64_t token_bytes(const LayerSpec& s, const ModelConfig& c, Elem e) {
  return kv_token_bytes(s.attention, c, e);
}

// fp32 conv + recurrent state of one linear-attention layer of one sequence.
uint64_t linear_state_bytes(const ModelConfig& c) {
  const LinearAttentionConfig& l = c.attention.linear;
  const int64_t key_dim = l.key_heads * l.key_head_dim, value_dim = l.value_heads * l.value_head_dim;
  return sizeof(float) * static_cast<uint64_t>((2 * key_dim + value_dim) * (l.conv_kernel - 1) +
                                               l.value_heads * l.key_head_dim * l.value_head_dim);
}

}  // namespace

int64_t window_pool_blocks(AttentionKind kind, int64_t window, int64_t step_tokens, int64_t block_size) {
  const int64_t positions = window - 1 + step_tokens;  // what one step's queries can see
  // The span starts anywhere for a sliding window; a chunk starts at a multiple of the chunk, so
  // at an offset into its block that is a multiple of gcd(chunk, block), at most block - gcd.
  const int64_t step = kind == AttentionKind::Chunked ? std::gcd(window, block_size) : 1;
  return (block_size - step + positions - 1) / block_size + 1;
}

uint64_t PagedKvCache::allocated_bytes(const ModelConfig& config, const KvCacheOptions& options) {
  check_options(options);
  // Saturating: a sum past 2^64 bytes is "more than any machine has", and is refused as such.
  uint64_t need = 0;
  if (options.slice) check_layer_range(*options.slice, config, kWhere);
  for (const LayerSpec& s : expand_layers(config)) {
    if (!runs_layer(options.slice, s.index)) continue;
    uint64_t layer = 0;
    const bool wrapped =
        s.attention == AttentionKind::Linear
            ? __builtin_mul_overflow(static_cast<uint64_t>(options.max_sequences), linear_state_bytes(config), &layer)
            : __builtin_mul_overflow(static_cast<uint64_t>(blocks_for(s, options)) * static_cast<uint64_t>(options.block_size),
                                     token_bytes(s, config, options.dtype), &layer);
    if (wrapped || __builtin_add_overflow(need, layer, &need)) return UINT64_MAX;
  }
  return need;
}

PagedKvCache::PagedKvCache(Backend& backend, const ModelConfig& config, const KvCacheOptions& options)
    : backend_(backend), options_(options) {
  // Pools and per-slot states, counted before anything is allocated.
  check_fits_in(backend, allocated_bytes(config, options), kWhere);
  const auto specs = expand_layers(config);
  const AttentionConfig& a = config.attention;
  pools_.resize(specs.size());
  state_bytes_per_layer_.assign(specs.size(), 0);
  for (size_t i = 0; i < specs.size(); ++i) {
    Pool& p = pools_[i];
    p.kind = specs[i].attention;
    p.window = specs[i].window;
    p.present = runs_layer(options.slice, specs[i].index);
    if (!p.present) continue;
    if (p.kind == AttentionKind::Linear) {
      state_bytes_per_layer_[i] = linear_state_bytes(config);
      continue;
    }
    const int64_t nblocks = blocks_for(specs[i], options);
    if (p.kind == AttentionKind::Mla) {
      p.k = backend.alloc(options.dtype, {nblocks, options.block_size, 1, a.mla.kv_lora_rank + a.mla.qk_rope_head_dim});
      p.v = p.k;  // the latent doubles as the values (absorbed attention)
    } else {
      p.k = backend.alloc(options.dtype, {nblocks, options.block_size, a.kv_heads, a.head_dim});
      p.v = backend.alloc(options.dtype, {nblocks, options.block_size, a.kv_heads, a.head_dim});
    }
    if (kv_quantized(options.dtype)) {
      KvBlocks scales;
      scales.k = p.k;
      scales.v = p.v;
      attach_kv_scales(backend, scales, kv_scale_groups(p.kind, config),
                       kv_scale_split(p.kind, config));
      p.k_scale = scales.k_scale;
      p.v_scale = scales.v_scale;
      p.scale_split = scales.scale_split;
    }
    p.block_bytes = pool_bytes(p) / static_cast<size_t>(nblocks);
    p.free.resize(static_cast<size_t>(nblocks));
    for (int64_t b = 0; b < nblocks; ++b) p.free[static_cast<size_t>(b)] = static_cast<int32_t>(nblocks - 1 - b);
  }
  // Linear-attention state: allocated once per sequence slot, zeroed when a slot is reused.
  state_slots_.resize(static_cast<size_t>(options.max_sequences));
  for (auto& slot : state_slots_) {
    slot.resize(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
      if (pools_[i].kind != AttentionKind::Linear || !pools_[i].present) continue;
      const auto& l = a.linear;
      slot[i].conv_q = zeros(backend, {l.key_heads * l.key_head_dim, l.conv_kernel - 1});
      slot[i].conv_k = zeros(backend, {l.key_heads * l.key_head_dim, l.conv_kernel - 1});
      slot[i].conv_v = zeros(backend, {l.value_heads * l.value_head_dim, l.conv_kernel - 1});
      slot[i].recurrent = zeros(backend, {l.value_heads, l.key_head_dim, l.value_head_dim});
    }
  }
  seqs_.resize(static_cast<size_t>(options.max_sequences));
}

size_t PagedKvCache::pool_bytes(const Pool& p) {
  const bool mla = p.kind == AttentionKind::Mla;  // v aliases k, v_scale aliases k_scale
  size_t n = p.k.bytes() + (mla ? 0 : p.v.bytes());
  if (p.k_scale.defined()) n += p.k_scale.bytes() + (mla ? 0 : p.v_scale.bytes());
  return n;
}

PagedKvCache::Sequence& PagedKvCache::get(int64_t seq) {
  if (seq < 0 || seq >= static_cast<int64_t>(seqs_.size()) || !seqs_[static_cast<size_t>(seq)].live)
    throw Error(ErrorKind::Validation, kWhere, "no live sequence " + std::to_string(seq));
  return seqs_[static_cast<size_t>(seq)];
}
const PagedKvCache::Sequence& PagedKvCache::get(int64_t seq) const {
  return const_cast<PagedKvCache*>(this)->get(seq);
}

bool PagedKvCache::live(int64_t seq) const {
  return seq >= 0 && seq < static_cast<int64_t>(seqs_.size()) && seqs_[static_cast<size_t>(seq)].live;
}

int64_t PagedKvCache::length(int64_t seq) const { return get(seq).length; }

int64_t PagedKvCache::add_sequence() {
  for (size_t i = 0; i < seqs_.size(); ++i) {
    Sequence& s = seqs_[i];
    if (s.live) continue;
    s = Sequence{};
    s.live = true;
    s.tables.resize(pools_.size());
    s.table_tensors.resize(pools_.size());
    for (size_t l = 0; l < pools_.size(); ++l) {
      if (pools_[l].kind != AttentionKind::Linear || !pools_[l].present) continue;
      LinearState& st = state_slots_[i][l];
      zero_fill(backend_, st.conv_q);
      zero_fill(backend_, st.conv_k);
      zero_fill(backend_, st.conv_v);
      zero_fill(backend_, st.recurrent);
    }
    return static_cast<int64_t>(i);
  }
  throw Error(ErrorKind::Resource, kWhere,
              "all " + std::to_string(seqs_.size()) + " sequence slots are in use (max_sequences)");
}

void PagedKvCache::free_sequence(int64_t seq) {
  Sequence& s = get(seq);
  for (size_t l = 0; l < pools_.size(); ++l)
    for (int32_t b : s.tables[l])
      if (b >= 0) pools_[l].free.push_back(b);
  s = Sequence{};
}

void PagedKvCache::upload_table(Sequence& s, int64_t layer) {
  auto& table = s.tables[static_cast<size_t>(layer)];
  // Recycled entries point at block 0: they stay valid indices, and no query reads them (they
  // hold positions before the first visible one).
  std::vector<int32_t> host(table.size());
  for (size_t i = 0; i < table.size(); ++i) host[i] = std::max<int32_t>(table[i], 0);
  Tensor& t = s.table_tensors[static_cast<size_t>(layer)];
  if (!t.defined() || t.dim(0) != static_cast<int64_t>(host.size()))
    t = backend_.alloc(Elem::I32, {static_cast<int64_t>(host.size())});
  backend_.upload(backend_.default_stream(), host.data(), t);
  backend_.synchronize(backend_.default_stream());
}

void PagedKvCache::reserve(int64_t seq, int64_t tokens) {
  Sequence& s = get(seq);
  if (tokens < 0) throw Error(ErrorKind::Validation, kWhere, "negative token count");
  const int64_t bs = options_.block_size;
  const int64_t need = (s.length + tokens + bs - 1) / bs;
  for (size_t l = 0; l < pools_.size(); ++l) {
    Pool& p = pools_[l];
    if (p.kind == AttentionKind::Linear || !p.present) continue;
    auto& table = s.tables[l];
    if (static_cast<int64_t>(table.size()) >= need) continue;
    // Blocks wholly before the first position this step's queries can see need no storage; on a
    // sequence's first step the queries read staged keys (stages_first_step), so the blocks
    // needed are those the next step's query can see.
    const int64_t skip_below = first_visible(p.kind, p.window, s.length == 0 ? tokens : s.length) / bs;
    while (static_cast<int64_t>(table.size()) < need) {
      const int64_t logical = static_cast<int64_t>(table.size());
      if (logical < skip_below) {
        table.push_back(-1);
        continue;
      }
      if (p.free.empty())
        throw Error(ErrorKind::Resource, kWhere,
                    "layer " + std::to_string(l) + ": block pool exhausted (" +
                        std::to_string(p.k.dim(0)) + " blocks of " + std::to_string(bs) +
                        " tokens); raise max_tokens" +
                        (windowed(p.kind) && options_.max_step_tokens > 0
                             ? " (windowed pools hold the window plus max_step_tokens = " +
                                   std::to_string(options_.max_step_tokens) + " per sequence)"
                             : std::string()));
      table.push_back(p.free.back());
      p.free.pop_back();
    }
    upload_table(s, static_cast<int64_t>(l));
  }
}

void PagedKvCache::advance(int64_t seq, int64_t tokens) {
  Sequence& s = get(seq);
  s.length += tokens;
  const int64_t bs = options_.block_size;
  for (size_t l = 0; l < pools_.size(); ++l) {
    Pool& p = pools_[l];
    if ((p.kind != AttentionKind::Sliding && p.kind != AttentionKind::Chunked) || !p.present)
      continue;
    const int64_t keep_from = first_visible(p.kind, p.window, s.length);
    auto& table = s.tables[l];
    bool changed = false;
    for (int64_t b = 0; b < static_cast<int64_t>(table.size()) && (b + 1) * bs <= keep_from; ++b) {
      int32_t& id = table[static_cast<size_t>(b)];
      if (id < 0) continue;
      p.free.push_back(id);
      id = -1;
      changed = true;
    }
    if (changed) upload_table(s, static_cast<int64_t>(l));
  }
}

int64_t PagedKvCache::stored_from(int64_t seq, int64_t layer) const {
  const Sequence& s = get(seq);
  if (layer < 0 || layer >= static_cast<int64_t>(pools_.size()))
    throw Error(ErrorKind::Internal, kWhere, "no layer " + std::to_string(layer));
  const auto& table = s.tables[static_cast<size_t>(layer)];
  size_t b = 0;
  while (b < table.size() && table[b] < 0) ++b;
  return static_cast<int64_t>(b) * options_.block_size;
}

bool PagedKvCache::stages_first_step(int64_t layer, int64_t tokens) const {
  const Pool& p = pools_.at(static_cast<size_t>(layer));
  return windowed(p.kind) && p.window > 0 && first_visible(p.kind, p.window, tokens) > 0;
}

int64_t PagedKvCache::pool_blocks(int64_t layer) const {
  const Pool& p = pools_.at(static_cast<size_t>(layer));
  return p.kind == AttentionKind::Linear || !p.present ? 0 : p.k.dim(0);
}

KvBlocks PagedKvCache::blocks(int64_t seq, int64_t layer, int64_t length) const {
  const Sequence& s = get(seq);
  if (layer < 0 || layer >= static_cast<int64_t>(pools_.size()) ||
      pools_[static_cast<size_t>(layer)].kind == AttentionKind::Linear ||
      !pools_[static_cast<size_t>(layer)].present)
    throw Error(ErrorKind::Internal, kWhere, "layer " + std::to_string(layer) + " has no KV blocks");
  const Pool& p = pools_[static_cast<size_t>(layer)];
  const auto& table = s.tables[static_cast<size_t>(layer)];
  if (length > static_cast<int64_t>(table.size()) * options_.block_size)
    throw Error(ErrorKind::Internal, kWhere, "length beyond the reserved blocks");
  KvBlocks kv;
  kv.k = p.k;
  kv.v = p.v;
  kv.block_table = s.table_tensors[static_cast<size_t>(layer)];
  kv.block_size = options_.block_size;
  kv.length = length;
  kv.k_scale = p.k_scale;
  kv.v_scale = p.v_scale;
  kv.scale_split = p.scale_split;
  return kv;
}

LinearState& PagedKvCache::linear_state(int64_t seq, int64_t layer) {
  get(seq);
  if (layer < 0 || layer >= static_cast<int64_t>(pools_.size()) ||
      pools_[static_cast<size_t>(layer)].kind != AttentionKind::Linear ||
      !pools_[static_cast<size_t>(layer)].present)
    throw Error(ErrorKind::Internal, kWhere,
                "layer " + std::to_string(layer) + " is not linear attention in this cache");
  return state_slots_[static_cast<size_t>(seq)][static_cast<size_t>(layer)];
}

int64_t PagedKvCache::blocks_in_use(int64_t layer) const {
  const Pool& p = pools_.at(static_cast<size_t>(layer));
  if (p.kind == AttentionKind::Linear || !p.present) return 0;
  return p.k.dim(0) - static_cast<int64_t>(p.free.size());
}

KvAccounting PagedKvCache::accounting() const {
  KvAccounting acc;
  acc.per_layer.resize(pools_.size());
  int64_t live_seqs = 0;
  for (const Sequence& s : seqs_) live_seqs += s.live ? 1 : 0;
  for (size_t l = 0; l < pools_.size(); ++l) {
    const Pool& p = pools_[l];
    KvBytes& b = acc.per_layer[l];
    if (!p.present) continue;  // outside the slice: holds nothing
    if (p.kind == AttentionKind::Linear) {
      b.allocated = state_bytes_per_layer_[l] * state_slots_.size();
      b.used = state_bytes_per_layer_[l] * static_cast<uint64_t>(live_seqs);
    } else {
      b.allocated = pool_bytes(p);
      b.used = p.block_bytes * static_cast<uint64_t>(blocks_in_use(static_cast<int64_t>(l)));
    }
    KvBytes& k = acc.per_kind[static_cast<size_t>(p.kind)];
    k.allocated += b.allocated;
    k.used += b.used;
    acc.total.allocated += b.allocated;
    acc.total.used += b.used;
  }
  return acc;
}

}  // namespace archscope
