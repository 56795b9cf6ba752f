#include "common/error.hpp"

namespace archscope {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Io: return "io";
    case ErrorKind::Parse: return "parse";
    case ErrorKind::Validation: return "validation";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::NotFound: return "not found";
    case ErrorKind::Resource: return "resource";
    case ErrorKind::System:
      return "system";
    case ErrorKind::Internal: return "internal";
  }
  return "unknown";
}

namespace {
std::string compose(const std::string& where, const std::string& message) {
  if (where.empty()) return message;
  std::string out;
  out.reserve(where.size() + 2 + message.size());
  out.append(where).append(": ").append(message);
  return out;
}
}  // namespace

Error::Error(ErrorKind kind, std::string where, std::string message)
    : std::runtime_error(compose(where, message)),
      kind_(kind),
      where_(std::move(where)),
      message_(std::move(message)) {}

namespace {
bool is_text_position(const std::string& s) {  // "12:7"
  const size_t colon = s.find(':');
  if (colon == 0 || colon == std::string::npos || colon + 1 == s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (i != colon && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}
}  // namespace

Error Error::within(const std::string& outer) const {
  if (outer.empty()) return *this;
  if (where_.empty()) return Error(kind_, outer, message_);
  return Error(kind_, is_text_position(where_) ? outer + ":" + where_ : compose(outer, where_),
               message_);
}

}  // namespace archscope
