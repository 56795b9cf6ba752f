// Open-addressing hash map from a token pair (left id, right id) to its merge (rank, new id):
// the BPE inner loop looks a pair up for every adjacent symbol, so it avoids std::unordered_map's
// node chasing. Insert-or-assign semantics: a pair listed twice keeps its later rank, as HF's
// collect into a HashMap does.
#pragma once

#include <cstdint>
#include <vector>

namespace archscope::tok {

struct Merge {
  uint32_t rank = 0;
  uint32_t new_id = 0;
};

class MergeMap {
 public:
  void reserve(size_t count) {
    size_t cap = 16;
    while (cap < count * 2) cap <<= 1;
    keys_.assign(cap, kEmpty);
    values_.assign(cap, {});
    size_ = 0;
  }

  void insert_or_assign(uint32_t a, uint32_t b, Merge m) {
    if ((size_ + 1) * 2 > keys_.size()) grow();
    const uint64_t key = pack(a, b);
    size_t i = slot(key);
    while (keys_[i] != kEmpty && keys_[i] != key) i = (i + 1) & (keys_.size() - 1);
    if (keys_[i] == kEmpty) ++size_;
    keys_[i] = key;
    values_[i] = m;
  }

  const Merge* find(uint32_t a, uint32_t b) const {
    if (keys_.empty()) return nullptr;
    const uint64_t key = pack(a, b);
    size_t i = slot(key);
    while (keys_[i] != kEmpty) {
      if (keys_[i] == key) return &values_[i];
      i = (i + 1) & (keys_.size() - 1);
    }
    return nullptr;
  }

  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};  // ids are < 2^32 - 1, so never a real key
  static uint64_t pack(uint32_t a, uint32_t b) { return (uint64_t{a} << 32) | b; }
  size_t slot(uint64_t key) const {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<size_t>(key) & (keys_.size() - 1);
  }
  void grow() {
    std::vector<uint64_t> old_keys = std::move(keys_);
    std::vector<Merge> old_values = std::move(values_);
    reserve(old_keys.empty() ? 8 : old_keys.size());
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != kEmpty) {
        insert_or_assign(static_cast<uint32_t>(old_keys[i] >> 32),
                         static_cast<uint32_t>(old_keys[i]), old_values[i]);
      }
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<Merge> values_;
  size_t size_ = 0;
};

}  // namespace archscope::tok
