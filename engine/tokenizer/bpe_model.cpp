#include "tokenizer/bpe_model.hpp"

#include <cstdio>

#include "common/error.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

namespace {
constexpr size_t kCacheCapacity = 10000;
constexpr size_t kCacheMaxWordBytes = 256;

std::vector<std::pair<std::string, std::string>> read_merges(const Json& list,
                                                             const std::string& path) {
  std::vector<std::pair<std::string, std::string>> merges;
  require_array(list, path);
  merges.reserve(list.size());
  bool strings = false, pairs = false;
  size_t rank = 0;  // HF numbers legacy lines after dropping "#version" lines
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& m = list[i];
    const auto p = [&] { return index_path(path, i); };  // built only for an error
    if (m.is_string()) {
      strings = true;
      const std::string line = m.get<std::string>();
      if (line.rfind("#version", 0) == 0) continue;
      ++rank;
      const size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
        throw_json(p(), "merge \"" + line +
                          "\" must be two tokens separated by one space (HF: "
                          "merges text invalid at line " +
                          std::to_string(rank) + ")");
      }
      merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      pairs = true;
      merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
    } else {
      throw_json(p(), "expected \"a b\" or [\"a\", \"b\"], got " + json_kind(m));
    }
    if (strings && pairs) throw_json(p(), "merges mix the \"a b\" and [\"a\", \"b\"] forms");
  }
  return merges;
}
}  // namespace

BpeModel::BpeModel(const Json& model, const std::string& path) {
  byte_ids_.fill(-1);
  if (const Json* d = member(model, "dropout"); d != nullptr && !d->is_null()) {
    if (!d->is_number()) throw_json(child_path(path, "dropout"), "expected a number or null");
    const double p = d->get<double>();
    if (p < 0 || p > 1)
      throw_json(child_path(path, "dropout"), "dropout should be between 0 and 1");
    if (p != 0) {
      throw_unsupported(child_path(path, "dropout"),
                        "BPE dropout " + std::to_string(p) +
                            " makes tokenization random; only null or 0 is supported");
    }
  }
  unk_token_ = optional_string(model, "unk_token", path);
  prefix_ = optional_string(model, "continuing_subword_prefix", path);
  suffix_ = optional_string(model, "end_of_word_suffix", path);
  fuse_unk_ = bool_or(model, "fuse_unk", path, false);
  byte_fallback_ = bool_or(model, "byte_fallback", path, false);
  ignore_merges_ = bool_or(model, "ignore_merges", path, false);

  const std::string vpath = child_path(path, "vocab");
  const Json* vocab = member(model, "vocab");
  const Json* merges = member(model, "merges");
  if (vocab == nullptr || merges == nullptr)
    throw_json(path, "BPE model needs \"vocab\" and \"merges\"");
  require_object(*vocab, vpath);
  vocab_.reserve(vocab->size());
  uint32_t bound = 0;
  for (auto it = vocab->begin(); it != vocab->end(); ++it) {
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0)) {
      throw_json(child_path(vpath, it.key()), "expected a non-negative integer id, got " + json_kind(*it));
    }
    const uint64_t id = it->get<uint64_t>();
    if (id >= 0xFFFFFFFEu) throw_json(child_path(vpath, it.key()), "id " + std::to_string(id) + " is too large");
    vocab_[it.key()] = static_cast<uint32_t>(id);
    bound = std::max(bound, static_cast<uint32_t>(id + 1));
  }
  id_to_token_.assign(bound, {});
  has_id_.assign(bound, false);
  for (const auto& [token, id] : vocab_) {
    id_to_token_[id] = token;
    has_id_[id] = true;
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    if (const auto it = vocab_.find(std::string_view(name)); it != vocab_.end())
      byte_ids_[b] = it->second;
  }
  const bool plain_symbols = (!prefix_ || prefix_->empty()) && (!suffix_ || suffix_->empty());
  if (plain_symbols) {
    small_char_ids_.assign(0x800, -1);
    std::string s;
    for (char32_t cp = 0; cp < 0x800; ++cp) {
      s.clear();
      append_utf8(s, cp);
      if (const auto it = vocab_.find(std::string_view(s)); it != vocab_.end())
        small_char_ids_[cp] = it->second;
    }
  }

  const std::string mpath = child_path(path, "merges");
  const auto pairs = read_merges(*merges, mpath);
  merges_.reserve(pairs.size());
  const size_t prefix_len = prefix_ ? prefix_->size() : 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& [a, b] = pairs[i];
    const auto find = [&](const std::string& t) {
      const auto it = vocab_.find(std::string_view(t));
      if (it == vocab_.end())
        throw_json(index_path(mpath, i),
                   "token '" + t + "' of this merge is not in the vocabulary");
      return it->second;
    };
    const uint32_t a_id = find(a), b_id = find(b);
    if (b.size() < prefix_len)
      throw_json(index_path(mpath, i),
                 "token '" + b + "' is shorter than continuing_subword_prefix");
    const uint32_t new_id = find(a + b.substr(prefix_len));
    merges_.insert_or_assign(a_id, b_id, {static_cast<uint32_t>(i), new_id});
  }
}

std::optional<uint32_t> BpeModel::token_to_id(std::string_view token) const {
  const auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(uint32_t id) const {
  if (id >= id_to_token_.size() || !has_id_[id]) return nullptr;
  return &id_to_token_[id];
}

std::optional<uint32_t> BpeModel::symbol_id(std::string_view s) const {
  if (!small_char_ids_.empty()) {
    size_t pos = 0;
    const char32_t cp = next_code_point(s, pos);
    if (cp < 0x800 && pos == s.size()) {
      const int64_t id = small_char_ids_[cp];
      if (id < 0) return std::nullopt;
      return static_cast<uint32_t>(id);
    }
  }
  return token_to_id(s);
}

void BpeModel::tokenize(std::string_view word, std::vector<uint32_t>& ids) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    if (const auto id = token_to_id(word)) {
      ids.push_back(*id);
      return;
    }
  }
  if (word.size() < kCacheMaxWordBytes) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (const auto it = cache_.find(word); it != cache_.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  const size_t first = ids.size();
  merge_word(word, ids);
  if (word.size() < kCacheMaxWordBytes) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_.size() < kCacheCapacity) {
      cache_.emplace(
          std::string(word),
          std::vector<uint32_t>(ids.begin() + static_cast<std::ptrdiff_t>(first), ids.end()));
    }
  }
}

}  // namespace archscope::tok
