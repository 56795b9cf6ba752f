// Reading tokenizer.json: each accessor names the JSON path of what it reads, so a bad or
// unsupported file is reported as "pre_tokenizer.pretokenizers[1].behavior: ...". Unknown keys
// are ignored, as HF tokenizers ignores them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace archscope::tok {

using Json = nlohmann::json;

std::string child_path(const std::string& path, const std::string& key);
std::string index_path(const std::string& path, size_t index);

[[noreturn]] void throw_json(const std::string& path, const std::string& message);
[[noreturn]] void throw_unsupported(const std::string& path, const std::string& message);

// "an object", "a string", ... for messages.
std::string json_kind(const Json& v);

void require_object(const Json& v, const std::string& path);
const Json& require_array(const Json& v, const std::string& path);

// The member `key` of object `obj`, or nullptr when absent (null counts as absent only where
// the caller says so by checking is_null()).
const Json* member(const Json& obj, const char* key);

std::string string_field(const Json& obj, const char* key, const std::string& path);
std::optional<std::string> optional_string(const Json& obj, const char* key,
                                           const std::string& path);
bool bool_field(const Json& obj, const char* key, const std::string& path);
bool bool_or(const Json& obj, const char* key, const std::string& path, bool fallback);
uint64_t uint_field(const Json& obj, const char* key, const std::string& path);
std::optional<uint64_t> optional_uint(const Json& obj, const char* key, const std::string& path);

// The value of the "type" tag of a component, which every supported component carries.
std::string type_tag(const Json& obj, const std::string& path);

// A single character given as a one-code-point string (Metaspace replacement, Strip content).
char32_t char_field(const Json& obj, const char* key, const std::string& path);

}  // namespace archscope::tok
