// Typed errors: every failure carries what failed and where (a file, a JSON path, a tensor name),
// so the CLI can print one line and pick the exit code from the kind: System and Internal are
// failures of the machine or of archscope (exit 1), every other kind is bad input (exit 2).
#pragma once

#include <stdexcept>
#include <string>

namespace archscope {

enum class ErrorKind {
  Io,           // a file cannot be opened or read
  Parse,        // malformed JSON / binary format
  Validation,   // well-formed input that breaks a rule (sizes, combinations)
  Unsupported,  // valid input we do not handle (unknown model_type)
  NotFound,     // unknown preset, hardware profile, run id
  Resource,     // would not fit in memory, etc.
  System,       // the machine failed: a write or a read of an open file, an allocation, a lock
  Internal,     // a bug: an invariant of ours broke
};

const char* to_string(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  // where: "file.json: attention.kv_heads" or "model.safetensors: model.layers.0.q_proj.weight".
  Error(ErrorKind kind, std::string where, std::string message);

  ErrorKind kind() const { return kind_; }
  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose location is prefixed by `outer` ("presets/x.json" + ": " + where); a
  // location that is a text position "line:column" is appended the compiler way, "x.json:3:7".
  Error within(const std::string& outer) const;

 private:
  ErrorKind kind_;
  std::string where_;
  std::string message_;
};

}  // namespace archscope
