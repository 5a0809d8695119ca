#!/usr/bin/env bash
# Sets neuroswipe up on a fresh Debian 12 machine (run as root, or with the packages already present):
# Debian packages only when missing, then `npm ci`, which builds the native addon and the TypeScript.
# Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake g++ make python3 libtorch-dev python3-torch libopenblas0-openmp clang-format)
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
done
# libopenblas0-openmp is not needed when another OpenBLAS variant already provides libblas.so.3.
if [[ " ${missing[*]} " == *" libopenblas0-openmp "* ]] && dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q "install ok installed"; then
  missing=("${missing[@]/libopenblas0-openmp}")
fi
missing=(${missing[@]+"${missing[@]}"})
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "bootstrap: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "bootstrap: npm ci (builds the native addon and the TypeScript)"
  npm ci --no-audit --no-fund
else
  echo "bootstrap: node_modules up to date; rebuilding what changed"
  npm run --silent build:native >/dev/null
  npm run --silent build:ts
fi
node bin/neuroswipe.js info
