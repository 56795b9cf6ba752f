// Post-processors of tokenizer.json (HF processors/), for one sequence: TemplateProcessing
// (special tokens around $A), RobertaProcessing and BertProcessing (<cls> $A <sep>), ByteLevel
// (offsets only, so ids pass unchanged) and Sequence. Special tokens are inserted only when the
// caller asks for them (--add-special), as HF's add_special_tokens.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tokenizer/json_fields.hpp"

namespace archscope::tok {

struct Encoding {
  std::vector<uint32_t> ids;
  std::vector<std::string> tokens;
};

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  virtual void process(Encoding& encoding, bool add_special) const = 0;
  // Tokens process() adds to a single sequence when add_special is true.
  virtual size_t added_tokens() const = 0;
};

// nullptr for a null post-processor.
std::unique_ptr<PostProcessor> parse_post_processor(const Json& j, const std::string& path);

}  // namespace archscope::tok
