#!/usr/bin/env bash
# shellcheck disable=SC2016  # the `node -e` programs below are JavaScript with template literals
# One prepared run on an NVIDIA machine that has CUDA, CMake, g++ and a pip-installed PyTorch but no Node
# and no network. Needs .tmp/gpu-pack.tar.xz from scripts/pack-for-gpu.sh (Node, node_modules, dist, the
# 500k-word benchmark vocabulary). Builds the addon against that PyTorch's libtorch (C++20, every torch
# library from that PyTorch's lib/, libtorch_cuda included; CUDA runtime headers from its nvidia wheels or
# the CUDA toolkit), runs the native (linkage included), decoding and export tests (CUDA tests included: among them the out-of-memory split under a 2 GiB cap of
# libtorch's CUDA caching allocator and `batchSize: 'auto'`), the GPU decoding benchmark (10,000 synthetic
# swipes) and end-to-end `neuroswipe decode` runs of the same file (batch 1024, and the CUDA default
# `--batch-size auto`), then prints a short table.
# Usage: bash scripts/gpu-check.sh   (results also under $OUT when set, else .tmp/gpu-out)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=${OUT:-.tmp/gpu-out}
mkdir -p "$out" .tmp/gpu
log() { printf '%s\n' "$*" | tee -a "$out/gpu-check.log"; }
xz -dc .tmp/gpu-pack.tar.xz | tar -C .tmp/gpu -xf - || { log "cannot unpack .tmp/gpu-pack.tar.xz"; exit 1; }
tar -xf .tmp/gpu/app.tar || { log "cannot unpack app.tar"; exit 1; }
export PATH="$PWD/.tmp/gpu/node/bin:$PATH"
py=$(command -v python3)
export NEUROSWIPE_PYTHON="$py"
log "node $(node --version); $("$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpu", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")')"

rm -rf build/cmake
if ! node scripts/build-native.mjs > "$out/build.log" 2>&1; then log "addon build FAILED (see build.log)"; tail -30 "$out/build.log"; exit 1; fi
node bin/neuroswipe.js info | tee -a "$out/gpu-check.log"
# Whether CMake found the CUDA caching allocator usable (emptyCache after running out of memory, the 2 GiB cap).
allocator=$(grep -o "CUDA caching allocator reachable: [A-Z]*" "$out/build.log" | tail -1)

node node_modules/vitest/vitest.mjs run test/native test/decode test/export > "$out/tests.log" 2>&1
tests_rc=$?
tests=$(grep -E "Tests +[0-9]" "$out/tests.log" | tail -1 | sed 's/\x1b\[[0-9;]*m//g')
# Lines the CUDA tests print: the batch size 'auto' chose, and what the capped out-of-memory run did.
auto_test=$(sed 's/\x1b\[[0-9;]*m//g' "$out/tests.log" | grep -m1 -o "auto batch on cuda.*")
oom_test=$(sed 's/\x1b\[[0-9;]*m//g' "$out/tests.log" | grep -m1 -o "oom-split (cuda).*")

vocab=.tmp/bench/ru-500k.txt
node scripts/bench/decode.mjs --device cuda --swipes 10000 --reference-swipes 20 --batch-size 1024 --workers 1 \
  --repeats 1 --skip-full-prefix --vocab "$vocab" > "$out/bench-decode.json" 2> "$out/bench-decode.err"
bench_rc=$?
# Reduced precision on the card: drift of float16 and bfloat16 against float32 on the same swipes.
node scripts/bench/precision.mjs --device cuda --swipes 2000 --batch-size 1024 --workers 1 \
  > "$out/bench-precision.json" 2> "$out/bench-precision.txt"
precision_rc=$?
# FP32 peak of the card (non-tensor-core), for the achieved fraction of its throughput.
peak_tflops=$("$py" -c 'import torch
n = torch.cuda.get_device_name(0) if torch.cuda.is_available() else ""
print(51.2 if "H100" in n and "PCIe" in n else 66.9 if ("H100" in n or "H200" in n) else 19.5 if "A100" in n else 0)')

data=.tmp/bench/synth-10000.jsonl
e2e() { # generator [batch size, default 1024] → wall seconds of the whole process, JSONL in → prediction file out
  local t0 t1 batch=${2:-1024}
  t0=$(date +%s%N)
  node bin/neuroswipe.js decode --model examples/model.pt --data "$data" --vocab "$vocab" --use-vocab \
    --generator "$1" --device cuda --batch-size "$batch" --out "$out/pred-$1-$batch.jsonl" --force >> "$out/e2e.log" 2>&1 || echo "failed" >> "$out/e2e.log"
  t1=$(date +%s%N)
  node -e 'console.log(((BigInt(process.argv[2]) - BigInt(process.argv[1])) / 1000000n).toString() / 1000)' "$t0" "$t1"
}
beam_s=$(e2e beam)
sync_s=$(e2e beam-sync)
auto_s=$(e2e beam auto)
# The decode summary says "batch N (auto: F of T GiB free, ~M MiB per swipe)".
auto_batch=$(grep -o "batch [0-9]* (auto[^)]*)" "$out/e2e.log" | tail -1)

{
  echo "| item | value |"
  echo "|---|---|"
  echo "| device | $("$py" -c 'import torch; print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU")') |"
  echo "| libtorch | $(node bin/neuroswipe.js info --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const rt=j.cudaRuntime;console.log(`${j.libtorch} (${j.torchSource}) from ${j.torchLibraryDir}; CUDA build ${j.cudaBuild?"yes":"NO"}, runtime ${rt?rt.version+" "+rt.library:"not found"}, caching allocator ${j.cudaAllocator?"reachable":"NOT reachable"}, ${j.cudaDeviceCount} GPU(s)`)})') |"
  echo "| tests (native, decode, export) | ${tests:-none} (exit $tests_rc) |"
  echo "| addon build | ${allocator:-CUDA caching allocator: not reported (see build.log)} |"
  echo "| end-to-end decode, 10,000 swipes, beam 6 + 500k vocab | ${beam_s} s |"
  echo "| end-to-end decode, 10,000 swipes, beam-sync 6 + 500k vocab | ${sync_s} s |"
  echo "| end-to-end decode, 10,000 swipes, beam 6 + 500k vocab, --batch-size auto | ${auto_s} s, ${auto_batch:-no auto batch reported} |"
  echo "| batchSize 'auto' (test/decode/auto-batch.test.ts) | ${auto_test:-not reported (see tests.log)} |"
  echo "| out of memory under a 2 GiB CUDA cap (test/decode/oom-split.test.ts) | ${oom_test:-not reported (see tests.log)} |"
  if [[ $bench_rc -eq 0 ]]; then
    node -e 'const j=require(process.argv[1]);const peak=Number(process.argv[2])*1000;for(const r of j.results)console.log(`| ${r.label} (${r.swipes} swipes) | ${r.swipesPerSecond.toFixed(1)} swipes/s (10,000 in ${(10000/r.swipesPerSecond).toFixed(2)} s), ${(100*r.modelShare).toFixed(0)}% in model calls (${(100*r.encodeShare).toFixed(0)}% encoding), ${r.gflopPerSecond.toFixed(1)} GFLOP/s${peak>0?` = ${(100*r.gflopPerSecond/peak).toFixed(2)}% of the FP32 peak`:""} |`)' "$PWD/$out/bench-decode.json" "$peak_tflops"
  else
    echo "| benchmark | failed (see bench-decode.err) |"
  fi
  if [[ $precision_rc -eq 0 ]]; then
    node -e 'const j=require(process.argv[1]);for(const [p,d] of Object.entries(j.drift))console.log(`| ${p} vs float32 (${j.swipes} swipes, beam+vocab) | top-1 equal ${(100*d.top1Equal).toFixed(1)}%, lists identical ${(100*d.listIdentical).toFixed(1)}%, score rel. diff mean ${d.scoreRelDiff.mean.toExponential(2)} max ${d.scoreRelDiff.max.toExponential(2)}; ${j.runs.map(r=>r.precision+" "+r.swipesPerSecond.toFixed(0)+"/s").join(", ")} |`)' "$PWD/$out/bench-precision.json"
  else
    echo "| precision drift | failed (see bench-precision.txt) |"
  fi
} | tee "$out/table.md"
