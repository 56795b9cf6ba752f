#include "tokenizer/tokenizer.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "tokenizer/added_vocab.hpp"
#include "tokenizer/bpe_model.hpp"
#include "tokenizer/decoders.hpp"
#include "tokenizer/normalizers.hpp"
#include "tokenizer/pre_tokenizers.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

namespace {
struct Truncation {
  size_t max_length = 0;
  bool left = false;
};
struct Padding {
  std::optional<size_t> fixed;  // Fixed(n); BatchLongest pads a single sequence to itself
  std::optional<size_t> multiple;
  bool left = false;
  uint32_t pad_id = 0;
  std::string pad_token;
};

std::optional<Truncation> parse_truncation(const Json& j) {
  if (j.is_null()) return std::nullopt;
  const std::string path = "truncation";
  require_object(j, path);
  Truncation t;
  t.max_length = uint_field(j, "max_length", path);
  const std::string strategy = string_field(j, "strategy", path);
  if (strategy == "OnlySecond")
    throw_unsupported(child_path(path, "strategy"), "OnlySecond needs a pair of sequences");
  if (strategy != "LongestFirst" && strategy != "OnlyFirst")
    throw_json(child_path(path, "strategy"), "unknown strategy '" + strategy + "'");
  uint_field(j, "stride", path);  // only shapes the overflowing encodings, which we do not return
  const std::string direction = optional_string(j, "direction", path).value_or("Right");
  if (direction != "Left" && direction != "Right")
    throw_json(child_path(path, "direction"), "expected Left or Right");
  t.left = direction == "Left";
  return t;
}

std::optional<Padding> parse_padding(const Json& j) {
  if (j.is_null()) return std::nullopt;
  const std::string path = "padding";
  require_object(j, path);
  Padding p;
  const Json* s = member(j, "strategy");
  if (s == nullptr) throw_json(child_path(path, "strategy"), "missing (required)");
  if (s->is_object() && s->contains("Fixed")) {
    p.fixed = uint_field(*s, "Fixed", child_path(path, "strategy"));
  } else if (!(s->is_string() && s->get<std::string>() == "BatchLongest")) {
    throw_json(child_path(path, "strategy"), "expected \"BatchLongest\" or {\"Fixed\": n}");
  }
  p.multiple = optional_uint(j, "pad_to_multiple_of", path);
  p.left = string_field(j, "direction", path) == "Left";
  p.pad_id = static_cast<uint32_t>(uint_field(j, "pad_id", path));
  p.pad_token = string_field(j, "pad_token", path);
  return p;
}
}  // namespace

struct Tokenizer::Impl {
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre_tokenizer;
  std::unique_ptr<BpeModel> model;
  std::unique_ptr<PostProcessor> post_processor;
  std::unique_ptr<Decoder> decoder;
  AddedVocabulary added;
  std::optional<Truncation> truncation;
  std::optional<Padding> padding;
};

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, path.string(), "cannot open tokenizer file");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::Io, path.string(), "read failed");
  return from_json_text(ss.str(), path.string());
}

Tokenizer Tokenizer::from_json_text(std::string_view text, const std::string& where) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw Error(ErrorKind::Parse, where, std::string("malformed JSON: ") + e.what());
  }
  try {
    require_object(j, "");
    if (const auto v = optional_string(j, "version", ""); v && *v != "1.0") {
      throw_unsupported("version", "unknown tokenizer.json version '" + *v + "' (expected 1.0)");
    }
    Tokenizer t;
    Impl& impl = *t.impl_;
    static const Json kNull = nullptr;
    const auto at = [&](const char* key) -> const Json& {
      const Json* v = member(j, key);
      return v ? *v : kNull;
    };
    const Json& model = at("model");
    if (model.is_null()) throw_json("model", "missing (required)");
    require_object(model, "model");
    const Json* type = member(model, "type");
    if (type != nullptr && !(type->is_string() && type->get<std::string>() == "BPE")) {
      throw_unsupported("model.type",
                        "model '" +
                            (type->is_string() ? type->get<std::string>() : json_kind(*type)) +
                            "' is not supported (supported: BPE)");
    }
    if (type == nullptr && member(model, "merges") == nullptr) {
      throw_unsupported("model", "untagged model without merges (only BPE is supported)");
    }
    impl.normalizer = parse_normalizer(at("normalizer"), "normalizer");
    impl.pre_tokenizer = parse_pre_tokenizer(at("pre_tokenizer"), "pre_tokenizer");
    impl.model = std::make_unique<BpeModel>(model, "model");
    impl.post_processor = parse_post_processor(at("post_processor"), "post_processor");
    impl.decoder = parse_decoder(at("decoder"), "decoder");
    impl.truncation = parse_truncation(at("truncation"));
    impl.padding = parse_padding(at("padding"));
    const Json& added = at("added_tokens");
    if (!added.is_null())
      impl.added = AddedVocabulary(added, "added_tokens", *impl.model, impl.normalizer.get());
    return t;
  } catch (const Error& e) {
    throw e.within(where);
  }
}

Encoding Tokenizer::encode(std::string_view text, const EncodeOptions& options) const {
  require_utf8(text, "text");
  const Impl& impl = *impl_;
  Encoding e;
  std::vector<PreToken> words;
  for (TextPiece& piece : impl.added.extract_and_normalize(text, impl.normalizer.get())) {
    if (piece.token) {
      e.ids.push_back(*piece.token);
      e.tokens.push_back(std::move(piece.text));
      continue;
    }
    words.clear();
    words.push_back({std::move(piece.text), piece.at_start});
    if (impl.pre_tokenizer) impl.pre_tokenizer->pre_tokenize(words);
    for (const PreToken& w : words) {
      const size_t first = e.ids.size();
      impl.model->tokenize(w.text, e.ids);
      for (size_t i = first; i < e.ids.size(); ++i)
        e.tokens.push_back(*impl.model->id_to_token(e.ids[i]));
    }
  }
  if (options.truncate_and_pad && impl.truncation) {
    const size_t added =
        options.add_special && impl.post_processor ? impl.post_processor->added_tokens() : 0;
    if (added > impl.truncation->max_length) {
      throw Error(ErrorKind::Validation, "truncation.max_length",
                  "smaller than the special tokens the template adds");
    }
    const size_t keep = impl.truncation->max_length - added;
    if (e.ids.size() > keep) {
      const auto first =
          static_cast<std::ptrdiff_t>(impl.truncation->left ? e.ids.size() - keep : 0);
      e.ids = {e.ids.begin() + first, e.ids.begin() + first + static_cast<std::ptrdiff_t>(keep)};
      e.tokens = {e.tokens.begin() + first,
                  e.tokens.begin() + first + static_cast<std::ptrdiff_t>(keep)};
    }
  }
  if (impl.post_processor) impl.post_processor->process(e, options.add_special);
  if (options.truncate_and_pad && impl.padding) {
    const Padding& p = *impl.padding;
    size_t target = p.fixed.value_or(e.ids.size());
    if (p.multiple && *p.multiple > 0 && target % *p.multiple > 0)
      target += *p.multiple - target % *p.multiple;
    if (e.ids.size() < target) {
      const size_t n = target - e.ids.size();
      const auto at = p.left ? 0 : e.ids.size();
      e.ids.insert(e.ids.begin() + static_cast<std::ptrdiff_t>(at), n, p.pad_id);
      e.tokens.insert(e.tokens.begin() + static_cast<std::ptrdiff_t>(at), n, p.pad_token);
    }
  }
  return e;
}

std::string Tokenizer::decode(const std::vector<uint32_t>& ids, bool skip_special) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string* t = id_to_token(ids[i]);
    if (t == nullptr) {
      throw Error(ErrorKind::Validation, "ids",
                  "token id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                      " is not in the vocabulary (ids run below " + std::to_string(id_bound()) +
                      ")");
    }
    if (skip_special && impl_->added.is_special(*t)) continue;
    tokens.push_back(*t);
  }
  if (!impl_->decoder) {
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
    return out;
  }
  std::string out;
  for (const auto& piece : impl_->decoder->decode_chain(std::move(tokens))) out += piece;
  return out;
}

std::optional<uint32_t> Tokenizer::token_to_id(std::string_view token) const {
  if (const auto id = impl_->added.token_to_id(token)) return id;
  return impl_->model->token_to_id(token);
}

const std::string* Tokenizer::id_to_token(uint32_t id) const {
  if (const std::string* t = impl_->added.id_to_token(id)) return t;
  return impl_->model->id_to_token(id);
}

bool Tokenizer::is_special_id(uint32_t id) const {
  const std::string* t = id_to_token(id);
  return t != nullptr && impl_->added.is_special(*t);
}

uint32_t Tokenizer::id_bound() const {
  uint32_t bound = impl_->model->id_bound();
  const auto& by_id = impl_->added.by_id();
  if (!by_id.empty()) bound = std::max(bound, by_id.rbegin()->first + 1);
  return bound;
}

size_t Tokenizer::vocab_size() const {
  size_t n = impl_->model->vocab_size();
  for (const auto& [id, t] : impl_->added.by_id()) {
    if (!impl_->model->token_to_id(t.content)) ++n;
  }
  return n;
}

}  // namespace archscope::tok
