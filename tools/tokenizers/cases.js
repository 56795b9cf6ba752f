// The strings every tokenizer fixture is encoded on: hand-picked hard cases, the tokenizer's own
// added tokens inside text, lines of the training corpus, and seeded random strings mixing
// scripts, whitespace, digits, emoji and token fragments. Every string is valid Unicode (no lone
// surrogates), since HF tokenizers only takes valid UTF-8.
'use strict';

const fs = require('fs');
const path = require('path');

const TRICKY = [
  '', ' ', '  ', '\t', '\n', '\r\n', 'Hello world', ' leading space', 'trailing space ', '  two  spaces  ',
  'tabs\tand\t\ttabs', 'CRLF\r\nline\r\n\r\nend', 'mixed \t \n \r\n whitespace\n\n\n', '\n\n\nstarts with newlines',
  "DON'T we'LL I'M you'RE they'VE she'D it'S", "don't we'll i'm you're they've she'd it's", "'s 't 're 've 'm 'll 'd",
  "O'Neil's rock'n'roll", "'ſ 'K", 'ſtraße KELVIN', 'İstanbul ıi İI ΣΊΣΥΦΟΣ ς',
  '1234567890123', '3.14159 2,718,281 1e-10 0x1F 007', '٠١٢٣٤٥٦٧٨٩ ۰۱۲ १२३ １２３', '½ ² ³ ¹ ③ Ⅻ ⅷ 𝟙𝟚𝟛',
  '12345678901234567890123456789012345678901234567890',
  '日本語のテキストです。漢字とひらがなとカタカナ', '中文测试：你好，世界！今天天气很好。', '한국어 텍스트입니다',
  'Привет, мир! Съешь же ещё этих мягких французских булок.', 'مرحبا بالعالم، هذا نص عربي.', 'שלום עולם',
  'नमस्ते दुनिया', 'สวัสดีชาวโลก', 'Καλημέρα κόσμε', 'Xin chào thế giới', 'ქართული ენა', 'Հայերեն',
  '👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇯🇵🇺🇸 😀😃😄', 'keycaps 1️⃣ #️⃣ *️⃣', '🧑🏿‍🚀👩🏻‍💻', 'a👍b👍🏽c',
  'e\u0301 cafe\u0301 café Å A\u030a ñ n\u0303', 'ǅ ﬁ ﬀ ℌ ① ｆｕｌｌｗｉｄｔｈ Ⓐ ㈱ ㍿', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\u00a0nbsp\u00a0', '\u3000ideographic\u3000space', 'line\u2028sep\u2029para', '\u0085NEL\u0085', 'zero\u200bwidth',
  '\ufeffbom', 'mongolian\u180evowel', 'vt\u000bff\u000cfs\u001cgs\u001d', '\u2000\u2001\u2002\u2003\u200a hair',
  'null\u0000byte \u0001 \u007f \u0080\u009f', '\ue000private\uf8ff', '\ufffe\uffff\u{10ffff}', '\u0378unassigned',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈 𓀀', 'HeLLo WoRLD CamelCaseWords iPhone XMLHttpRequest', 'ALLCAPS lowercase MiXeD',
  '!!!??...---___***', 'a/b/c\n/path/to/file.txt', 'http://example.com/a?b=c&d=e#f', 'user@example.com',
  'def f(x):\n    return x**2  # comment\n\tif x != 0: pass', '{"key": [1, 2.5, null, true], "k2": "v"}',
  '<div class="a">&amp;&lt;</div>', 'x = a+b; y = a-b; z = a*b/c % d', '    indented\n        more\n',
  'a'.repeat(300), 'supercalifragilisticexpialidocious'.repeat(8), 'x'.repeat(3000), '1234567890'.repeat(40),
  'ab '.repeat(200), ' '.repeat(100), '\n'.repeat(50), '日本'.repeat(150), '😀'.repeat(100),
  'The quick brown fox jumps over the lazy dog. '.repeat(20),
];

function xorshift(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

function seedOf(name) {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0;
  return h;
}

function randomString(rand, specials) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const cp = (a, b) => String.fromCodePoint(a + Math.floor(rand() * (b - a + 1)));
  const pools = [
    () => pick('abcdefghijklmnopqrstuvwxyz'), () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ'), () => pick('0123456789'),
    () => pick(' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'), () => ' ', () => '  ', () => pick(['\t', '\n', '\r\n', '\r']),
    () => pick("'s 't 're 've 'm 'll 'd 'S 'T 'RE 'LL".split(' ')), () => pick('àéîõüçñßøåæœÀÉÎÕÜÇÑſ'),
    () => cp(0x300, 0x36f), () => cp(0x391, 0x3c9), () => cp(0x410, 0x44f), () => cp(0x4e00, 0x9fa5),
    () => cp(0x3041, 0x3096), () => cp(0x30a1, 0x30fa), () => cp(0xac00, 0xd7a3), () => cp(0x621, 0x64a),
    () => cp(0x660, 0x669), () => cp(0x905, 0x939), () => cp(0x93e, 0x94d), () => cp(0xe01, 0xe3a),
    () => cp(0x1f600, 0x1f64f), () => cp(0x1f3fb, 0x1f3ff), () => '\u200d', () => '\ufe0f', () => cp(0x1f1e6, 0x1f1ff),
    () => pick(['\u00a0', '\u2003', '\u2028', '\u3000', '\u0085', '\u200b', '\ufeff', '\u180e', '\u000b', '\u001f']),
    () => pick(['²', '½', 'Ⅻ', '①', '１', '٣', '߁']), () => cp(0x1d400, 0x1d433), () => pick(['\u0000', '\u0007', '\u007f', '\u0090']),
    () => pick(['▁', 'Ġ', 'Ċ', '<0x41>', '</w>', '##']),
  ];
  if (specials.length) {
    pools.push(() => pick(specials));
    pools.push(() => { const s = pick(specials); return s.slice(0, Math.max(1, Math.floor(rand() * s.length))); });
  }
  const n = 1 + Math.floor(rand() * 30);
  let out = '';
  for (let i = 0; i < n; ++i) {
    const piece = pick(pools)();
    out += rand() < 0.3 ? piece.repeat(1 + Math.floor(rand() * 4)) : piece;
  }
  return out;
}

function makeCases(addedTokens, name, randomCount = 150) {
  const rand = xorshift(seedOf(name));
  const specials = addedTokens.slice(0, 40);
  const texts = [...TRICKY];
  for (const s of specials.slice(0, 12)) {
    texts.push(s, `${s}Hello`, `Hello${s}`, ` ${s} `, `text ${s} more`, `a${s}${s}b`, `\n${s}\n`, `${s.slice(0, -1)}`);
  }
  const corpus = fs.readFileSync(path.join(__dirname, 'corpus/multilingual.txt'), 'utf8').split('\n');
  texts.push(...corpus.filter((l) => l.length > 0));
  texts.push(corpus.join('\n'));
  for (let i = 0; i < randomCount; ++i) texts.push(randomString(rand, specials));
  const cases = texts.map((text) => ({ text, add_special: false }));
  // With the post-processor's special tokens: the short cases and every case naming a token.
  texts.forEach((text, i) => {
    if (i < 25 || specials.some((s) => text.includes(s))) cases.push({ text, add_special: true });
  });
  return cases;
}

// Random id sequences for decoding alone (partial byte sequences, special tokens, stray prefixes).
function makeDecodeCases(bound, exists, name) {
  const rand = xorshift(seedOf(name) ^ 0x5eed);
  const out = [];
  for (let i = 0; i < 80; ++i) {
    const n = 1 + Math.floor(rand() * 12);
    const ids = [];
    while (ids.length < n) {
      const id = Math.floor(rand() * (rand() < 0.4 ? Math.min(bound, 300) : bound));
      if (exists(id)) ids.push(id);
    }
    out.push(ids);
  }
  return out;
}

module.exports = { makeCases, makeDecodeCases };
