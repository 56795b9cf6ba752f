#include "tokenizer/added_vocab.hpp"

#include <algorithm>

#include "tokenizer/unicode_text.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

void AddedVocabulary::Trie::insert(std::string_view pattern, uint32_t id) {
  int32_t node = 0;
  for (unsigned char c : pattern) {
    auto& kids = nodes[static_cast<size_t>(node)].children;
    auto it = std::find_if(kids.begin(), kids.end(), [c](const auto& k) { return k.first == c; });
    if (it == kids.end()) {
      nodes.push_back({});
      const auto next = static_cast<int32_t>(nodes.size() - 1);
      nodes[static_cast<size_t>(node)].children.emplace_back(c, next);
      node = next;
    } else {
      node = it->second;
    }
  }
  nodes[static_cast<size_t>(node)].token = id;
  first[static_cast<unsigned char>(pattern[0])] = true;
}

AddedVocabulary::AddedVocabulary(const Json& list, const std::string& path, const BpeModel& model,
                                 const Normalizer* normalizer) {
  require_array(list, path);
  uint32_t next_id = static_cast<uint32_t>(model.vocab_size());
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& j = list[i];
    const std::string p = index_path(path, i);
    require_object(j, p);
    AddedToken t;
    t.content = string_field(j, "content", p);
    t.single_word = bool_field(j, "single_word", p);
    t.lstrip = bool_field(j, "lstrip", p);
    t.rstrip = bool_field(j, "rstrip", p);
    t.normalized = bool_field(j, "normalized", p);
    t.special = bool_field(j, "special", p);
    uint_field(j, "id", p);  // required by the format; HF recomputes it (below) and so do we
    if (t.content.empty()) continue;
    const auto same = [&](const AddedToken& o) {
      return o.content == t.content && o.single_word == t.single_word && o.lstrip == t.lstrip &&
             o.rstrip == t.rstrip && o.normalized == t.normalized && o.special == t.special;
    };
    if (const auto it = by_content_.find(t.content); it != by_content_.end()) {
      if (const auto r = by_id_.find(it->second); r != by_id_.end() && same(r->second)) continue;
    }
    uint32_t id = 0;
    if (const auto known = token_to_id(t.content)) {
      id = *known;
    } else if (const auto in_model = model.token_to_id(t.content)) {
      id = *in_model;
    } else {
      id = next_id++;
    }
    if (t.normalized && normalizer != nullptr) {
      std::string n = t.content;
      normalizer->normalize(n);
      if (n != t.content) normalized_form_[id] = n;
    }
    by_content_[t.content] = id;
    if (t.special) special_.insert(t.content);
    by_id_[id] = t;
  }
  for (const auto& [id, t] : by_id_) {
    if (t.normalized) {
      const auto n = normalized_form_.find(id);
      const std::string& pattern = n != normalized_form_.end() ? n->second : t.content;
      if (!pattern.empty()) normalized_trie_.insert(pattern, id);
    } else {
      raw_trie_.insert(t.content, id);
    }
  }
}

std::optional<uint32_t> AddedVocabulary::token_to_id(std::string_view content) const {
  const auto it = by_content_.find(content);
  if (it == by_content_.end()) return std::nullopt;
  return it->second;
}

const std::string* AddedVocabulary::id_to_token(uint32_t id) const {
  const auto t = by_id_.find(id);
  if (t == by_id_.end()) return nullptr;
  const auto n = normalized_form_.find(id);
  return n != normalized_form_.end() ? &n->second : &t->second.content;
}

std::optional<AddedVocabulary::Match> AddedVocabulary::find(const Trie& trie, std::string_view text,
                                                            size_t from) {
  for (size_t start = from; start < text.size(); ++start) {
    if (!trie.first[static_cast<unsigned char>(text[start])]) continue;
    int32_t node = 0;
    std::optional<Match> best;
    for (size_t i = start; i < text.size(); ++i) {
      const auto& kids = trie.nodes[static_cast<size_t>(node)].children;
      const unsigned char c = static_cast<unsigned char>(text[i]);
      const auto it =
          std::find_if(kids.begin(), kids.end(), [c](const auto& k) { return k.first == c; });
      if (it == kids.end()) break;
      node = it->second;
      const int64_t tok = trie.nodes[static_cast<size_t>(node)].token;
      if (tok >= 0) best = Match{start, i + 1, static_cast<uint32_t>(tok)};
    }
    if (best) return best;
  }
  return std::nullopt;
}

void AddedVocabulary::split(const Trie& trie, TextPiece piece, std::vector<TextPiece>& out) const {
  const std::string_view s = piece.text;
  if (trie.empty() || s.empty()) {
    if (!s.empty()) out.push_back(std::move(piece));
    return;
  }
  const auto push = [&](size_t b, size_t e, std::optional<uint32_t> id) {
    if (e > b) out.push_back({std::string(s.substr(b, e - b)), id, piece.at_start && b == 0});
  };
  size_t start_offset = 0, from = 0;
  while (const auto m = find(trie, s, from)) {
    from = m->end;
    size_t start = m->start, stop = m->end;
    const AddedToken& t = by_id_.at(m->id);
    if (t.single_word) {
      const bool start_space = start == 0 || !is_word_char(code_point_before(s, start));
      size_t p = stop;
      const bool stop_space = stop == s.size() || !is_word_char(next_code_point(s, p));
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) {
      size_t b = start;
      while (b > 0) {
        size_t q = b - 1;
        while (q > 0 && (static_cast<unsigned char>(s[q]) & 0xC0) == 0x80) --q;
        size_t r = q;
        if (!is_white_space(next_code_point(s, r))) break;
        b = q;
      }
      start = std::max(b, start_offset);
    }
    if (t.rstrip) {
      while (stop < s.size()) {
        size_t r = stop;
        if (!is_white_space(next_code_point(s, r))) break;
        stop = r;
      }
    }
    start = std::max(start, start_offset);  // a previous rstrip may have taken these bytes
    push(start_offset, start, std::nullopt);
    push(start, stop, m->id);
    start_offset = stop;
  }
  push(start_offset, s.size(), std::nullopt);
}

std::vector<TextPiece> AddedVocabulary::extract_and_normalize(std::string_view text,
                                                              const Normalizer* normalizer) const {
  std::vector<TextPiece> raw;
  split(raw_trie_, {std::string(text), std::nullopt, true}, raw);
  std::vector<TextPiece> out;
  out.reserve(raw.size());
  for (auto& piece : raw) {
    if (piece.token) {
      out.push_back(std::move(piece));
      continue;
    }
    if (normalizer != nullptr) normalizer->normalize(piece.text);
    split(normalized_trie_, std::move(piece), out);
  }
  return out;
}

}  // namespace archscope::tok
