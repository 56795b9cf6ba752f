// Incremental decoding for generation: feed one id at a time, get the new text as soon as it is
// complete. Text is only released when the decoded string grows and does not end in U+FFFD, so an
// incomplete UTF-8 sequence (a byte-fallback or byte-level token in the middle of a character) is
// held back until the following ids complete it. This is HF tokenizers' DecodeStream
// (tokenizer/mod.rs step_decode_stream), so the chunks concatenate to what decode() gives for the
// whole sequence whenever that ends in complete characters; finish() adds what is left.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.hpp"

namespace archscope::tok {

class DecodeStream {
 public:
  explicit DecodeStream(const Tokenizer& tokenizer, bool skip_special = false)
      : tokenizer_(&tokenizer), skip_special_(skip_special) {}

  // The text `id` completes, or nullopt when it needs more ids. Throws what Tokenizer::decode
  // throws for an id with no token.
  std::optional<std::string> step(uint32_t id);

  // Ends the stream: the text of the ids still held back (an incomplete character decodes to
  // U+FFFD, as decode() gives it), so that the chunks and this concatenate to decode() of the
  // whole sequence. The stream is empty afterwards.
  std::string finish();

 private:
  const Tokenizer* tokenizer_;
  bool skip_special_;
  std::vector<uint32_t> ids_;
  std::string prefix_;
  size_t prefix_index_ = 0;
};

}  // namespace archscope::tok
