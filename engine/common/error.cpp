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

Error Error::within(const std::string& outer) const {
  if (outer.empty()) return *this;
  return Error(kind_, where_.empty() ? outer : compose(outer, where_), message_);
}

}  // namespace archscope
