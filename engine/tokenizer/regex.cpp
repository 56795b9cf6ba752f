#include "tokenizer/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

#include "common/error.hpp"
#include "tokenizer/utf8.hpp"

namespace archscope::tok {

namespace {
// Oniguruma's Unicode \s is the White_Space property (PropList.txt, unchanged since Unicode 6.3).
// PCRE2's \s adds U+180E (its horizontal-space list predates 6.3) and lacks U+0085, so the class
// is spelled out.
constexpr const char* kOnigSpace =
    "\\t-\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}"
    "\\x{3000}";
constexpr const char* kOnigWord = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";  // Oniguruma's Unicode \w
constexpr const char* kOnigHex = "0-9a-fA-F";                    // Oniguruma's \h

std::string pcre2_message(int code) {
  PCRE2_UCHAR buf[256];
  const int n = pcre2_get_error_message(code, buf, sizeof buf);
  return n < 0 ? "error " + std::to_string(code) : std::string(reinterpret_cast<char*>(buf));
}

// One JIT stack and match block per thread: patterns such as \s+(?!\S) on long whitespace runs
// need more than the 32 KiB machine stack JIT uses by default.
struct ThreadScratch {
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* stack = nullptr;
  ThreadScratch() {
    context = pcre2_match_context_create(nullptr);
    stack = pcre2_jit_stack_create(64 * 1024, 64 * 1024 * 1024, nullptr);
    if (context && stack) pcre2_jit_stack_assign(context, nullptr, stack);
  }
  ~ThreadScratch() {
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(context);
  }
};
ThreadScratch& scratch() {
  thread_local ThreadScratch s;
  return s;
}
}  // namespace

std::string onig_to_pcre2(std::string_view p, const std::string& where) {
  std::string out;
  out.reserve(p.size() + 16);
  int class_depth = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[i + 1];
      const bool in_class = class_depth > 0;
      switch (e) {
        case 's':
          out += in_class ? std::string(kOnigSpace) : "[" + std::string(kOnigSpace) + "]";
          break;
        case 'S':
          out += in_class ? "\\S" : "[^" + std::string(kOnigSpace) + "]";
          break;
        case 'w':
          out += in_class ? std::string(kOnigWord) : "[" + std::string(kOnigWord) + "]";
          break;
        case 'W':
          out += in_class ? "\\W" : "[^" + std::string(kOnigWord) + "]";
          break;
        case 'h':
          out += in_class ? std::string(kOnigHex) : "[" + std::string(kOnigHex) + "]";
          break;
        case 'H':
          out += in_class ? "\\H" : "[^" + std::string(kOnigHex) + "]";
          break;
        case 'u': {
          // \uHHHH: exactly four hex digits in Ruby syntax.
          size_t j = i + 2, n = 0;
          while (n < 4 && j < p.size() && std::isxdigit(static_cast<unsigned char>(p[j]))) ++j, ++n;
          if (n != 4)
            throw Error(ErrorKind::Parse, where, "\\u must be followed by four hex digits");
          out += "\\x{" + std::string(p.substr(i + 2, 4)) + "}";
          i = j - 1;
          continue;
        }
        default:
          out += c;
          out += e;
          break;
      }
      ++i;
      continue;
    }
    if (class_depth > 0) {
      if (c == '[') {
        if (i + 1 < p.size() && p[i + 1] == ':') {  // POSIX class [:alpha:] inside a class
          const size_t close = p.find(":]", i + 2);
          if (close != std::string_view::npos) {
            out += p.substr(i, close + 2 - i);
            i = close + 1;
            continue;
          }
        }
        throw Error(ErrorKind::Unsupported, where,
                    "nested character classes (Oniguruma set operations) are not supported");
      }
      if (c == '&' && i + 1 < p.size() && p[i + 1] == '&') {
        throw Error(ErrorKind::Unsupported, where,
                    "character-class intersection '&&' is not supported");
      }
      if (c == ']') --class_depth;
      out += c;
      continue;
    }
    if (c == '[') {
      ++class_depth;
      out += c;
      // A ']' right after '[' or '[^' is a literal in both dialects.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += "\\]", ++i;
      continue;
    }
    if (c == '(' && i + 2 < p.size() && p[i + 1] == '?') {
      if (p[i + 2] == '~')
        throw Error(ErrorKind::Unsupported, where, "the absent operator (?~...) is not supported");
      // Inline options: Oniguruma's m is dot-all, PCRE2's s.
      size_t j = i + 2;
      std::string flags;
      while (j < p.size() && (std::isalpha(static_cast<unsigned char>(p[j])) || p[j] == '-')) {
        flags += p[j] == 'm' ? 's' : p[j];
        ++j;
      }
      if (!flags.empty() && j < p.size() && (p[j] == ':' || p[j] == ')')) {
        out += "(?" + flags;
        i = j - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

struct Regex::Impl {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Impl() { pcre2_code_free(code); }
};

Regex::Regex(std::string_view pattern, const std::string& where)
    : impl_(std::make_unique<Impl>()), pattern_(pattern), where_(where) {
  const std::string translated = onig_to_pcre2(pattern, where);
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_compile_context* cc = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
  impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                              PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &error, &offset, cc);
  pcre2_compile_context_free(cc);
  if (impl_->code == nullptr) {
    throw Error(ErrorKind::Parse, where,
                "invalid regex '" + std::string(pattern) + "': " + pcre2_message(error) +
                    " (at offset " + std::to_string(offset) + " of the translated pattern)");
  }
  impl_->jit = pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE) == 0;
}

Regex::~Regex() = default;

std::vector<std::pair<size_t, size_t>> Regex::find_all(std::string_view text) const {
  std::vector<std::pair<size_t, size_t>> matches;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
  if (md == nullptr) throw Error(ErrorKind::Resource, where_, "out of memory for a regex match");
  ThreadScratch& s = scratch();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t last_end = 0;
  bool have_last = false;
  size_t last_match_end = 0;
  while (last_end <= text.size()) {
    const int rc = impl_->jit ? pcre2_jit_match(impl_->code, subject, text.size(), last_end,
                                                PCRE2_NO_UTF_CHECK, md, s.context)
                              : pcre2_match(impl_->code, subject, text.size(), last_end,
                                            PCRE2_NO_UTF_CHECK, md, s.context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      pcre2_match_data_free(md);
      throw Error(ErrorKind::Resource, where_,
                  "regex '" + pattern_ + "' failed on the input: " + pcre2_message(rc));
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    const size_t start = ov[0], end = ov[1];
    if (start == end && have_last && last_match_end == end) {
      // onig's FindMatches: no empty match immediately after the previous one; step one char.
      last_end +=
          last_end < text.size() ? utf8_length(static_cast<unsigned char>(text[last_end])) : 1;
      continue;
    }
    last_end = end;
    have_last = true;
    last_match_end = end;
    matches.emplace_back(start, end);
  }
  pcre2_match_data_free(md);
  return matches;
}

}  // namespace archscope::tok
