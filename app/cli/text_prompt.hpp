// Text in and out of the generation commands: --prompt "text" / --prompt-file F tokenized with
// the model's tokenizer (the tokenizer.json beside --model DIR, or --tokenizer FILE), the EOS ids
// generation stops at (generation_config.json, else config.json, of --model DIR), and a printer
// that writes each generated token's text as soon as it forms complete UTF-8.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/decode_stream.hpp"
#include "tokenizer/tokenizer.hpp"

namespace archscope::cli {

struct TextPromptOptions {
  std::string prompt;
  std::string prompt_file;
  std::string tokenizer;
  bool add_special = true;  // the tokenizer's BOS etc., as transformers' tokenizer(text) adds them
  bool ignore_eos = false;
};

// Adds --prompt-file, --tokenizer, --no-special and --ignore-eos (the caller adds --prompt, whose
// meaning differs between commands).
void add_text_prompt_options(CLI::App& app, TextPromptOptions& o);

struct TextPrompt {
  std::shared_ptr<const tok::Tokenizer> tokenizer;
  std::vector<int32_t> ids;
  std::vector<int32_t> eos;  // empty with --ignore-eos or when the model names none
};

// The tokenized prompt, or nullopt when neither --prompt nor --prompt-file was given. Errors
// (Validation) name the option: no tokenizer to be found, an empty prompt, ids outside the model's
// vocabulary of `vocab_size`.
std::optional<TextPrompt> load_text_prompt(const TextPromptOptions& o, bool prompt_given,
                                           const std::string& model_dir, int64_t vocab_size);

// Writes the text of one sequence's tokens to `out` as they arrive (flushing each chunk).
class TextPrinter {
 public:
  // Special tokens (EOS, chat markers) are left out of the text.
  TextPrinter(const tok::Tokenizer& tokenizer, std::ostream& out)
      : stream_(tokenizer, /*skip_special=*/true), out_(out) {}
  void add(int32_t token);
  // Writes what is still held back (an incomplete character at the end comes out as U+FFFD, as in
  // the decoded text of --json).
  void finish();

 private:
  tok::DecodeStream stream_;
  std::ostream& out_;
};

}  // namespace archscope::cli
