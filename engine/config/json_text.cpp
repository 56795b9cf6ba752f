#include "config/json_text.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace archscope {
namespace {

// Tracks the path of the value being parsed, for duplicate-key errors.
class KeyTracker {
 public:
  bool on_event(nlohmann::json::parse_event_t event, const nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        count_element();
        levels_.push_back(Level{event == E::object_start, {}, {}, 0});
        break;
      case E::object_end:
      case E::array_end:
        if (!levels_.empty()) levels_.pop_back();
        break;
      case E::key: {
        Level& top = levels_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) {
          throw Error(ErrorKind::Parse, path(), "duplicate key '" + top.key + "'");
        }
        break;
      }
      case E::value:
        count_element();
        break;
    }
    return true;
  }

 private:
  struct Level {
    bool object;
    std::set<std::string> keys;
    std::string key;  // objects: the key being read
    size_t count;     // arrays: elements seen so far
  };

  void count_element() {
    if (!levels_.empty() && !levels_.back().object) ++levels_.back().count;
  }

  std::string path() const {
    std::string out;
    for (const Level& l : levels_) {
      if (l.object) {
        out += (out.empty() ? "" : ".") + l.key;
      } else {
        out += "[" + std::to_string(l.count - 1) + "]";
      }
    }
    return out;
  }

  std::vector<Level> levels_;
};

// nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column 5: <why>";
// keep <why> and put our own position in front.
std::string reason(const nlohmann::json::exception& e) {
  std::string what = e.what();
  const size_t bracket = what.find("] ");
  if (bracket != std::string::npos) what = what.substr(bracket + 2);
  if (what.rfind("parse error", 0) == 0) {
    const size_t colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
  }
  return what;
}

// "line:column" of nlohmann's byte offset, the compiler style that editors jump to.
std::string position(std::string_view text, size_t byte) {
  // nlohmann counts bytes from 1 and may point one past the end at EOF.
  const size_t offset = std::min(byte > 0 ? byte - 1 : 0, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

nlohmann::json parse_json_text(std::string_view text) {
  KeyTracker tracker;
  try {
    return nlohmann::json::parse(
        text.begin(), text.end(),
        [&tracker](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
          return tracker.on_event(event, parsed);
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorKind::Parse, position(text, e.byte), "malformed JSON: " + reason(e));
  } catch (const nlohmann::json::exception& e) {
    // Number overflow (1e999) is reported as out_of_range, without a position.
    throw Error(ErrorKind::Parse, "", "malformed JSON: " + reason(e));
  }
}

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& open_failure) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, path.string(), open_failure);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::System, path.string(), "read failed");
  try {
    return parse_json_text(text.str());
  } catch (const Error& e) {
    throw e.within(path.string());
  }
}

}  // namespace archscope
