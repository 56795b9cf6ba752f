#include "tokenizer/model_files.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.hpp"

namespace archscope::tok {

namespace fs = std::filesystem;

fs::path tokenizer_file_in(const fs::path& model_dir) {
  std::error_code ec;
  if (!fs::is_directory(model_dir, ec))
    throw Error(ErrorKind::NotFound, model_dir.string(), "not a directory");
  const fs::path p = model_dir / "tokenizer.json";
  if (!fs::exists(p, ec)) {
    throw Error(ErrorKind::NotFound, model_dir.string(),
                "no tokenizer.json beside the weights (give --tokenizer FILE)");
  }
  return p;
}

namespace {
// The eos_token_id of one JSON file, or nullopt when the file or the key is absent.
std::optional<std::vector<uint32_t>> eos_in(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, file.string(), "cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Error(ErrorKind::Parse, file.string(), "malformed JSON");
  const auto it = j.find("eos_token_id");
  if (it == j.end() || it->is_null()) return std::nullopt;
  const std::string where = file.string() + ": eos_token_id";
  const auto one = [&](const nlohmann::json& v) -> uint32_t {
    if (!v.is_number_unsigned() || v.get<uint64_t>() > 0xFFFFFFFFu) {
      throw Error(ErrorKind::Parse, where, "expected a non-negative token id or a list of them");
    }
    return v.get<uint32_t>();
  };
  std::vector<uint32_t> ids;
  if (it->is_array()) {
    for (const auto& v : *it) ids.push_back(one(v));
  } else {
    ids.push_back(one(*it));
  }
  return ids;
}
}  // namespace

std::vector<uint32_t> eos_token_ids(const fs::path& model_dir) {
  if (auto ids = eos_in(model_dir / "generation_config.json")) return *ids;
  if (auto ids = eos_in(model_dir / "config.json")) return *ids;
  return {};
}

}  // namespace archscope::tok
