// The BPE model of tokenizer.json (HF models/bpe): vocabulary, ranked merges and the options the
// 2025 families use — byte_fallback (<0xXX> tokens for characters outside the vocabulary),
// unk_token with fuse_unk, ignore_merges (a word found whole in the vocabulary is one token, as
// Llama 3 uses), continuing_subword_prefix and end_of_word_suffix. Dropout must be null or 0:
// random merges would make ids irreproducible.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/json_fields.hpp"
#include "tokenizer/merge_map.hpp"

namespace archscope::tok {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TokenIds = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

class BpeModel {
 public:
  // Reads the "model" object; errors name `path` ("model.merges[12]: ...").
  BpeModel(const Json& model, const std::string& path);

  // Appends the ids of one pre-tokenized word (non-empty, valid UTF-8).
  void tokenize(std::string_view word, std::vector<uint32_t>& ids) const;

  std::optional<uint32_t> token_to_id(std::string_view token) const;
  // nullptr for an id with no token (ids need not be contiguous).
  const std::string* id_to_token(uint32_t id) const;
  // Number of entries, as HF's get_vocab_size (not the largest id + 1).
  size_t vocab_size() const { return vocab_.size(); }
  // Largest id + 1.
  uint32_t id_bound() const { return static_cast<uint32_t>(id_to_token_.size()); }

 private:
  void merge_word(std::string_view word, std::vector<uint32_t>& ids) const;
  std::optional<uint32_t> symbol_id(std::string_view s) const;

  TokenIds vocab_;
  std::vector<std::string> id_to_token_;
  std::vector<bool> has_id_;
  MergeMap merges_;
  std::optional<std::string> unk_token_;
  std::optional<std::string> prefix_;
  std::optional<std::string> suffix_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  std::array<int64_t, 256> byte_ids_{};  // <0xXX> token ids, -1 when absent
  std::vector<int64_t> small_char_ids_;  // code point < 0x800 -> id, -1 when absent

  // Results for words seen before (HF keeps the same cache: 10,000 words under 256 bytes).
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<uint32_t>, StringHash, std::equal_to<>>
      cache_;
};

}  // namespace archscope::tok
