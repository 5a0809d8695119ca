#!/usr/bin/env bash
# The main job on the bundled English example: decode examples/en/test.jsonl (QWERTY swipes of words drawn by
# their frequency in English) with the English example model (seed beam search restricted to the vocabulary,
# candidates reranked by the word-frequency prior fitted on held-out swipes), show a few decoded
# swipes next to their target words, then score the predictions (Swipe MRR, accuracy).
# The Russian example runs the same way: examples/model.pt, examples/vocab.txt, examples/valid.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.tmp/demo
mkdir -p "$out"
node bin/neuroswipe.js info
# The prior's weight, length term and floor rank, as the library's EXAMPLES.en states them.
read -r weight length floor < <(node --input-type=module -e "
import { EXAMPLES } from './dist/index.js';
console.log(EXAMPLES.en.prior.priorWeight, EXAMPLES.en.prior.priorLength, EXAMPLES.en.prior.priorFloorRank);")
node bin/neuroswipe.js decode --model examples/en/model.pt --data examples/en/test.jsonl \
  --vocab examples/en/vocab.txt --use-vocab --generator beam --beam-size 6 --normalization-factor 0.5 \
  --prior examples/en/frequency.tsv --prior-weight "$weight" --prior-length "$length" --prior-floor-rank "$floor" \
  --out "$out/test.predictions.jsonl" --force
node --input-type=module - "$out/test.predictions.jsonl" examples/en/test.ref <<'JS'
import { readPredictionFile, readRef } from './dist/index.js';
const [predictions, ref] = process.argv.slice(2);
const { rows } = await readPredictionFile(predictions);
const targets = await readRef(ref);
const shown = rows.slice(0, 10);
const width = Math.max(...shown.map((r) => targets[r.index].length));
console.log(`first ${shown.length} swipes: target → the four best candidates (✓ = first candidate is the target)`);
for (const r of shown) {
  const target = targets[r.index];
  const words = r.candidates.slice(0, 4).map(([, w]) => w);
  console.log(`  ${words[0] === target ? '✓' : ' '} ${target.padEnd(width)} → ${words.join(', ')}`);
}
JS
node bin/neuroswipe.js evaluate --predictions "$out/test.predictions.jsonl" --data examples/en/test.jsonl
echo "predictions: $out/test.predictions.jsonl"
