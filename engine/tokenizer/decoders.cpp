#include "tokenizer/decoders.hpp"

#include "tokenizer/byte_level_map.hpp"
#include "tokenizer/pattern.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

namespace {
class ByteLevel final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      std::string mapped;
      bool all = true;
      size_t pos = 0;
      while (pos < t.size()) {
        const auto b = byte_level_byte(next_code_point(t, pos));
        if (!b) {
          all = false;
          break;
        }
        mapped.push_back(static_cast<char>(*b));
      }
      bytes += all ? mapped : t;  // a token with other characters passes as its own bytes
    }
    return {utf8_lossy(bytes)};
  }
};

class Metaspace final : public Decoder {
 public:
  Metaspace(char32_t replacement, bool prepends) : prepends_(prepends) {
    append_utf8(rep_, replacement);
  }
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      const std::string& t = tokens[i];
      for (size_t pos = 0; pos < t.size();) {
        if (t.compare(pos, rep_.size(), rep_) == 0) {
          if (!(i == 0 && prepends_)) out += ' ';
          pos += rep_.size();
        } else {
          out += t[pos++];
        }
      }
      tokens[i] = std::move(out);
    }
    return tokens;
  }

 private:
  std::string rep_;
  bool prepends_;
};

class Replace final : public Decoder {
 public:
  Replace(Pattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (auto& t : tokens) t = replace_matches(t, pattern_.segments(t), content_);
    return tokens;
  }

 private:
  Pattern pattern_;
  std::string content_;
};

// <0xXX> byte tokens, grouped while consecutive: valid UTF-8 becomes text, otherwise each byte
// becomes U+FFFD. Rust's u8::from_str_radix accepts a leading '+', so "<0x+A>" is byte 0x0A.
std::optional<uint8_t> byte_token(const std::string& t) {
  if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return std::nullopt;
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  const int hi = hex(t[3]), lo = hex(t[4]);
  if (t[3] == '+' && lo >= 0) return static_cast<uint8_t>(lo);
  if (hi < 0 || lo < 0) return std::nullopt;
  return static_cast<uint8_t>(hi * 16 + lo);
}

class ByteFallback final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    const auto flush = [&] {
      if (pending.empty()) return;
      if (!first_invalid_utf8(pending)) {
        out.push_back(pending);
      } else {
        for (size_t i = 0; i < pending.size(); ++i) out.emplace_back("\xEF\xBF\xBD");
      }
      pending.clear();
    };
    for (auto& t : tokens) {
      if (const auto b = byte_token(t)) {
        pending.push_back(static_cast<char>(*b));
      } else {
        flush();
        out.push_back(std::move(t));
      }
    }
    flush();
    return out;
  }
};

class Fuse final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    return {all};
  }
};

class Strip final : public Decoder {
 public:
  Strip(char32_t content, size_t start, size_t stop)
      : content_(content), start_(start), stop_(stop) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (auto& t : tokens) {
      std::vector<std::pair<size_t, char32_t>> chars;  // (byte offset, code point)
      for (size_t pos = 0; pos < t.size();) {
        const size_t at = pos;
        chars.emplace_back(at, next_code_point(t, pos));
      }
      size_t start_cut = 0;
      for (size_t i = 0; i < chars.size() && i < start_; ++i) {
        if (chars[i].second != content_) break;
        start_cut = i + 1;
      }
      size_t stop_cut = chars.size();
      for (size_t i = 0; i < stop_ && i < chars.size(); ++i) {
        const size_t index = chars.size() - i - 1;
        if (chars[index].second != content_) break;
        stop_cut = index;
      }
      if (stop_cut <= start_cut) {
        t.clear();
        continue;
      }
      const size_t b = chars[start_cut].first;
      const size_t e = stop_cut < chars.size() ? chars[stop_cut].first : t.size();
      t = t.substr(b, e - b);
    }
    return tokens;
  }

 private:
  char32_t content_;
  size_t start_, stop_;
};

class BpeSuffix final : public Decoder {  // BPEDecoder
 public:
  explicit BpeSuffix(std::string suffix) : suffix_(std::move(suffix)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string replacement = i + 1 == tokens.size() ? "" : " ";
      std::string out;
      const std::string& t = tokens[i];
      size_t pos = 0;
      while (!suffix_.empty()) {
        const size_t at = t.find(suffix_, pos);
        if (at == std::string::npos) break;
        out.append(t, pos, at - pos).append(replacement);
        pos = at + suffix_.size();
      }
      out.append(t, pos, std::string::npos);
      tokens[i] = std::move(out);
    }
    return tokens;
  }

 private:
  std::string suffix_;
};

class Sequence final : public Decoder {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Decoder>> parts) : parts_(std::move(parts)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (const auto& d : parts_) tokens = d->decode_chain(std::move(tokens));
    return tokens;
  }

 private:
  std::vector<std::unique_ptr<Decoder>> parts_;
};
}  // namespace

std::unique_ptr<Decoder> parse_decoder(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  const std::string type = type_tag(j, path);
  if (type == "ByteLevel") return std::make_unique<ByteLevel>();
  if (type == "ByteFallback") return std::make_unique<ByteFallback>();
  if (type == "Fuse") return std::make_unique<Fuse>();
  if (type == "Replace")
    return std::make_unique<Replace>(parse_pattern(j, path), string_field(j, "content", path));
  if (type == "Strip") {
    return std::make_unique<Strip>(char_field(j, "content", path), uint_field(j, "start", path),
                                   uint_field(j, "stop", path));
  }
  if (type == "BPEDecoder") {
    return std::make_unique<BpeSuffix>(optional_string(j, "suffix", path).value_or("</w>"));
  }
  if (type == "Metaspace") {
    const auto scheme = optional_string(j, "prepend_scheme", path).value_or("always");
    if (scheme != "always" && scheme != "first" && scheme != "never") {
      throw_json(child_path(path, "prepend_scheme"), "unknown prepend_scheme '" + scheme + "'");
    }
    bool prepends = scheme != "never";
    if (const Json* a = member(j, "add_prefix_space");
        a != nullptr && a->is_boolean() && !a->get<bool>())
      prepends = false;
    return std::make_unique<Metaspace>(char_field(j, "replacement", path), prepends);
  }
  if (type == "Sequence") {
    const std::string p = child_path(path, "decoders");
    const Json* list = member(j, "decoders");
    if (list == nullptr) throw_json(p, "missing (required)");
    std::vector<std::unique_ptr<Decoder>> parts;
    for (size_t i = 0; i < require_array(*list, p).size(); ++i) {
      auto d = parse_decoder((*list)[i], index_path(p, i));
      if (d == nullptr) throw_json(index_path(p, i), "expected a decoder, got null");
      parts.push_back(std::move(d));
    }
    return std::make_unique<Sequence>(std::move(parts));
  }
  throw_unsupported(child_path(path, "type"),
                    "decoder '" + type +
                        "' is not supported (supported: ByteLevel, Metaspace, Replace, "
                        "ByteFallback, Fuse, Strip, BPEDecoder, Sequence)");
}

}  // namespace archscope::tok
