// How CLI commands find their tokenizer and text: --tokenizer FILE or the tokenizer.json beside
// the weights of --model DIR; text from an option or a file (read as bytes, refused unless UTF-8).
#pragma once

#include <string>

#include "tokenizer/tokenizer.hpp"

namespace archscope::cli {

// From `tokenizer_file` when given, else from `model_dir`/tokenizer.json. Error(Validation)
// naming both options when neither is given.
tok::Tokenizer load_tokenizer(const std::string& tokenizer_file, const std::string& model_dir);

// The bytes of `path` exactly (no newline stripping). Error(Io, option) when unreadable.
std::string read_text_file(const std::string& path, const std::string& option);

}  // namespace archscope::cli
