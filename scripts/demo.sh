#!/usr/bin/env bash
# The main job on the bundled example: decode examples/valid.jsonl with the example model (seed beam search
# restricted to the vocabulary), then score the predictions (Swipe MRR, accuracy).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.tmp/demo
mkdir -p "$out"
node bin/neuroswipe.js info
node bin/neuroswipe.js decode --model examples/model.pt --data examples/valid.jsonl \
  --vocab examples/vocab.txt --use-vocab --generator beam --beam-size 6 --normalization-factor 0.5 \
  --out "$out/valid.predictions.jsonl" --force
node bin/neuroswipe.js evaluate --predictions "$out/valid.predictions.jsonl" --data examples/valid.jsonl
echo "predictions: $out/valid.predictions.jsonl"
