#!/usr/bin/env node
// Writes tests/fixtures/tokenizers/<name>/{tokenizer.json, cases.json}: tokenizer files of every
// kind archscope supports, and Hugging Face tokenizers' own ids, tokens and decoded text for
// tricky strings, so that tests/tokenizer checks archscope against HF offline.
//
// HF tokenizers here is the npm package `tokenizers` (the node bindings of the same Rust crate
// Python's `tokenizers` wraps; 0.23.2 matches Python tokenizers 0.23):
//   mkdir -p /tmp/hftok && (cd /tmp/hftok && npm install tokenizers@0.23.2)
//   node tools/tokenizers/make_fixtures.js --hf /tmp/hftok/node_modules/tokenizers \
//        --real /tmp/tokfiles --out tests/fixtures/tokenizers
// --real is a folder holding the published files listed in REAL below (their sources are in
// tests/fixtures/tokenizers/README.md). The Python equivalent of each call:
//   Tokenizer.from_file(p).encode(text, add_special_tokens=b) -> .ids, .tokens
//   Tokenizer.from_file(p).decode(ids, skip_special_tokens=b)
//   Tokenizer(BPE()).train(files)   (the family vocabularies below)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { makeCases, makeDecodeCases } = require('./cases.js');
const FAMILIES = require('./families.js');
const ERROR_CASES = require('./error_cases.js');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const HF_PATH = arg('--hf', '/tmp/hftok/node_modules/tokenizers');
const REAL_DIR = arg('--real', '/tmp/tokfiles');
const OUT = arg('--out', path.join(__dirname, '../../tests/fixtures/tokenizers'));
const STDLIB = arg('--stdlib', '/usr/lib/python3.11');
// More random strings than the committed fixtures hold, for a local stress run.
const RANDOM = Number(arg('--random', '150'));
// --only a,b: write just these fixtures (and not errors.json), leaving the others as they are.
const ONLY = arg('--only', null) ? arg('--only').split(',') : null;
const wanted = (name) => ONLY === null || ONLY.includes(name);
const { Tokenizer } = require(HF_PATH);
const HF_VERSION = JSON.parse(fs.readFileSync(path.join(HF_PATH, 'package.json'), 'utf8')).version;

// Published tokenizer.json files kept whole (re-serialized without whitespace: same content).
const REAL = {
  gpt2: 'gpt2.json',
  phi3_mini: 'phi-3-mini.json',
  clip: 'tokenizer_clip.json',
  falcon: 'falcon-tokenizer.json',
  whisper_tiny: 'tokenizer_whisper.tiny.json',
};

// Training text: our multilingual sample plus CPython standard-library sources (code, English
// prose in docstrings) from the machine running this script.
function trainingFiles() {
  const files = [path.join(__dirname, 'corpus/multilingual.txt')];
  for (const f of ['textwrap.py', 'argparse.py', 'json/decoder.py', 'csv.py', 'heapq.py', 'string.py']) {
    const p = path.join(STDLIB, f);
    if (fs.existsSync(p)) files.push(p);
  }
  return files;
}

function train(fam, files) {
  const base = {
    version: '1.0', truncation: null, padding: null, added_tokens: [],
    normalizer: fam.train.normalizer, pre_tokenizer: fam.train.pre_tokenizer, post_processor: null, decoder: null,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
             fuse_unk: false, byte_fallback: false, vocab: {}, merges: [] },
  };
  const t = Tokenizer.fromString(JSON.stringify(base));
  t.train(files);  // HF's BpeTrainer (defaults: vocab 30000, min_frequency 0)
  const tmp = path.join(os.tmpdir(), `archscope-train-${process.pid}.json`);
  t.save(tmp);
  const trained = JSON.parse(fs.readFileSync(tmp, 'utf8'));
  fs.unlinkSync(tmp);
  return trained.model;
}

function byteLevelAlphabet() {
  const printable = (b) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out = [];
  let n = 0;
  for (let b = 0; b < 256; ++b) out.push(String.fromCodePoint(printable(b) ? b : 256 + n++));
  return out;
}

// A family tokenizer.json: the published header with a small vocabulary of the first `merges`
// merges HF's trainer learned. Added-token ids follow HF's rule (the id of the content when the
// vocabulary has it, else the next id after the vocabulary).
function buildFamily(fam, files) {
  if (fam.train === 'header') {  // train through the configuration itself
    fam.train = { kind: 'bytelevel', normalizer: fam.header.normalizer, pre_tokenizer: fam.header.pre_tokenizer };
  }
  const trained = train(fam, files);
  const vocab = new Map();
  const add = (t) => { if (!vocab.has(t)) vocab.set(t, vocab.size); };
  (fam.in_vocab || []).forEach(add);
  if (fam.train.kind === 'bytelevel') {
    byteLevelAlphabet().filter((c) => !(fam.drop_alphabet || []).includes(c)).forEach(add);
  } else {
    for (let b = 0; b < 256; ++b) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    const singles = Object.entries(trained.vocab).filter(([t]) => [...t].length === 1).sort((a, b) => a[1] - b[1]);
    singles.forEach(([t]) => add(t));
  }
  const pairs = trained.merges.map((m) => (Array.isArray(m) ? m : m.split(' '))).slice(0, fam.merges);
  const merges = [];
  for (const [a, b] of pairs) {
    if (!vocab.has(a) || !vocab.has(b)) continue;  // a dropped alphabet character
    add(a + b);
    merges.push([a, b]);
  }
  const added = [...(fam.added_from_vocab ? fam.in_vocab.map((c) => ({
    content: c, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })) : []), ...fam.added];
  let next = vocab.size;
  const ids = new Map();
  const addedTokens = added.map((t) => {
    const id = vocab.has(t.content) ? vocab.get(t.content) : (ids.has(t.content) ? ids.get(t.content) : next++);
    ids.set(t.content, id);
    return { id, ...t };
  });
  const fill = (x) => JSON.parse(JSON.stringify(x), (k, v) => (typeof v === 'string' && v.startsWith('@') ? ids.get(v.slice(1)) : v));
  const legacyMerges = fam.train.kind === 'bytefallback' && fam.header.model.byte_fallback && fam !== FAMILIES.llama2_metaspace;
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: addedTokens,
    normalizer: fam.header.normalizer, pre_tokenizer: fam.header.pre_tokenizer,
    post_processor: fill(fam.header.post_processor), decoder: fam.header.decoder,
    model: { ...fam.header.model, vocab: Object.fromEntries(vocab),
             merges: legacyMerges ? merges.map(([a, b]) => `${a} ${b}`) : merges },
  };
}

async function run(tok, cases) {
  const out = [];
  for (const c of cases) {
    const e = await tok.encode(c.text, null, { addSpecialTokens: c.add_special });
    const ids = e.getIds();
    out.push({ ...c, ids, tokens: e.getTokens(), decoded: await tok.decode(ids, false),
               decoded_skip_special: await tok.decode(ids, true) });
  }
  return out;
}

async function writeFixture(name, json, source, shortCases = false) {
  const dir = path.join(OUT, name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'tokenizer.json');
  fs.writeFileSync(file, JSON.stringify(json));
  const tok = Tokenizer.fromFile(file);
  for (const t of json.added_tokens || []) {
    if (tok.tokenToId(t.content) !== t.id) throw new Error(`${name}: HF gives ${t.content} id ${tok.tokenToId(t.content)}, file says ${t.id}`);
  }
  const specials = (json.added_tokens || []).map((t) => t.content);
  const all = makeCases(specials, name, RANDOM);
  const cases = await run(tok, shortCases ? all.filter((c) => c.text.length <= 400) : all);
  const vocabSize = tok.getVocabSize(true);
  const bound = Math.max(...Object.values(tok.getVocab(true))) + 1;
  const decodes = [];
  for (const ids of makeDecodeCases(bound, (id) => tok.idToToken(id) !== null, name)) {
    decodes.push({ ids, decoded: await tok.decode(ids, false), decoded_skip_special: await tok.decode(ids, true) });
  }
  const doc = { name, source, hf_tokenizers: `${HF_VERSION} (npm node bindings)`, vocab_size: vocabSize,
                id_bound: bound, cases, decode_cases: decodes };
  fs.writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(doc));
  const sizes = ['tokenizer.json', 'cases.json'].map((f) => fs.statSync(path.join(dir, f)).size);
  console.log(`${name}: ${cases.length} cases, ${decodes.length} decode cases, files ${sizes.join(' + ')} bytes`);
  if (RANDOM === 150 && sizes.some((s) => s >= 2 * 1024 * 1024)) throw new Error(`${name}: a fixture file is 2 MB or more`);
}

// What HF does with each file of error_cases.js: the load error, or the encode error for `text`.
async function writeErrorCases() {
  const out = [];
  for (const c of ERROR_CASES) {
    const entry = { name: c.name, tokenizer: c.json, kind: c.kind, path: c.path, text: c.text || null };
    try {
      const tok = Tokenizer.fromString(JSON.stringify(c.json));
      entry.hf_loads = true;
      if (c.text) {
        try {
          await tok.encode(c.text, null, { addSpecialTokens: false });
          entry.hf_encode_error = null;
        } catch (e) {
          entry.hf_encode_error = String(e.message || e);
        }
      }
    } catch (e) {
      entry.hf_loads = false;
      entry.hf_error = String(e.message || e);
    }
    out.push(entry);
  }
  fs.writeFileSync(path.join(OUT, 'errors.json'), JSON.stringify({ hf_tokenizers: HF_VERSION, cases: out }, null, 1));
  console.log(`errors.json: ${out.length} cases, HF refuses ${out.filter((e) => !e.hf_loads).length}`);
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  if (ONLY === null) await writeErrorCases();
  for (const [name, file] of Object.entries(REAL)) {
    if (!wanted(name)) continue;
    const json = JSON.parse(fs.readFileSync(path.join(REAL_DIR, file), 'utf8'));
    await writeFixture(name, json, `published file ${file} (see README.md)`);
  }
  const files = trainingFiles();
  for (const [name, fam] of Object.entries(FAMILIES)) {
    if (!wanted(name)) continue;
    const what = fam.what.startsWith('coverage') ? fam.what : `${fam.what}: published header`;
    await writeFixture(name, buildFamily(fam, files), `${what}, vocabulary trained by HF BpeTrainer`, fam.short_cases);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
