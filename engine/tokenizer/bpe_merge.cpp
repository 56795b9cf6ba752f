// BpeModel::merge_word: HF models/bpe/model.rs merge_word + word.rs merge_all, step for step, so
// that ties and stale queue entries resolve exactly as HF resolves them: symbols from characters
// (with byte fallback and unk fusing), then merges applied lowest rank first, leftmost first on
// equal ranks, through a priority queue with lazy invalidation.
#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "tokenizer/bpe_model.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

namespace {
struct Symbol {
  uint32_t id;
  int64_t prev;
  int64_t next;
  size_t len;  // bytes of the word it covers; 0 once merged into its left neighbour
};

struct QueuedMerge {
  size_t pos;
  uint32_t rank;
  uint32_t new_id;
};
// std::priority_queue pops the greatest: "greater" is lower rank, then lower position.
struct Later {
  bool operator()(const QueuedMerge& a, const QueuedMerge& b) const {
    if (a.rank != b.rank) return a.rank > b.rank;
    return a.pos > b.pos;
  }
};

void add_symbol(std::vector<Symbol>& symbols, uint32_t id, size_t len) {
  const int64_t n = static_cast<int64_t>(symbols.size());
  if (!symbols.empty()) symbols.back().next = n;
  symbols.push_back({id, n - 1, -1, len});
}
}  // namespace

void BpeModel::merge_word(std::string_view w, std::vector<uint32_t>& ids) const {
  std::vector<Symbol> symbols;
  symbols.reserve(w.size());
  bool have_unk = false;
  uint32_t unk_id = 0;
  size_t unk_len = 0;
  const auto unk = [&]() -> uint32_t {
    const auto id = token_to_id(*unk_token_);
    if (!id)
      throw Error(ErrorKind::Validation, "model.unk_token",
                  "unk token '" + *unk_token_ + "' is not in the vocabulary");
    return *id;
  };
  std::string s;
  size_t pos = 0;
  while (pos < w.size()) {
    const size_t begin = pos;
    next_code_point(w, pos);
    const bool is_first = begin == 0, is_last = pos == w.size();
    const std::string_view ch = w.substr(begin, pos - begin);
    std::optional<uint32_t> id;
    if ((is_first || !prefix_) && (!is_last || !suffix_)) {
      id = symbol_id(ch);
      s.assign(ch);
    } else {
      s.clear();
      if (!is_first && prefix_) s += *prefix_;
      s += ch;
      if (is_last && suffix_) s += *suffix_;
      id = token_to_id(s);
    }
    const size_t byte_len = ch.size();
    if (id) {
      if (have_unk) {
        add_symbol(symbols, unk_id, unk_len);
        have_unk = false;
      }
      add_symbol(symbols, *id, byte_len);
      continue;
    }
    if (byte_fallback_) {
      bool all = true;
      for (unsigned char b : s) all = all && byte_ids_[b] >= 0;
      if (all) {
        // As HF: a pending unk stays pending across byte-fallback symbols.
        for (unsigned char b : s) add_symbol(symbols, static_cast<uint32_t>(byte_ids_[b]), 1);
        continue;
      }
    }
    if (unk_token_) {
      if (have_unk && fuse_unk_) {
        unk_len += byte_len;
      } else {
        if (have_unk) add_symbol(symbols, unk_id, unk_len);
        unk_id = unk();
        unk_len = byte_len;
        have_unk = true;
      }
    }
    // Without an unk token HF drops the character.
  }
  if (have_unk) add_symbol(symbols, unk_id, unk_len);

  std::priority_queue<QueuedMerge, std::vector<QueuedMerge>, Later> queue;
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const Merge* m = merges_.find(symbols[i].id, symbols[i + 1].id))
      queue.push({i, m->rank, m->new_id});
  }
  while (!queue.empty()) {
    const QueuedMerge top = queue.top();
    queue.pop();
    Symbol& cur = symbols[top.pos];
    if (cur.len == 0 || cur.next == -1) continue;
    const size_t next_pos = static_cast<size_t>(cur.next);
    const Symbol right = symbols[next_pos];
    const Merge* now = merges_.find(cur.id, right.id);
    if (now == nullptr || now->new_id != top.new_id) continue;  // stale entry
    cur.id = top.new_id;
    cur.len += right.len;
    cur.next = right.next;
    symbols[next_pos].len = 0;
    if (right.next > -1 && static_cast<size_t>(right.next) < symbols.size()) {
      symbols[static_cast<size_t>(right.next)].prev = static_cast<int64_t>(top.pos);
    }
    if (cur.prev >= 0) {
      const size_t prev = static_cast<size_t>(cur.prev);
      if (const Merge* m = merges_.find(symbols[prev].id, cur.id))
        queue.push({prev, m->rank, m->new_id});
    }
    if (cur.next >= 0 && static_cast<size_t>(cur.next) < symbols.size()) {
      if (const Merge* m = merges_.find(cur.id, symbols[static_cast<size_t>(cur.next)].id)) {
        queue.push({top.pos, m->rank, m->new_id});
      }
    }
  }
  for (const Symbol& sym : symbols) {
    if (sym.len != 0) ids.push_back(sym.id);
  }
}

}  // namespace archscope::tok
