// Test helper: parse XML text with expat and keep every element (name, attributes, text), so tests
// can assert well-formedness and count marks by class. Header-only, shared by the views tests.
#pragma once

#include <expat.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace xml_check {

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::string text;  // direct character data
  int depth = 0;
  bool has_class(const std::string& cls) const {
    const auto it = attrs.find("class");
    if (it == attrs.end()) return false;
    std::istringstream words(it->second);
    for (std::string w; words >> w;)
      if (w == cls) return true;
    return false;
  }
};

struct Document {
  bool ok = false;
  std::string error;
  std::vector<Element> elements;
  std::string text;  // all character data, in order

  size_t count(const std::string& name, const std::string& cls = "") const {
    size_t n = 0;
    for (const Element& e : elements) n += e.name == name && (cls.empty() || e.has_class(cls));
    return n;
  }
};

namespace detail {
struct State {
  Document doc;
  std::vector<size_t> open;
};
inline void start(void* data, const XML_Char* name, const XML_Char** attrs) {
  auto* s = static_cast<State*>(data);
  Element e;
  e.name = name;
  e.depth = static_cast<int>(s->open.size());
  for (int i = 0; attrs[i]; i += 2) e.attrs[attrs[i]] = attrs[i + 1];
  s->open.push_back(s->doc.elements.size());
  s->doc.elements.push_back(std::move(e));
}
inline void end(void* data, const XML_Char*) { static_cast<State*>(data)->open.pop_back(); }
inline void chars(void* data, const XML_Char* text, int len) {
  auto* s = static_cast<State*>(data);
  s->doc.text.append(text, static_cast<size_t>(len));
  if (!s->open.empty()) s->doc.elements[s->open.back()].text.append(text, static_cast<size_t>(len));
}
}  // namespace detail

inline Document parse(const std::string& xml) {
  detail::State state;
  XML_Parser p = XML_ParserCreate("UTF-8");
  XML_SetUserData(p, &state);
  XML_SetElementHandler(p, detail::start, detail::end);
  XML_SetCharacterDataHandler(p, detail::chars);
  if (XML_Parse(p, xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_ERROR) {
    state.doc.error = std::string(XML_ErrorString(XML_GetErrorCode(p))) + " at line " +
                      std::to_string(XML_GetCurrentLineNumber(p)) + ", column " +
                      std::to_string(XML_GetCurrentColumnNumber(p));
  } else {
    state.doc.ok = true;
  }
  XML_ParserFree(p);
  return state.doc;
}

}  // namespace xml_check
