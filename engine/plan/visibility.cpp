#include "plan/visibility.hpp"

#include <algorithm>

namespace archscope {

namespace {
using wide = unsigned __int128;

wide triangle(wide n) { return n * (n + 1) / 2; }

// Σ visible_keys(p) for p in [0, n).
wide prefix_sum(AttentionKind kind, int64_t window, int64_t n) {
  if (n <= 0) return 0;
  const wide un = static_cast<wide>(n);
  switch (kind) {
    case AttentionKind::Full:
    case AttentionKind::Mla: return triangle(un);
    case AttentionKind::Sliding: {
      const wide w = static_cast<wide>(window);
      if (un <= w) return triangle(un);
      return triangle(w) + (un - w) * w;  // positions ≥ W each see exactly W keys
    }
    case AttentionKind::Chunked: {
      const wide c = static_cast<wide>(window);
      return (un / c) * triangle(c) + triangle(un % c);  // full chunks, then the partial one
    }
    case AttentionKind::Linear: return 0;
  }
  return 0;
}
}  // namespace

int64_t visible_keys(AttentionKind kind, int64_t window, int64_t p) {
  switch (kind) {
    case AttentionKind::Full:
    case AttentionKind::Mla: return p + 1;
    case AttentionKind::Sliding: return std::min(p + 1, window);
    case AttentionKind::Chunked: return p % window + 1;
    case AttentionKind::Linear: return 0;
  }
  return 0;
}

unsigned __int128 visible_key_sum(AttentionKind kind, int64_t window, int64_t first,
                                  int64_t count) {
  return prefix_sum(kind, window, first + count) - prefix_sum(kind, window, first);
}

int64_t cached_tokens(AttentionKind kind, int64_t window, int64_t tokens) {
  switch (kind) {
    case AttentionKind::Full:
    case AttentionKind::Mla: return tokens;
    case AttentionKind::Sliding:
    case AttentionKind::Chunked: return std::min(tokens, window);
    case AttentionKind::Linear: return 0;
  }
  return 0;
}

}  // namespace archscope
