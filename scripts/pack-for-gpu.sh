#!/usr/bin/env bash
# Packs what a GPU machine without Node needs to build and test neuroswipe: this machine's Node binary,
# the runtime and test node_modules (no compilers' sources, no TypeScript), the built dist/ and the
# 500,000-word benchmark vocabulary.
# Output: .tmp/gpu-pack.tar.xz (kept under 60 MB). Used by scripts/gpu-check.sh on the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build:ts
if [[ ! -f .tmp/bench/ru-500k.txt ]]; then mkdir -p .tmp/bench && node scripts/make_vocab.mjs --full --out .tmp/bench/ru-500k.txt; fi
out=.tmp/gpu-pack.tar.xz
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/node/bin" .tmp
cp "$(readlink -f "$(command -v node)")" "$stage/node/bin/node"
tar -cf "$stage/app.tar" \
  --exclude='node_modules/typescript' --exclude='node_modules/@types' \
  --exclude='node_modules/better-sqlite3/deps' --exclude='node_modules/better-sqlite3/src' \
  --exclude='node_modules/better-sqlite3/build/Release/obj*' --exclude='node_modules/better-sqlite3/build/Release/.deps' \
  --exclude='node_modules/better-sqlite3/build/deps' \
  node_modules dist .tmp/bench/ru-500k.txt
tar -C "$stage" -cf - node app.tar | xz -T0 -6 > "$out"
size=$(stat -c %s "$out")
echo "pack-for-gpu: $out $((size / 1024 / 1024)) MB"
if (( size > 60 * 1024 * 1024 )); then echo "pack-for-gpu: over 60 MB" >&2; exit 1; fi
