// `archscope tokenize` and `archscope detokenize`: text -> ids and ids -> text with a Hugging Face
// tokenizer.json, exactly as HF tokenizers computes them (tests/fixtures/tokenizers holds HF's
// own ids for every supported kind of tokenizer).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.hpp"
#include "cli/tokenizer_source.hpp"
#include "common/error.hpp"
#include "generate/token_ids.hpp"

namespace archscope::cli {

namespace {
struct TokenizeOptions {
  std::string tokenizer;
  std::string model_dir;
  std::string text;
  std::string text_file;
  bool add_special = false;
  bool json = false;
};

int run_tokenize(const TokenizeOptions& o, bool text_given) {
  const tok::Tokenizer t = load_tokenizer(o.tokenizer, o.model_dir);
  const std::string text = text_given ? o.text : read_text_file(o.text_file, "--text-file");
  tok::EncodeOptions eo;
  eo.add_special = o.add_special;
  const tok::Encoding e = t.encode(text, eo);
  if (o.json) {
    nlohmann::json j;
    j["ids"] = e.ids;
    j["tokens"] = e.tokens;
    std::cout << j.dump() << '\n';
  } else {
    for (size_t i = 0; i < e.ids.size(); ++i) std::cout << (i ? "," : "") << e.ids[i];
    std::cout << '\n';
  }
  return 0;
}

struct DetokenizeOptions {
  std::string tokenizer;
  std::string model_dir;
  std::string ids;
  bool skip_special = false;
  bool json = false;
};

int run_detokenize(const DetokenizeOptions& o) {
  const tok::Tokenizer t = load_tokenizer(o.tokenizer, o.model_dir);
  std::vector<uint32_t> ids;
  if (o.ids.find_first_not_of(" \t") != std::string::npos) {
    const std::vector<int32_t> parsed = parse_token_list(o.ids, "--ids");
    check_token_ids(parsed, t.id_bound(), "--ids");
    ids.assign(parsed.begin(), parsed.end());
  }
  const std::string text = t.decode(ids, o.skip_special);  // also refuses ids with no token
  if (o.json) {
    nlohmann::json j;
    j["text"] = text;
    j["ids"] = ids;
    std::cout << j.dump() << '\n';
  } else {
    std::cout << text << '\n';
  }
  return 0;
}

void add_tokenizer_options(CLI::App& sub, std::string& tokenizer, std::string& model_dir) {
  auto* file = sub.add_option("--tokenizer", tokenizer, "Hugging Face tokenizer.json")
                   ->check(CLI::ExistingFile);
  auto* dir = sub.add_option("--model", model_dir,
                             "Model directory: uses the tokenizer.json beside the weights")
                  ->check(CLI::ExistingDirectory);
  file->excludes(dir);
}
}  // namespace

Command add_tokenize_command(CLI::App& root) {
  auto o = std::make_shared<TokenizeOptions>();
  CLI::App* sub = root.add_subcommand(
      "tokenize",
      "Text -> token ids with a Hugging Face tokenizer.json (the same ids HF tokenizers gives; "
      "comma-separated, or --json)");
  add_tokenizer_options(*sub, o->tokenizer, o->model_dir);
  auto* text = sub->add_option("--text", o->text, "Text to tokenize (UTF-8)");
  auto* file =
      sub->add_option("--text-file", o->text_file, "File whose bytes are the text (UTF-8)");
  text->excludes(file);
  sub->add_flag(
      "--add-special", o->add_special,
      "Add the special tokens of the file's post-processor (e.g. BOS), as HF add_special_tokens");
  sub->add_flag("--json", o->json, "Print {\"ids\": [...], \"tokens\": [...]}");
  return {sub, [o, text, file] {
            if (o->tokenizer.empty() && o->model_dir.empty()) {
              throw Error(ErrorKind::Validation, "tokenize",
                          "give --tokenizer FILE or --model DIR");
            }
            if (text->count() == 0 && file->count() == 0) {
              throw Error(ErrorKind::Validation, "tokenize", "give --text T or --text-file F");
            }
            return run_tokenize(*o, text->count() > 0);
          }};
}

Command add_detokenize_command(CLI::App& root) {
  auto o = std::make_shared<DetokenizeOptions>();
  CLI::App* sub = root.add_subcommand("detokenize",
                                      "Token ids -> text through the tokenizer.json decoder (ids "
                                      "are checked against the vocabulary)");
  add_tokenizer_options(*sub, o->tokenizer, o->model_dir);
  sub->add_option("--ids", o->ids, "Token ids, comma separated: \"1,2,3\"")->required();
  sub->add_flag("--skip-special", o->skip_special, "Leave special tokens out of the text");
  sub->add_flag("--json", o->json, "Print {\"text\": ..., \"ids\": [...]}");
  return {sub, [o] {
            if (o->tokenizer.empty() && o->model_dir.empty()) {
              throw Error(ErrorKind::Validation, "detokenize",
                          "give --tokenizer FILE or --model DIR");
            }
            return run_detokenize(*o);
          }};
}

}  // namespace archscope::cli
