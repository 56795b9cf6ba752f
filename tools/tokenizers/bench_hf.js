#!/usr/bin/env node
// HF tokenizers' throughput on the text bench_tokenizer measures: one file encoded as a single
// string (one encode call runs on one thread; RAYON_NUM_THREADS=1 also keeps HF's own pool to one),
// truncation and padding disabled, the first pass apart from the best of the timed passes.
//   RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false \
//     node tools/tokenizers/bench_hf.js TOKENIZER_JSON TEXT_FILE [--repeat 5] [--lines] [--hf DIR]
// --lines encodes every line (with its newline) as its own input through encodeBatch, which runs
// the batch on HF's rayon pool: one thread with RAYON_NUM_THREADS=1.
// The time includes the node binding's cost of returning the ids to JavaScript (getIds() copies
// them once); that share is printed too, and MB per second of process CPU time (all threads; the
// main thread only waits meanwhile), which a busy machine disturbs far less than wall time. Python equivalent: Tokenizer.from_file(p).encode(text).
'use strict';
const fs = require('fs');
const argv = process.argv;
const opt = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : fallback; };
const { Tokenizer } = require(opt('--hf', '/tmp/hftok/node_modules/tokenizers'));
const repeat = Number(opt('--repeat', '5'));
const addSpecial = argv.includes('--add-special');
const lines = argv.includes('--lines');

(async () => {
  const text = fs.readFileSync(argv[3], 'utf8');
  const bytes = Buffer.byteLength(text, 'utf8');
  const l0 = process.hrtime.bigint();
  const tok = Tokenizer.fromFile(argv[2]);
  const load = Number(process.hrtime.bigint() - l0) / 1e9;
  tok.disableTruncation();
  tok.disablePadding();
  let best = Infinity, first = 0, count = 0, sum = 0, getIds = 0, bestCpu = Infinity;
  for (let r = 0; r <= repeat; ++r) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const es = lines ? await tok.encodeBatch(text.split(/(?<=\n)/), { addSpecialTokens: addSpecial })
                     : [await tok.encode(text, null, { addSpecialTokens: addSpecial })];
    const t1 = process.hrtime.bigint();
    const ids = es.flatMap((e) => e.getIds());
    const t2 = process.hrtime.bigint();
    const s = Number(t2 - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (r > 0) bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
    if (r === 0) {
      first = s;
      count = ids.length;
      for (const id of ids) sum += id;
    } else if (s < best) {
      best = s;
      getIds = Number(t2 - t1) / 1e9;
    }
  }
  const mb = bytes / 1e6;
  console.log(`hf tokenizers${lines ? ' (lines)' : ''}: ${bytes} bytes, ${count} tokens, id sum ${sum}, load ${load.toFixed(3)} s, ` +
              `cold ${(mb / first).toFixed(2)} MB/s, best of ${repeat} ${(mb / best).toFixed(2)} MB/s ` +
              `(getIds ${(100 * getIds / best).toFixed(1)}% of it), per CPU second ${(mb / bestCpu).toFixed(2)} MB/s`);
})();
