// Small tokenizer.json files HF tokenizers refuses, or loads but archscope does not support, for
// tests/tokenizer/test_errors.cpp: each records what HF does with it (load error message, or an
// encode error) and the JSON path and error kind archscope must report.
'use strict';

const base = () => ({
  version: '1.0', truncation: null, padding: null,
  added_tokens: [{ id: 5, content: '<s>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: null,
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
           fuse_unk: false, byte_fallback: false, vocab: { a: 0, b: 1, ab: 2, c: 3, abc: 4 }, merges: [['a', 'b'], ['ab', 'c']] },
});
const edit = (f) => { const j = base(); f(j); return j; };

// kind: archscope's ErrorKind; path: part of the error's location; text: encoded when HF loads it.
module.exports = [
  { name: 'version_2', json: edit((j) => { j.version = '2.0'; }), kind: 'unsupported', path: 'version' },
  { name: 'unigram_model', json: edit((j) => { j.model = { type: 'Unigram', unk_id: 0, vocab: [['a', -1.0], ['b', -2.0]], byte_fallback: false }; }),
    kind: 'unsupported', path: 'model.type' },
  { name: 'wordpiece_model', json: edit((j) => { j.model = { type: 'WordPiece', unk_token: 'a', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { a: 0, b: 1 } }; }),
    kind: 'unsupported', path: 'model.type' },
  { name: 'nmt_normalizer', json: edit((j) => { j.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Nmt' }] }; }),
    kind: 'unsupported', path: 'normalizer.normalizers[1].type' },
  { name: 'unicode_scripts_pre_tokenizer', json: edit((j) => { j.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, { type: 'UnicodeScripts' }] }; }),
    kind: 'unsupported', path: 'pre_tokenizer.pretokenizers[1].type' },
  { name: 'wordpiece_decoder', json: edit((j) => { j.decoder = { type: 'WordPiece', prefix: '##', cleanup: true }; }),
    kind: 'unsupported', path: 'decoder.type' },
  { name: 'bpe_dropout', json: edit((j) => { j.model.dropout = 0.1; }), kind: 'unsupported', path: 'model.dropout' },
  { name: 'merge_out_of_vocab', json: edit((j) => { j.model.merges.push(['a', 'zz']); }), kind: 'parse', path: 'model.merges[2]' },
  { name: 'merge_three_parts', json: edit((j) => { j.model.merges = ['a b', 'ab c d']; }), kind: 'parse', path: 'model.merges[1]' },
  { name: 'merges_object', json: edit((j) => { j.model.merges = {}; }), kind: 'parse', path: 'model.merges' },
  { name: 'bad_regex', json: edit((j) => { j.pre_tokenizer = { type: 'Split', pattern: { Regex: '(unclosed' }, behavior: 'Isolated', invert: false }; }),
    kind: 'parse', path: 'pre_tokenizer.pattern.Regex' },
  { name: 'bad_behavior', json: edit((j) => { j.pre_tokenizer = { type: 'Split', pattern: { String: ' ' }, behavior: 'Sideways', invert: false }; }),
    kind: 'parse', path: 'pre_tokenizer.behavior' },
  { name: 'added_token_without_special', json: edit((j) => { delete j.added_tokens[0].special; }), kind: 'parse', path: 'added_tokens[0].special' },
  { name: 'template_unknown_special', json: edit((j) => { j.post_processor = { type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<bos>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }], special_tokens: {} }; }),
    kind: 'parse', path: 'post_processor.single[0]' },
  { name: 'unk_not_in_vocab', json: edit((j) => { j.pre_tokenizer = null; j.model.unk_token = '<unk>'; }),
    kind: 'validation', path: 'unk_token', text: 'abz' },
  { name: 'component_without_type', json: edit((j) => { j.normalizer = { lowercase: true }; }), kind: 'unsupported', path: 'normalizer' },
  { name: 'not_an_object', json: [1, 2, 3], kind: 'parse', path: '' },
];
