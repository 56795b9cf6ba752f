// A Hugging Face tokenizer.json, loaded and run as HF tokenizers runs it (0.23): added tokens,
// normalizer, pre-tokenizer, BPE model, post-processor, and the file's truncation / padding
// settings; decode through the decoder. Text must be valid UTF-8 (HF takes Rust strings, so it
// never sees anything else); invalid input is refused with the byte offset. Anything the file
// uses that we do not implement is refused at load with Error(Unsupported) naming the component
// and its JSON path, never silently approximated.
//
// Thread safety: encode/decode are const and may run concurrently (the word cache is locked).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/post_processors.hpp"

namespace archscope::tok {

class Normalizer;
class PreTokenizer;
class Decoder;
class BpeModel;
class AddedVocabulary;

struct EncodeOptions {
  bool add_special = false;  // insert the post-processor's special tokens (HF add_special_tokens)
  // Apply the file's "truncation" and "padding" (HF tokenizers does; transformers' tokenizer
  // call disables them unless asked, so generation and perplexity pass false).
  bool truncate_and_pad = true;
};

class Tokenizer {
 public:
  // Throws Error(Io) when unreadable, Error(Parse) for malformed JSON or fields (with the JSON
  // path), Error(Unsupported) for components we do not implement.
  static Tokenizer from_file(const std::filesystem::path& path);
  static Tokenizer from_json_text(std::string_view text, const std::string& where);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  Encoding encode(std::string_view text, const EncodeOptions& options = {}) const;

  // Ids -> text through the decoder. Throws Error(Validation, "ids", "... position i ...") for
  // an id that has no token (HF would skip it silently).
  std::string decode(const std::vector<uint32_t>& ids, bool skip_special = false) const;

  std::optional<uint32_t> token_to_id(std::string_view token) const;
  // nullptr for an id with no token.
  const std::string* id_to_token(uint32_t id) const;
  // Whether decode(..., skip_special = true) leaves the id out (a special added token).
  bool is_special_id(uint32_t id) const;
  // One past the largest id of the model or the added tokens: every valid id is below it.
  uint32_t id_bound() const;
  // HF get_vocab_size(with_added_tokens = true).
  size_t vocab_size() const;

 private:
  Tokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace archscope::tok
