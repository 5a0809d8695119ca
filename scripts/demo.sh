#!/usr/bin/env bash
# The main job on the bundled example: decode examples/valid.jsonl with the example model (seed beam search
# restricted to the vocabulary), show a few decoded swipes next to their target words, then score the
# predictions (Swipe MRR, accuracy).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.tmp/demo
mkdir -p "$out"
node bin/neuroswipe.js info
node bin/neuroswipe.js decode --model examples/model.pt --data examples/valid.jsonl \
  --vocab examples/vocab.txt --use-vocab --generator beam --beam-size 6 --normalization-factor 0.5 \
  --out "$out/valid.predictions.jsonl" --force
node --input-type=module - "$out/valid.predictions.jsonl" examples/valid.ref <<'JS'
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
node bin/neuroswipe.js evaluate --predictions "$out/valid.predictions.jsonl" --data examples/valid.jsonl
echo "predictions: $out/valid.predictions.jsonl"
