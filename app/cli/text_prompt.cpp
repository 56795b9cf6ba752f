#include "cli/text_prompt.hpp"

#include <ostream>

#include "cli/tokenizer_source.hpp"
#include "common/error.hpp"
#include "generate/token_ids.hpp"
#include "tokenizer/model_files.hpp"

namespace archscope::cli {

void add_text_prompt_options(CLI::App& app, TextPromptOptions& o) {
  app.add_option("--prompt-file", o.prompt_file, "File whose text (UTF-8) is the prompt")
      ->check(CLI::ExistingFile);
  app.add_option("--tokenizer", o.tokenizer,
                 "tokenizer.json for a text prompt (default: the one beside --model DIR)")
      ->check(CLI::ExistingFile);
  app.add_flag(
      "--no-special{false}", o.add_special,
      "Tokenize the prompt without the tokenizer's special tokens (default: with them, e.g. BOS)");
  app.add_flag("--ignore-eos", o.ignore_eos,
               "Generate --new-tokens tokens even past the model's EOS");
}

std::optional<TextPrompt> load_text_prompt(const TextPromptOptions& o, bool prompt_given,
                                           const std::string& model_dir, int64_t vocab_size) {
  if (!prompt_given && o.prompt_file.empty()) return std::nullopt;
  if (prompt_given && !o.prompt_file.empty()) {
    throw Error(ErrorKind::Validation, "--prompt-file",
                "give either --prompt or --prompt-file, not both");
  }
  if (o.tokenizer.empty() && model_dir.empty()) {
    throw Error(ErrorKind::Validation, "--prompt",
                "a text prompt needs a tokenizer: --model DIR or --tokenizer FILE");
  }
  TextPrompt p;
  p.tokenizer = std::make_shared<tok::Tokenizer>(load_tokenizer(o.tokenizer, model_dir));
  const std::string text = prompt_given ? o.prompt : read_text_file(o.prompt_file, "--prompt-file");
  tok::EncodeOptions eo;
  eo.add_special = o.add_special;
  eo.truncate_and_pad =
      false;  // as transformers' tokenizer(text): the file's truncation is not applied
  const tok::Encoding e = p.tokenizer->encode(text, eo);
  if (e.ids.empty())
    throw Error(ErrorKind::Validation, prompt_given ? "--prompt" : "--prompt-file",
                "the prompt has no tokens");
  p.ids.assign(e.ids.begin(), e.ids.end());
  check_token_ids(p.ids, vocab_size, "prompt (tokenizer ids vs the model's vocabulary)");
  if (!o.ignore_eos && !model_dir.empty()) {
    for (uint32_t id : tok::eos_token_ids(model_dir)) {
      if (static_cast<int64_t>(id) < vocab_size) p.eos.push_back(static_cast<int32_t>(id));
    }
  }
  return p;
}

void TextPrinter::add(int32_t token) {
  if (auto chunk = stream_.step(static_cast<uint32_t>(token))) {
    out_ << *chunk;
    out_.flush();
  }
}

void TextPrinter::finish() {
  out_ << stream_.finish();
  out_.flush();
}

}  // namespace archscope::cli
