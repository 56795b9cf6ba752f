// libFuzzer target: the first byte picks a mode. Even: the rest is a tokenizer.json; if it loads,
// a fixed text is encoded and decoded. Odd: the rest is text for a fixed tokenizer that exercises
// the regex translation, normalization, added-token matching (lstrip / rstrip / single_word),
// byte fallback and incremental decoding. archscope::Error is the only acceptable failure;
// anything else (another exception, a sanitizer report, an id outside the vocabulary) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "tokenizer/decode_stream.hpp"
#include "tokenizer/tokenizer.hpp"

namespace {
constexpr const char* kTokenizer = R"({"version":"1.0","truncation":null,"padding":null,
 "added_tokens":[
  {"id":11,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
  {"id":12,"content":"<|sep|>","single_word":false,"lstrip":true,"rstrip":true,"normalized":false,"special":true},
  {"id":13,"content":"tool","single_word":true,"lstrip":false,"rstrip":false,"normalized":true,"special":false}],
 "normalizer":{"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Replace","pattern":{"Regex":"\\s{3,}"},"content":"  "}]},
 "pre_tokenizer":{"type":"Sequence","pretokenizers":[
  {"type":"Split","pattern":{"Regex":"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},
  {"type":"Metaspace","replacement":"\u2581","prepend_scheme":"first","split":false}]},
 "post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
  "pair":[{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],"special_tokens":{"<s>":{"id":"<s>","ids":[11],"tokens":["<s>"]}}},
 "decoder":{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"\u2581"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]},
 "model":{"type":"BPE","dropout":null,"unk_token":"<unk>","continuing_subword_prefix":null,"end_of_word_suffix":null,
  "fuse_unk":true,"byte_fallback":true,"vocab":{"<unk>":0,"\u2581":1,"a":2,"b":3,"ab":4,"\u2581a":5,"<0x41>":6,"<0xC3>":7,"<0xA9>":8,"<0x0A>":9,"\u2581ab":10},
  "merges":[["a","b"],["\u2581","a"],["\u2581","ab"]]}})";

void roundtrip(const archscope::tok::Tokenizer& t, std::string_view text) {
  archscope::tok::EncodeOptions o;
  o.add_special = true;
  const auto e = t.encode(text, o);
  if (e.ids.size() != e.tokens.size()) std::abort();
  for (uint32_t id : e.ids) {
    if (id >= t.id_bound() || t.id_to_token(id) == nullptr) std::abort();
  }
  (void)t.decode(e.ids, false);
  archscope::tok::DecodeStream stream(t);
  for (uint32_t id : e.ids) (void)stream.step(id);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] % 2 == 0) {
      const auto t = archscope::tok::Tokenizer::from_json_text(rest, "fuzz.json");
      roundtrip(t, "Hello w\xC3\xB6rld 123 <s> \xF0\x9F\x98\x80\n");
    } else {
      static const auto t = archscope::tok::Tokenizer::from_json_text(kTokenizer, "fixed.json");
      roundtrip(t, rest);
    }
  } catch (const archscope::Error&) {
  }
  return 0;
}
