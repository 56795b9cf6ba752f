#include "tokenizer/post_processors.hpp"

#include <map>

namespace archscope::tok {

namespace {
struct SpecialTokens {
  std::vector<uint32_t> ids;
  std::vector<std::string> tokens;
};

// A template piece: the sequence ($A) or the id of an entry of special_tokens.
struct Piece {
  bool sequence = false;
  std::string special;
};

class Template final : public PostProcessor {
 public:
  Template(std::vector<Piece> single, std::map<std::string, SpecialTokens> specials)
      : single_(std::move(single)), specials_(std::move(specials)) {}
  void process(Encoding& e, bool add_special) const override {
    if (!add_special) return;
    Encoding out;
    for (const Piece& p : single_) {
      if (p.sequence) {
        out.ids.insert(out.ids.end(), e.ids.begin(), e.ids.end());
        out.tokens.insert(out.tokens.end(), e.tokens.begin(), e.tokens.end());
      } else {
        const SpecialTokens& s = specials_.at(p.special);
        out.ids.insert(out.ids.end(), s.ids.begin(), s.ids.end());
        out.tokens.insert(out.tokens.end(), s.tokens.begin(), s.tokens.end());
      }
    }
    e = std::move(out);
  }
  size_t added_tokens() const override {
    size_t n = 0;
    for (const Piece& p : single_) {
      if (!p.sequence) n += specials_.at(p.special).ids.size();
    }
    return n;
  }

 private:
  std::vector<Piece> single_;
  std::map<std::string, SpecialTokens> specials_;
};

class Wrap final : public PostProcessor {  // RobertaProcessing / BertProcessing
 public:
  Wrap(std::pair<std::string, uint32_t> cls, std::pair<std::string, uint32_t> sep)
      : cls_(std::move(cls)), sep_(std::move(sep)) {}
  void process(Encoding& e, bool add_special) const override {
    if (!add_special) return;
    e.ids.insert(e.ids.begin(), cls_.second);
    e.tokens.insert(e.tokens.begin(), cls_.first);
    e.ids.push_back(sep_.second);
    e.tokens.push_back(sep_.first);
  }
  size_t added_tokens() const override { return 2; }

 private:
  std::pair<std::string, uint32_t> cls_, sep_;
};

class PassThrough final : public PostProcessor {  // ByteLevel: trims offsets, keeps ids
 public:
  void process(Encoding&, bool) const override {}
  size_t added_tokens() const override { return 0; }
};

class Sequence final : public PostProcessor {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PostProcessor>> parts) : parts_(std::move(parts)) {}
  void process(Encoding& e, bool add_special) const override {
    for (const auto& p : parts_) p->process(e, add_special);
  }
  size_t added_tokens() const override {
    size_t n = 0;
    for (const auto& p : parts_) n += p->added_tokens();
    return n;
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> parts_;
};

std::pair<std::string, uint32_t> token_pair(const Json& j, const char* key,
                                            const std::string& path) {
  const std::string p = child_path(path, key);
  const Json* v = member(j, key);
  if (v == nullptr) throw_json(p, "missing (required)");
  if (!v->is_array() || v->size() != 2 || !(*v)[0].is_string() || !(*v)[1].is_number_unsigned()) {
    throw_json(p, "expected [\"token\", id]");
  }
  return {(*v)[0].get<std::string>(), (*v)[1].get<uint32_t>()};
}

// One template entry: {"Sequence": {"id": "A", ...}} or {"SpecialToken": {"id": "<s>", ...}}
// (HF's JSON form; the "$A <s>" strings exist only in its Python and Rust builders).
Piece parse_piece(const Json& j, const std::string& path) {
  require_object(j, path);
  if (const Json* seq = member(j, "Sequence")) {
    require_object(*seq, child_path(path, "Sequence"));
    const std::string id = string_field(*seq, "id", child_path(path, "Sequence"));
    if (id != "A")
      throw_unsupported(child_path(path, "Sequence.id"),
                        "sequence '" + id + "' in the single template");
    return {true, {}};
  }
  if (const Json* sp = member(j, "SpecialToken")) {
    require_object(*sp, child_path(path, "SpecialToken"));
    return {false, string_field(*sp, "id", child_path(path, "SpecialToken"))};
  }
  throw_json(path, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
}

std::unique_ptr<PostProcessor> parse_template(const Json& j, const std::string& path) {
  std::map<std::string, SpecialTokens> specials;
  if (const Json* st = member(j, "special_tokens"); st != nullptr && !st->is_null()) {
    const std::string sp = child_path(path, "special_tokens");
    require_object(*st, sp);
    for (auto it = st->begin(); it != st->end(); ++it) {
      const std::string p = child_path(sp, it.key());
      require_object(*it, p);
      SpecialTokens s;
      const Json* ids = member(*it, "ids");
      const Json* tokens = member(*it, "tokens");
      if (ids == nullptr || tokens == nullptr) throw_json(p, "needs \"ids\" and \"tokens\"");
      for (size_t i = 0; i < require_array(*ids, child_path(p, "ids")).size(); ++i) {
        if (!(*ids)[i].is_number_unsigned())
          throw_json(index_path(child_path(p, "ids"), i), "expected an id");
        s.ids.push_back((*ids)[i].get<uint32_t>());
      }
      for (size_t i = 0; i < require_array(*tokens, child_path(p, "tokens")).size(); ++i) {
        if (!(*tokens)[i].is_string())
          throw_json(index_path(child_path(p, "tokens"), i), "expected a string");
        s.tokens.push_back((*tokens)[i].get<std::string>());
      }
      if (s.ids.size() != s.tokens.size()) throw_json(p, "\"ids\" and \"tokens\" differ in length");
      specials[it.key()] = std::move(s);
    }
  }
  const std::string sp = child_path(path, "single");
  const Json* single = member(j, "single");
  if (single == nullptr) throw_json(sp, "missing (required)");
  std::vector<Piece> pieces;
  for (size_t i = 0; i < require_array(*single, sp).size(); ++i)
    pieces.push_back(parse_piece((*single)[i], index_path(sp, i)));
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (!pieces[i].sequence && specials.count(pieces[i].special) == 0) {
      throw_json(index_path(sp, i),
                 "special token '" + pieces[i].special + "' is missing from special_tokens");
    }
  }
  return std::make_unique<Template>(std::move(pieces), std::move(specials));
}
}  // namespace

std::unique_ptr<PostProcessor> parse_post_processor(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  const std::string type = type_tag(j, path);
  if (type == "TemplateProcessing") return parse_template(j, path);
  if (type == "ByteLevel") return std::make_unique<PassThrough>();
  if (type == "RobertaProcessing" || type == "BertProcessing") {
    return std::make_unique<Wrap>(token_pair(j, "cls", path), token_pair(j, "sep", path));
  }
  if (type == "Sequence") {
    const std::string p = child_path(path, "processors");
    const Json* list = member(j, "processors");
    if (list == nullptr) throw_json(p, "missing (required)");
    std::vector<std::unique_ptr<PostProcessor>> parts;
    for (size_t i = 0; i < require_array(*list, p).size(); ++i) {
      auto pp = parse_post_processor((*list)[i], index_path(p, i));
      if (pp == nullptr) throw_json(index_path(p, i), "expected a post-processor, got null");
      parts.push_back(std::move(pp));
    }
    return std::make_unique<Sequence>(std::move(parts));
  }
  throw_unsupported(child_path(path, "type"),
                    "post-processor '" + type +
                        "' is not supported (supported: TemplateProcessing, ByteLevel, "
                        "RobertaProcessing, BertProcessing, Sequence)");
}

}  // namespace archscope::tok
