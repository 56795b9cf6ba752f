#include "io/npy_header.hpp"

#include <cctype>
#include <limits>

#include "common/error.hpp"

namespace archscope::npy_detail {

std::string format_header(const std::vector<int64_t>& shape) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ", ";
  // A 1-D shape keeps its trailing comma so Python reads a tuple; numpy itself writes "(5,)".
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  else if (shape.size() == 1) dims.pop_back();
  return "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
}

namespace {

// A cursor over the dict literal; every failure names what was expected and where.
class Reader {
 public:
  Reader(std::string_view text, const std::string& origin) : text_(text), origin_(origin) {}

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string quoted() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      fail("expected a quoted string");
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (auto [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      std::string_view w(word);
      if (text_.substr(pos_, w.size()) == w) {
        pos_ += w.size();
        return value;
      }
    }
    fail("expected True or False");
  }
  int64_t integer() {
    skip_space();
    if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_])))
      fail("expected a non-negative integer");
    int64_t v = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      const int digit = text_[pos_++] - '0';
      if (v > (std::numeric_limits<int64_t>::max() - digit) / 10) fail("dimension too large");
      v = v * 10 + digit;
    }
    if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 longs in old files
    return v;
  }
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> dims;
    while (!peek(')')) {
      dims.push_back(integer());
      if (!peek(')')) expect(',');
    }
    expect(')');
    return dims;
  }
  [[noreturn]] void fail(const std::string& what) const {
    // Quote the dict without its padding, and with control bytes as '?', so the error stays one
    // line however the file is broken.
    std::string shown(text_.substr(0, 120));
    while (!shown.empty() && std::isspace(static_cast<unsigned char>(shown.back()))) shown.pop_back();
    for (char& c : shown) {
      if (std::iscntrl(static_cast<unsigned char>(c))) c = '?';
    }
    throw Error(ErrorKind::Parse, origin_,
                "bad .npy header: " + what + " at offset " + std::to_string(pos_) + " of \"" +
                    shown + "\"");
  }

 private:
  std::string_view text_;
  const std::string& origin_;
  size_t pos_ = 0;
};

}  // namespace

NpyHeader parse_header(std::string_view text, const std::string& origin) {
  Reader r(text, origin);
  NpyHeader h;
  bool seen_descr = false, seen_order = false, seen_shape = false;
  r.expect('{');
  while (!r.peek('}')) {
    const std::string key = r.quoted();
    r.expect(':');
    if (key == "descr" && !seen_descr) {
      h.descr = r.quoted();
      seen_descr = true;
    } else if (key == "fortran_order" && !seen_order) {
      h.fortran_order = r.boolean();
      seen_order = true;
    } else if (key == "shape" && !seen_shape) {
      h.shape = r.tuple();
      seen_shape = true;
    } else {
      r.fail("unexpected or repeated key '" + key + "'");
    }
    if (!r.peek('}')) r.expect(',');
  }
  r.expect('}');
  if (!r.at_end()) r.fail("text after the closing '}'");
  if (!seen_descr || !seen_order || !seen_shape)
    r.fail("missing key (descr, fortran_order and shape are required)");
  return h;
}

}  // namespace archscope::npy_detail
