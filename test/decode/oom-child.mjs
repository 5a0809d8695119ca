// Child process of oom-split.test.ts: decodes a JSONL file on the CPU with the built package (dist/) and
// prints one JSON line: every swipe's candidates, the decode statistics and the process's peak address
// space (VmPeak), or the decode's error message. The test runs it under `ulimit -v`. Argument: a JSON
// object { data, model, vocab?, batchSize, generator, nativeStep, device?, cudaCapBytes?, headroomKiB? }.
// With cudaCapBytes, libtorch's CUDA caching allocator is capped at that many bytes (prints
// { capped: false } when this build cannot). With headroomKiB, the
// first two swipes are decoded as a warm-up, then `prlimit` caps the address space at the current size
// plus headroomKiB, and the third swipe is decoded under that cap (run node with --no-opt --expose-gc then,
// so that no background compilation or heap growth of V8's own needs memory in that window).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Decoder, Model, Vocabulary, loadGrids, readSwipes, readVocabularyFile, setNumThreads } from '../../dist/index.js';
import { deviceMemory, limitDeviceMemory } from '../../dist/model/device-memory.js';

const args = JSON.parse(process.argv[2]);
const status = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))[1]);
// One libtorch thread and one search: the same threads, and so the same address-space layout, in every run.
setNumThreads(1);
const model = await Model.load(args.model, { device: args.device ?? 'cpu' });
try {
  if (args.cudaCapBytes !== undefined) {
    const total = deviceMemory(model.device)?.total;
    if (!total || !limitDeviceMemory(model.device, Math.min(1, args.cudaCapBytes / total))) {
      process.stdout.write(JSON.stringify({ capped: false }) + '\n');
      process.exit(0);
    }
  }
  const grids = loadGrids();
  let swipes = [];
  for await (const s of readSwipes(args.data, { grids })) swipes.push(s);
  const tokenizer = (await Decoder.create(model)).tokenizer;
  const vocabulary = args.vocab ? await Vocabulary.build(readVocabularyFile(args.vocab), tokenizer, args.vocab) : null;
  const decoder = await Decoder.create(model, {
    decoding: { generator: args.generator }, vocabulary, grids, batchSize: args.batchSize, nativeStep: args.nativeStep, workers: 1,
  });
  if (args.headroomKiB !== undefined) {
    await decoder.decode(swipes.slice(0, 2));
    swipes = swipes.slice(2, 3);
    globalThis.gc?.();
    const cap = (status('VmSize') + args.headroomKiB) * 1024;
    execFileSync('prlimit', ['--pid', String(process.pid), `--as=${cap}`]);
  }
  try {
    const { rows, stats } = await decoder.decode(swipes);
    const out = { vmPeakKiB: status('VmPeak'), currentBatchSize: decoder.currentBatchSize, stats, candidates: rows.map((r) => r.candidates) };
    process.stdout.write(JSON.stringify(out) + '\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: err.message }) + '\n');
  }
} finally {
  model.dispose();
}
