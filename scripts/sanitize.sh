#!/usr/bin/env bash
# Runs native-method tests under valgrind memcheck (Debian's `valgrind` package), with the libtorch and
# Node suppressions kept in test/leak/libtorch.supp. Errors (invalid reads/writes, uses of uninitialised
# values, definite leaks) make it exit non-zero; "possibly lost" blocks of libtorch's allocator and of V8
# are not counted.
#   scripts/sanitize.sh                 the leak script with few calls per method (LEAK_N=5)
#   scripts/sanitize.sh -- CMD...       any other command under valgrind
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "sanitize: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
[ -f build/cmake/Release/neuroswipe.node ] || { echo "sanitize: build the addon first (npm run build:native)" >&2; exit 2; }
[ -d dist ] || { echo "sanitize: build the TypeScript first (npm run build:ts)" >&2; exit 2; }
if [ "${1:-}" = "--" ]; then shift; cmd=("$@"); else cmd=(node --expose-gc --jitless test/leak/native-leak.mjs); fi
log="${SANITIZE_LOG:-build/sanitize.log}"
mkdir -p "$(dirname "$log")"
export LEAK_N="${LEAK_N:-3}" LEAK_LOAD_N="${LEAK_LOAD_N:-1}" LEAK_MAX_MB="${LEAK_MAX_MB:-100000}" OMP_NUM_THREADS=1
valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --suppressions=test/leak/libtorch.supp --gen-suppressions=all --num-callers=30 --log-file="$log" "${cmd[@]}"
rc=$?
grep -E "ERROR SUMMARY|definitely lost" "$log" || true
exit $rc
