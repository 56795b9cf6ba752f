// The tokenizer files that sit beside a Hugging Face checkpoint: tokenizer.json, and the
// end-of-sequence ids generation stops at (generation_config.json's eos_token_id when present,
// else config.json's; either may be one id or a list).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace archscope::tok {

// DIR/tokenizer.json; Error(NotFound) naming DIR when it is absent.
std::filesystem::path tokenizer_file_in(const std::filesystem::path& model_dir);

// EOS ids of the model in DIR (empty when neither file names one). Error(Parse) naming the file
// and key for a malformed value.
std::vector<uint32_t> eos_token_ids(const std::filesystem::path& model_dir);

}  // namespace archscope::tok
