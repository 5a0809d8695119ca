#!/usr/bin/env node
// Vocabulary trie over a ~500,000-word Russian vocabulary: build time and memory. Prints JSON.
// The word list is generated on first use by scripts/make_vocab.mjs (not committed).
// Usage: node scripts/bench/trie.mjs [--vocab FILE]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Vocabulary, readVocabularyFile } = await import(join(root, 'dist/vocabulary.js'));
const { CharTokenizer } = await import(join(root, 'dist/tokenizer.js'));
const { runtimeInfo } = await import(join(root, 'dist/runtime.js'));
runtimeInfo(); // load the addon (and libtorch) before measuring memory

const args = process.argv.slice(2);
const i = args.indexOf('--vocab');
let path = i >= 0 ? args[i + 1] : join(root, '.tmp', 'bench', 'ru-500k.txt');
if (i < 0 && !existsSync(path)) {
  mkdirSync(dirname(path), { recursive: true });
  execFileSync(process.execPath, [join(root, 'scripts/make_vocab.mjs'), '--full', '--out', path], { stdio: 'ignore' });
}
const words = readVocabularyFile(path);
const tokenizer = CharTokenizer.fromVocabFile(path);
const rss0 = process.memoryUsage().rss;
const runs = [];
let vocab;
let rss1 = 0;
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  vocab = await Vocabulary.build(words, tokenizer, path);
  runs.push((performance.now() - t0) / 1000);
  if (r === 0) rss1 = process.memoryUsage().rss;  // after the first build: the trie plus build garbage
}
runs.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  words: words.length, nodes: vocab.trie.nodeCount, trieBytes: vocab.trie.memoryBytes,
  buildSecondsMedian: runs[1], buildSecondsMin: runs[0], rssGrowthBytes: rss1 - rss0,
}) + '\n');
