// Headers (normalizer, pre-tokenizer, post-processor, decoder, model options, added tokens) of
// the tokenizer.json files the 2025 families publish, for fixtures whose real file is too large
// to keep in the repository. Sources are named per family in tests/fixtures/tokenizers/README.md.
// `train` says how the small vocabulary is trained: `kind` "bytelevel" (256 byte characters +
// merges) or "bytefallback" (specials + <0x00>..<0xFF> + characters + merges), and the
// normalizer / pre-tokenizer used only while training (so sentencepiece-style families learn
// merges inside words, as sentencepiece does).
'use strict';

const LLAMA3_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const O200K_PATTERN = [
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  "\\p{N}{1,3}",
  " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
  "\\s*[\\r\\n]+",
  "\\s+(?!\\S)",
  "\\s+",
].join('|');
const TEKKEN_PATTERN =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const DEEPSEEK_PATTERNS = [
  "\\p{N}{1,3}",
  "[一-龥\u3040-ゟ゠-ヿ]+",
  "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
];

const split = (regex) => ({ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false });
const byteLevel = (add_prefix_space, trim_offsets, use_regex) => ({ type: 'ByteLevel', add_prefix_space, trim_offsets, use_regex });
const token = (content, special, extra = {}) => ({
  content, single_word: false, lstrip: false, rstrip: false, normalized: false, special, ...extra,
});
const template = (bos) => ({
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
  pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
         { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
  special_tokens: { [bos]: { id: bos, ids: ['@' + bos], tokens: [bos] } },  // '@' ids: filled in
});
const bpe = (opts) => ({
  type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
  fuse_unk: false, byte_fallback: false, ignore_merges: false, ...opts,
});
const byteLevelTrain = (pre_tokenizer, normalizer = null) => ({ kind: 'bytelevel', normalizer, pre_tokenizer });
const reserved = (n, fmt) => Array.from({ length: n }, (_, i) => fmt(i));

module.exports = {
  llama3: {
    what: 'Llama 3.1 / 3.2 (also SmolLM3, which ships the Llama 3.2 tokenizer)',
    merges: 3000,
    train: byteLevelTrain({ type: 'Sequence', pretokenizers: [split(LLAMA3_PATTERN), byteLevel(false, true, false)] }),
    header: {
      normalizer: null,
      pre_tokenizer: { type: 'Sequence', pretokenizers: [split(LLAMA3_PATTERN), byteLevel(false, true, false)] },
      post_processor: { type: 'Sequence', processors: [byteLevel(true, false, true), template('<|begin_of_text|>')] },
      decoder: byteLevel(true, true, true),
      model: bpe({ ignore_merges: true }),
    },
    added: [
      token('<|begin_of_text|>', true), token('<|end_of_text|>', true), token('<|reserved_special_token_0|>', true),
      token('<|reserved_special_token_1|>', true), token('<|finetune_right_pad_id|>', true),
      token('<|reserved_special_token_2|>', true), token('<|start_header_id|>', true), token('<|end_header_id|>', true),
      token('<|eom_id|>', true), token('<|eot_id|>', true), token('<|python_tag|>', true),
    ],
  },
  qwen3: {
    what: 'Qwen2.5 / Qwen3 (dense, MoE and Next share it)',
    merges: 3000,
    train: byteLevelTrain({ type: 'Sequence', pretokenizers: [split(QWEN2_PATTERN), byteLevel(false, false, false)] }, { type: 'NFC' }),
    header: {
      normalizer: { type: 'NFC' },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [split(QWEN2_PATTERN), byteLevel(false, false, false)] },
      post_processor: byteLevel(false, false, false),
      decoder: byteLevel(false, false, false),
      model: bpe({ continuing_subword_prefix: '', end_of_word_suffix: '' }),
    },
    added: [
      token('<|endoftext|>', true), token('<|im_start|>', true), token('<|im_end|>', true),
      token('<|object_ref_start|>', true), token('<|object_ref_end|>', true), token('<|box_start|>', true),
      token('<|box_end|>', true), token('<|vision_start|>', true), token('<|vision_end|>', true),
      token('<tool_call>', false), token('</tool_call>', false), token('<|fim_prefix|>', false),
      token('<|fim_middle|>', false), token('<|fim_suffix|>', false), token('<|repo_name|>', false),
      token('<|file_sep|>', false), token('<think>', false), token('</think>', false),
    ],
  },
  deepseek_v3: {
    what: 'DeepSeek-V3 / R1 (the three-Split pre-tokenizer; Kimi K2 differs)',
    merges: 3000,
    train: byteLevelTrain({ type: 'Sequence', pretokenizers: [...DEEPSEEK_PATTERNS.map(split), byteLevel(false, true, false)] }),
    header: {
      normalizer: { type: 'Sequence', normalizers: [] },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [...DEEPSEEK_PATTERNS.map(split), byteLevel(false, true, false)] },
      post_processor: { type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<｜begin▁of▁sentence｜>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '<｜begin▁of▁sentence｜>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
               { SpecialToken: { id: '<｜begin▁of▁sentence｜>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { '<｜begin▁of▁sentence｜>': { id: '<｜begin▁of▁sentence｜>', ids: ['@<｜begin▁of▁sentence｜>'], tokens: ['<｜begin▁of▁sentence｜>'] } } },
      decoder: byteLevel(true, true, true),
      model: bpe({}),
    },
    // The first three are also entries of the BPE vocabulary (ids 0..2), as in the real file.
    in_vocab: ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜▁pad▁｜>'],
    added: [
      token('<｜begin▁of▁sentence｜>', true, { normalized: true }), token('<｜end▁of▁sentence｜>', true, { normalized: true }),
      token('<｜▁pad▁｜>', true, { normalized: true }),
      ...reserved(4, (i) => token(`<｜place▁holder▁no▁${i}｜>`, true, { normalized: true })),
      token('<｜fim▁hole｜>', false, { normalized: true }), token('<｜fim▁begin｜>', false, { normalized: true }),
      token('<｜fim▁end｜>', false, { normalized: true }), token('<｜User｜>', false, { normalized: true }),
      token('<｜Assistant｜>', false, { normalized: true }), token('<think>', false, { normalized: true }),
      token('</think>', false, { normalized: true }),
    ],
  },
  gpt_oss: {
    what: 'gpt-oss (o200k_harmony)',
    merges: 3000,
    train: byteLevelTrain({ type: 'Sequence', pretokenizers: [split(O200K_PATTERN), byteLevel(false, true, false)] }),
    header: {
      normalizer: null,
      pre_tokenizer: { type: 'Sequence', pretokenizers: [split(O200K_PATTERN), byteLevel(false, true, false)] },
      post_processor: byteLevel(true, false, true),
      decoder: byteLevel(true, true, true),
      model: bpe({ ignore_merges: true }),
    },
    added: [
      token('<|startoftext|>', true), token('<|endoftext|>', true), token('<|reserved_200000|>', true),
      token('<|reserved_200001|>', true), token('<|return|>', true), token('<|constrain|>', true),
      token('<|reserved_200004|>', true), token('<|channel|>', true), token('<|start|>', true), token('<|end|>', true),
      token('<|message|>', true), token('<|reserved_200009|>', true), token('<|reserved_200010|>', true),
      token('<|reserved_200011|>', true), token('<|call|>', true),
    ],
  },
  glm4_moe: {
    what: 'GLM-4.5 (glm4_moe); OLMo 2 (dolma2, cl100k) uses the same Split pattern',
    merges: 3000,
    train: byteLevelTrain({ type: 'Sequence', pretokenizers: [split(LLAMA3_PATTERN), byteLevel(false, true, false)] }),
    header: {
      normalizer: null,
      pre_tokenizer: { type: 'Sequence', pretokenizers: [split(LLAMA3_PATTERN), byteLevel(false, true, false)] },
      post_processor: byteLevel(true, false, true),
      decoder: byteLevel(true, true, true),
      model: bpe({}),
    },
    added: [
      token('<|endoftext|>', true), token('[MASK]', true), token('[gMASK]', true), token('[sMASK]', true),
      token('<sop>', true), token('<eop>', true), token('<|system|>', true), token('<|user|>', true),
      token('<|assistant|>', true), token('<|observation|>', true), token('<|begin_of_image|>', true),
      token('<|end_of_image|>', true), token('<think>', false), token('</think>', false),
      token('<tool_call>', false), token('</tool_call>', false), token('<arg_key>', false), token('</arg_key>', false),
    ],
  },
  mistral_tekken: {
    what: 'Mistral Small 3.1 (Tekken, as transformers MistralConverter writes it)',
    merges: 3000,
    train: byteLevelTrain({ type: 'Sequence', pretokenizers: [split(TEKKEN_PATTERN), byteLevel(false, true, false)] }),
    header: {
      normalizer: null,
      pre_tokenizer: { type: 'Sequence', pretokenizers: [split(TEKKEN_PATTERN), byteLevel(false, true, false)] },
      post_processor: template('<s>'),
      decoder: byteLevel(true, true, true),
      model: bpe({ ignore_merges: true }),
    },
    // Tekken puts its control tokens first: ids 0.. are both vocabulary entries and added tokens.
    in_vocab: ['<unk>', '<s>', '</s>', '[INST]', '[/INST]', '[AVAILABLE_TOOLS]', '[/AVAILABLE_TOOLS]',
               '[TOOL_RESULTS]', '[/TOOL_RESULTS]', '[TOOL_CALLS]', '[IMG]', '<pad>', '[IMG_BREAK]', '[IMG_END]',
               '[PREFIX]', '[MIDDLE]', '[SUFFIX]', '[SYSTEM_PROMPT]', '[/SYSTEM_PROMPT]', '[TOOL_CONTENT]'],
    added_from_vocab: true,
    added: [],
  },
  gemma3: {
    what: 'Gemma 3 (transformers GemmaConverter: Replace normalizer, Split " " pre-tokenizer, byte fallback)',
    merges: 2500,
    train: { kind: 'bytefallback',
             normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
             pre_tokenizer: { type: 'Split', pattern: { String: '▁' }, behavior: 'MergedWithNext', invert: false } },
    header: {
      normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious', invert: false },
      post_processor: template('<bos>'),
      decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' },
                                             { type: 'ByteFallback' }, { type: 'Fuse' }] },
      model: bpe({ unk_token: '<unk>', fuse_unk: true, byte_fallback: true }),
    },
    in_vocab: ['<pad>', '<eos>', '<bos>', '<unk>', '<mask>', '[@BOS@]', '<start_of_turn>', '<end_of_turn>',
               '<start_of_image>', '<end_of_image>', '<image_soft_token>'],
    added_from_vocab: true,
    // Not in Gemma's file: a normalized added token, matched after Replace turns its space into ▁.
    added: [token('new york', false, { normalized: true })],
  },
  llama2_metaspace: {
    what: 'Llama-2-style sentencepiece BPE converted with legacy=false (Metaspace prepend_scheme "first"; '
        + 'Mistral 7B v0.3 and later Llama-2 conversions)',
    merges: 2500,
    train: { kind: 'bytefallback', normalizer: null,
             pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true } },
    header: {
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false },
      post_processor: template('<s>'),
      decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' },
                                             { type: 'ByteFallback' }, { type: 'Fuse' },
                                             { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
      model: bpe({ unk_token: '<unk>', fuse_unk: true, byte_fallback: true }),
    },
    in_vocab: ['<unk>', '<s>', '</s>'],
    added_from_vocab: true,
    // [INST] / [/INST] as Mistral v0.3 has them; the last three are not in any family's file and
    // exercise single_word, lstrip + rstrip and a normalized non-special token.
    added: [token('[INST]', true), token('[/INST]', true), token('<tool>', false, { single_word: true }),
            token('<|sep|>', true, { lstrip: true, rstrip: true }), token('Magic', false, { normalized: true })],
  },
  spm_default: {
    what: 'transformers SpmConverter defaults for a sentencepiece BPE model (Metaspace pre-tokenizer and '
        + 'decoder, prepend_scheme "always", split true)',
    merges: 2000,
    train: { kind: 'bytefallback', normalizer: null,
             pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true } },
    header: {
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      post_processor: { type: 'TemplateProcessing', single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
                        pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } },
                               { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '</s>', type_id: 1 } }],
                        special_tokens: { '</s>': { id: '</s>', ids: ['@</s>'], tokens: ['</s>'] } } },
      decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      model: bpe({ unk_token: '<unk>', fuse_unk: true, byte_fallback: true }),
    },
    in_vocab: ['<unk>', '<s>', '</s>'],
    added_from_vocab: true,
    added: [],
  },
  gpt2_512: {
    what: 'GPT-2 configuration with 512 ids in all, for the 512-token models of tests/fixtures/hf '
        + '(text generation and perplexity end to end)',
    merges: 253,
    train: byteLevelTrain({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }),
    header: {
      normalizer: null,
      pre_tokenizer: byteLevel(false, true, true),
      post_processor: byteLevel(true, false, true),
      decoder: byteLevel(true, true, true),
      model: bpe({ continuing_subword_prefix: '', end_of_word_suffix: '' }),
    },
    added: [token('<|endoftext|>', true), token('<|im_start|>', true), token('<|im_end|>', true)],
  },
  // Not families: configurations assembled to cover components no published file above uses
  // (every Split behaviour with and without invert, the remaining normalizers, pre-tokenizers and
  // post-processors), checked against HF all the same.
  components_a: {
    what: 'coverage configuration: NFD + StripAccents + NFC + Strip + Prepend normalizers; Split with '
        + 'MergedWithPrevious, MergedWithNext, Contiguous, Removed (inverted) and Isolated (inverted); '
        + 'Digits (individual); BertProcessing',
    merges: 1500,
    short_cases: true,
    train: 'header',
    header: {
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'NFC' },
        { type: 'Strip', strip_left: true, strip_right: true }, { type: 'Prepend', prepend: '»' }] },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [
        { type: 'Split', pattern: { String: '-' }, behavior: 'MergedWithPrevious', invert: false },
        { type: 'Split', pattern: { Regex: '\\p{N}+' }, behavior: 'MergedWithNext', invert: false },
        { type: 'Split', pattern: { Regex: '[,;]' }, behavior: 'Contiguous', invert: false },
        { type: 'Split', pattern: { Regex: '\\S+' }, behavior: 'Removed', invert: true },
        { type: 'Split', pattern: { Regex: '[^\\p{Lu}]+' }, behavior: 'Isolated', invert: true },
        { type: 'Digits', individual_digits: true },
        byteLevel(false, true, false)] },
      post_processor: { type: 'BertProcessing', sep: ['</s>', '@</s>'], cls: ['<s>', '@<s>'] },
      decoder: byteLevel(true, true, true),
      model: bpe({}),
    },
    added: [token('<s>', true), token('</s>', true)],
  },
  components_b: {
    what: 'coverage configuration: NFKD + Lowercase normalizers; CharDelimiterSplit, Whitespace, '
        + 'Punctuation (Isolated), Digits (runs); RobertaProcessing; a Replace decoder',
    merges: 1500,
    short_cases: true,
    train: 'header',
    header: {
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'Lowercase' }] },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [
        { type: 'CharDelimiterSplit', delimiter: '|' }, { type: 'Whitespace' },
        { type: 'Punctuation', behavior: 'Isolated' }, { type: 'Digits', individual_digits: false },
        byteLevel(true, true, false)] },
      post_processor: { type: 'RobertaProcessing', sep: ['</s>', '@</s>'], cls: ['<s>', '@<s>'], trim_offsets: true, add_prefix_space: true },
      decoder: { type: 'Sequence', decoders: [byteLevel(true, true, true),
                                             { type: 'Replace', pattern: { Regex: '\\s{2,}' }, content: ' ' }] },
      model: bpe({}),
    },
    added: [token('<s>', true), token('</s>', true), token('<mask>', true, { lstrip: true })],
  },
  components_c: {
    what: 'coverage configuration: BertPreTokenizer, WhitespaceSplit, ByteLevel normalizer; unk token '
        + 'without byte fallback (characters outside the vocabulary become fused <unk>)',
    merges: 800,
    short_cases: true,
    train: 'header',
    header: {
      normalizer: { type: 'ByteLevel' },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'BertPreTokenizer' }, { type: 'WhitespaceSplit' }] },
      post_processor: null,
      decoder: byteLevel(true, true, true),
      model: bpe({ unk_token: '<unk>', fuse_unk: true }),
    },
    in_vocab: ['<unk>'],
    drop_alphabet: ['Ġ', 'ā', 'Ċ'],
    added_from_vocab: true,
    added: [],
  },
  components_d: {
    what: 'coverage configuration: NFKC normalizer (alone); Split with Removed (string, not inverted); '
        + 'ByteLevel with add_prefix_space and its regex; a BOS + EOS template; a normalized added token '
        + 'whose content NFKC changes',
    merges: 1500,
    short_cases: true,
    train: 'header',
    header: {
      normalizer: { type: 'NFKC' },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [
        { type: 'Split', pattern: { String: '\n' }, behavior: 'Removed', invert: false },
        byteLevel(true, true, true)] },
      post_processor: { type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
                 { SpecialToken: { id: '</s>', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
               { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } },
               { SpecialToken: { id: '</s>', type_id: 1 } }],
        special_tokens: { '<s>': { id: '<s>', ids: ['@<s>'], tokens: ['<s>'] },
                          '</s>': { id: '</s>', ids: ['@</s>'], tokens: ['</s>'] } } },
      decoder: byteLevel(true, true, true),
      model: bpe({}),
    },
    // 'ﬁle' (U+FB01 ligature) is matched as its NFKC form 'file' in normalized text.
    added: [token('<s>', true), token('</s>', true), token('\ufb01le', false, { normalized: true })],
  },
  components_e: {
    what: 'coverage configuration: Metaspace pre-tokenizer with prepend_scheme "never" (split); '
        + 'ByteFallback then a Metaspace decoder with prepend_scheme "first", then Fuse',
    merges: 1500,
    short_cases: true,
    train: { kind: 'bytefallback', normalizer: null,
             pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true } },
    header: {
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'never', split: true },
      post_processor: template('<s>'),
      decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' },
        { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: true }, { type: 'Fuse' }] },
      model: bpe({ unk_token: '<unk>', fuse_unk: true, byte_fallback: true }),
    },
    in_vocab: ['<unk>', '<s>', '</s>'],
    added_from_vocab: true,
    added: [],
  },
};
