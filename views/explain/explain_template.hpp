// Explain texts: Markdown files under assets/explain/ with a small front matter (id, title,
// sources) and placeholders filled with the configuration's own numbers:
//   {{name}}                      the value of variable `name`
//   {{#if name}} … {{else}} … {{/if}}   a section for when `name` is true (nested is fine)
// A placeholder or condition naming a variable that the topic does not define is an error, so a
// text can never show a hole.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace archscope::explain {

struct Topic {
  std::string id;                    // file stem: "attention-heads"
  std::string title;                 // "MHA, GQA, MQA and MLA"
  std::vector<std::string> sources;  // papers and model cards, one per entry
  std::string body;                  // the Markdown template
};

// Throws archscope::Error(Parse, "<file>: <line>", reason) for a malformed file.
Topic parse_topic(const std::string& text, const std::string& origin);
std::vector<Topic> load_topics(
    const std::filesystem::path& dir);  // sorted by id; Error(Io) for a missing dir

struct Value {
  std::string text;     // as shown
  bool truthy = false;  // for {{#if}}
  double number = 0;    // the exact figure behind the text (tests compare it with the plan)
};
using Variables = std::map<std::string, Value>;

// Fills the template. Throws Error(Validation, "<topic>: {{name}}", "not defined") for an unknown
// variable and Error(Parse, ...) for unbalanced {{#if}} / {{/if}}.
std::string render(const Topic& topic, const Variables& vars);
// The template's body plus a "Sources" list, as Markdown.
std::string render_with_sources(const Topic& topic, const Variables& vars);
// Every variable name the template uses.
std::vector<std::string> placeholders(const Topic& topic);

}  // namespace archscope::explain
