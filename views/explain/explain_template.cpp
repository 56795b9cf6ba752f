#include "explain/explain_template.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace archscope::explain {

namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// Tokens of a template: text, {{name}}, {{#if name}}, {{else}}, {{/if}}.
struct Token {
  enum class Kind { Text, Var, If, Else, End } kind;
  std::string value;
};

std::vector<Token> tokenize(const std::string& body, const std::string& origin) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < body.size()) {
    const size_t open = body.find("{{", i);
    if (open == std::string::npos) {
      out.push_back({Token::Kind::Text, body.substr(i)});
      break;
    }
    if (open > i) out.push_back({Token::Kind::Text, body.substr(i, open - i)});
    const size_t close = body.find("}}", open);
    if (close == std::string::npos) throw Error(ErrorKind::Parse, origin, "'{{' without '}}'");
    const std::string inner = trim(body.substr(open + 2, close - open - 2));
    if (inner.rfind("#if ", 0) == 0) {
      out.push_back({Token::Kind::If, trim(inner.substr(4))});
    } else if (inner == "else") {
      out.push_back({Token::Kind::Else, ""});
    } else if (inner == "/if") {
      out.push_back({Token::Kind::End, ""});
    } else {
      out.push_back({Token::Kind::Var, inner});
    }
    i = close + 2;
  }
  return out;
}

const Value& lookup(const Variables& vars, const std::string& name, const std::string& topic) {
  const auto it = vars.find(name);
  if (it == vars.end())
    throw Error(ErrorKind::Validation, topic + ": {{" + name + "}}", "not defined for this topic");
  return it->second;
}

}  // namespace

Topic parse_topic(const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  const auto fail = [&](const std::string& why) {
    throw Error(ErrorKind::Parse, origin + ": " + std::to_string(n), why);
  };
  if (!std::getline(in, line) || trim(line) != "---") {
    n = 1;
    fail("expected front matter starting with '---'");
  }
  ++n;
  Topic t;
  bool in_sources = false, closed = false;
  while (std::getline(in, line)) {
    ++n;
    if (trim(line) == "---") {
      closed = true;
      break;
    }
    if (in_sources && trim(line).rfind("- ", 0) == 0) {
      t.sources.push_back(trim(trim(line).substr(2)));
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) fail("expected 'key: value'");
    const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    in_sources = key == "sources";
    if (key == "id")
      t.id = value;
    else if (key == "title")
      t.title = value;
    else if (key != "sources")
      fail("unknown key '" + key + "'");
  }
  if (!closed) fail("front matter not closed with '---'");
  if (t.id.empty() || t.title.empty()) fail("front matter needs id and title");
  if (t.sources.empty()) fail("every explain text names its sources");
  std::ostringstream body;
  body << in.rdbuf();
  t.body = body.str();
  tokenize(t.body, origin);  // reject a broken template at load time
  return t;
}

std::vector<Topic> load_topics(const std::filesystem::path& dir) {
  std::vector<Topic> topics;
  if (!std::filesystem::is_directory(dir))
    throw Error(ErrorKind::Io, dir.string(), "explain texts folder not found");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) throw Error(ErrorKind::Io, f.string(), "cannot open for reading");
    std::ostringstream text;
    text << in.rdbuf();
    Topic t = parse_topic(text.str(), f.string());
    if (t.id != f.stem().string())
      throw Error(ErrorKind::Parse, f.string(), "id '" + t.id + "' differs from the file name");
    topics.push_back(std::move(t));
  }
  return topics;
}

std::string render(const Topic& topic, const Variables& vars) {
  const std::vector<Token> tokens = tokenize(topic.body, topic.id);
  std::string out;
  // A stack of (condition true?, in else branch?) for the open {{#if}}s; text is kept when every
  // level is active.
  std::vector<std::pair<bool, bool>> stack;
  const auto active = [&] {
    return std::all_of(stack.begin(), stack.end(),
                       [](const auto& s) { return s.first != s.second; });
  };
  for (const Token& t : tokens) {
    switch (t.kind) {
      case Token::Kind::Text:
        if (active()) out += t.value;
        break;
      case Token::Kind::Var:
        if (active())
          out += lookup(vars, t.value, topic.id).text;
        else
          lookup(vars, t.value, topic.id);  // still defined, or the other branch has a hole
        break;
      case Token::Kind::If:
        stack.push_back({lookup(vars, t.value, topic.id).truthy, false});
        break;
      case Token::Kind::Else:
        if (stack.empty()) throw Error(ErrorKind::Parse, topic.id, "{{else}} outside {{#if}}");
        stack.back().second = true;
        break;
      case Token::Kind::End:
        if (stack.empty()) throw Error(ErrorKind::Parse, topic.id, "{{/if}} without {{#if}}");
        stack.pop_back();
        break;
    }
  }
  if (!stack.empty()) throw Error(ErrorKind::Parse, topic.id, "{{#if}} without {{/if}}");
  return out;
}

std::string render_with_sources(const Topic& topic, const Variables& vars) {
  std::string out = "## " + topic.title + "\n\n" + render(topic, vars);
  out += "\n\n**Sources**\n\n";
  for (const auto& s : topic.sources) out += "- " + s + "\n";
  return out;
}

std::vector<std::string> placeholders(const Topic& topic) {
  std::vector<std::string> names;
  for (const Token& t : tokenize(topic.body, topic.id))
    if ((t.kind == Token::Kind::Var || t.kind == Token::Kind::If) &&
        std::find(names.begin(), names.end(), t.value) == names.end())
      names.push_back(t.value);
  return names;
}

}  // namespace archscope::explain
