#include "tokenizer/normalizers.hpp"

#include <vector>

#include "tokenizer/byte_level_map.hpp"
#include "tokenizer/pattern.hpp"
#include "tokenizer/unicode_text.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

namespace {
class UnicodeForm final : public Normalizer {
 public:
  explicit UnicodeForm(NormalForm form) : form_(form) {}
  void normalize(std::string& text) const override { text = normalize_unicode(text, form_); }

 private:
  NormalForm form_;
};

class Lowercase final : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = lowercase_chars(text); }
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

class Replace final : public Normalizer {
 public:
  Replace(Pattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(std::string& text) const override {
    text = replace_matches(text, pattern_.segments(text), content_);
  }

 private:
  Pattern pattern_;
  std::string content_;
};

class Strip final : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& text) const override {
    size_t begin = 0, end = text.size();
    if (left_) {
      while (begin < end) {
        size_t p = begin;
        if (!is_white_space(next_code_point(text, p))) break;
        begin = p;
      }
    }
    if (right_) {
      while (end > begin) {
        size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        size_t p = start;
        if (!is_white_space(next_code_point(text, p))) break;
        end = start;
      }
    }
    text = text.substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

class StripAccents final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t begin = pos;
      if (!is_mark(next_code_point(text, pos))) out.append(text, begin, pos - begin);
    }
    text = std::move(out);
  }
};

class ByteLevelNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = to_byte_level(text); }
};

class Sequence final : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
  void normalize(std::string& text) const override {
    for (const auto& n : parts_) n->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};
}  // namespace

std::unique_ptr<Normalizer> parse_normalizer(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  const std::string type = type_tag(j, path);
  if (type == "NFC") return std::make_unique<UnicodeForm>(NormalForm::NFC);
  if (type == "NFD") return std::make_unique<UnicodeForm>(NormalForm::NFD);
  if (type == "NFKC") return std::make_unique<UnicodeForm>(NormalForm::NFKC);
  if (type == "NFKD") return std::make_unique<UnicodeForm>(NormalForm::NFKD);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "StripAccents") return std::make_unique<StripAccents>();
  if (type == "ByteLevel") return std::make_unique<ByteLevelNormalizer>();
  if (type == "Prepend") return std::make_unique<Prepend>(string_field(j, "prepend", path));
  if (type == "Replace") {
    return std::make_unique<Replace>(parse_pattern(j, path), string_field(j, "content", path));
  }
  if (type == "Strip") {
    return std::make_unique<Strip>(bool_field(j, "strip_left", path),
                                   bool_field(j, "strip_right", path));
  }
  if (type == "Sequence") {
    const std::string p = child_path(path, "normalizers");
    const Json* list = member(j, "normalizers");
    if (list == nullptr) throw_json(p, "missing (required)");
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (size_t i = 0; i < require_array(*list, p).size(); ++i) {
      auto n = parse_normalizer((*list)[i], index_path(p, i));
      if (n == nullptr) throw_json(index_path(p, i), "expected a normalizer, got null");
      parts.push_back(std::move(n));
    }
    return std::make_unique<Sequence>(std::move(parts));
  }
  throw_unsupported(child_path(path, "type"),
                    "normalizer '" + type +
                        "' is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, "
                        "Replace, Strip, StripAccents, ByteLevel, Sequence)");
}

}  // namespace archscope::tok
