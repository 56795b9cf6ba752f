// Added tokens of tokenizer.json (HF tokenizer/added_vocabulary.rs): matched in the text before
// pre-tokenization, leftmost-longest; tokens with normalized=false against the raw text, the
// others against each piece after normalization. single_word, lstrip and rstrip behave as in HF
// (word and space tests use the Rust regex classes \w and \s). Ids are assigned as HF assigns
// them on load: the id of the content when the model (or an earlier added token) already has it,
// otherwise the next id after the model's vocabulary size, in file order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/bpe_model.hpp"
#include "tokenizer/json_fields.hpp"
#include "tokenizer/normalizers.hpp"

namespace archscope::tok {

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
};

// A piece of the text being encoded: either matched to an added token, or text still to be
// pre-tokenized and tokenized.
struct TextPiece {
  std::string text;
  std::optional<uint32_t> token;
  bool at_start = false;  // begins at byte 0 of the original text
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  AddedVocabulary(const Json& list, const std::string& path, const BpeModel& model,
                  const Normalizer* normalizer);

  // HF extract_and_normalize: split on raw-text tokens, normalize the rest, split on normalized
  // tokens. Empty pieces are dropped.
  std::vector<TextPiece> extract_and_normalize(std::string_view text,
                                               const Normalizer* normalizer) const;

  std::optional<uint32_t> token_to_id(std::string_view content) const;
  // The string decoding uses: the normalized form for normalized tokens the normalizer changes.
  const std::string* id_to_token(uint32_t id) const;
  bool is_special(std::string_view token) const { return special_.count(std::string(token)) != 0; }
  const std::map<uint32_t, AddedToken>& by_id() const { return by_id_; }

 private:
  struct Trie {
    struct Node {
      std::vector<std::pair<unsigned char, int32_t>> children;
      int64_t token = -1;  // id of the token ending here
    };
    std::vector<Node> nodes{Node{}};
    std::array<bool, 256> first{};
    void insert(std::string_view pattern, uint32_t id);
    bool empty() const { return nodes.size() == 1; }
  };
  // One leftmost-longest match at or after `from`: (start, end, id).
  struct Match {
    size_t start, end;
    uint32_t id;
  };
  static std::optional<Match> find(const Trie& trie, std::string_view text, size_t from);
  void split(const Trie& trie, TextPiece piece, std::vector<TextPiece>& out) const;

  std::map<std::string, uint32_t, std::less<>> by_content_;
  std::map<uint32_t, AddedToken> by_id_;
  std::map<uint32_t, std::string> normalized_form_;
  std::set<std::string> special_;
  Trie raw_trie_, normalized_trie_;
};

}  // namespace archscope::tok
