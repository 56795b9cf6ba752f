// Decoders of tokenizer.json (HF decoders/): they turn the token strings of ids back into text.
// Supported: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, BPEDecoder and Sequence;
// others (WordPiece, CTC) are refused with Error(Unsupported) naming them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokenizer/json_fields.hpp"

namespace archscope::tok {

class Decoder {
 public:
  virtual ~Decoder() = default;
  // decode_chain: token strings in, token strings out (joined by the caller).
  virtual std::vector<std::string> decode_chain(std::vector<std::string> tokens) const = 0;
};

// nullptr for a null decoder (HF then joins the tokens with spaces).
std::unique_ptr<Decoder> parse_decoder(const Json& j, const std::string& path);

}  // namespace archscope::tok
