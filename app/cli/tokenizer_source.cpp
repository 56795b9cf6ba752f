#include "cli/tokenizer_source.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "tokenizer/model_files.hpp"

namespace archscope::cli {

tok::Tokenizer load_tokenizer(const std::string& tokenizer_file, const std::string& model_dir) {
  if (!tokenizer_file.empty()) return tok::Tokenizer::from_file(tokenizer_file);
  if (!model_dir.empty()) return tok::Tokenizer::from_file(tok::tokenizer_file_in(model_dir));
  throw Error(ErrorKind::Validation, "--tokenizer",
              "give --tokenizer FILE or --model DIR (with tokenizer.json)");
}

std::string read_text_file(const std::string& path, const std::string& option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, option + " " + path, "cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::Io, option + " " + path, "read failed");
  return ss.str();
}

}  // namespace archscope::cli
