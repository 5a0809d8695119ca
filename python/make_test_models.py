#!/usr/bin/env python3
"""Writes the TorchScript fixtures the native addon's tests use (fixed seeds, reproducible).

Usage: python3 python/make_test_models.py --out DIR [--force]

DIR receives:
  <arch>.pt              random-initialised contract exports of m1_bigger,
                         v3_weighted_and_traj_transformer_bigger and v3_nearest_only_transformer_bigger
                         (grid names ["default"], the competition char tokens)
  <arch>.reference.json  inputs and PyTorch outputs of encode / decode / decode_last for a padded batch
                         (B=3, swipe lengths 7, 5, 3; token prefixes 4, 2, 1) and an unpadded B=1 case
                         with masks null; tensors as {"shape", "dtype", "data": flat array}; and under
                         "incremental" a B=2 batch (swipe lengths 6, 3, masked; prefixes 4, 2) decoded step
                         by step with memory_kv / decode_step: inputs, mem_kv [L,2,B,H,S,D/H] and every
                         step's tokens, self_len, self_kv [L,2,B,H,T,D/H], logits and new_kv [L,2,B,H,D/H]
                         (see incremental_case)
  vocab.txt              a tiny vocabulary using all 33 competition characters
  no_encode.pt, bad_arity.pt, no_metadata.pt, bad_metadata.pt, metadata_missing_field.pt, contradicts_<field>.pt (metadata that contradicts the weights), corrupt.pt,
  bad_step_weights.pt    files that break the model contract in one way each
  no_step_weights.pt     the m1_bigger fixture's methods without step_weights (an export from before it)
  long_<arch>.pt         long-running random-initialised exports of the same architectures (output weight ×8,
                         <eos> bias raised by LONG_EOS_BIAS: hypotheses run long, candidate lists are long)
  manifest.json          every file with its size and SHA-256, plus a hash of the generator's inputs

With --long-running-set N, writes only N long-running models of every architecture of the registry instead
(DIR/long_<arch>_<k>.pt, k = 0 … N−1, seed --seed + 100·i + k, <eos> bias spread evenly over [0, 3]), as many
random-initialised models exported as python/export_torchscript.py makes them (DIR/plain_<arch>_<k>.pt, seed
--seed + 100·i + 50 + k, no long-running change) and a DIR/long-running.json that lists them all; used by
scripts/differential.mjs.

Idempotent: when DIR/manifest.json records the same inputs hash and every listed file is present with
the recorded size, nothing is written. Concurrent runs on one DIR serialise on DIR/.lock.

This script holds the fixture list and the contract-breaking modules (scripted from here, so their TorchScript
names stay ``__torch__.<class>``); fixture_reference.py makes the reference cases, fixture_long_running.py
the --long-running-set models, fixture_files.py the writes and the manifest check.
"""
import argparse
import fcntl
import hashlib
import json
import os
import random
import sys
import warnings
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings("ignore", message=".*ScriptModule constants.*")

import torch  # noqa: E402
from torch import Tensor, nn  # noqa: E402

from fixture_files import sha256, up_to_date, write_bytes, write_text  # noqa: E402
from fixture_long_running import long_running_set  # noqa: E402
from fixture_reference import incremental_case, reference_case  # noqa: E402
from neuroswipe_models.export import (METADATA_FILE, PAD_TOKEN, SOS_TOKEN, make_metadata, prepare_model,  # noqa: E402
                                      save_checked, to_torchscript, write_archive)
from neuroswipe_models.long_running import make_long_running  # noqa: E402
from neuroswipe_models.registry import resolve_transform  # noqa: E402
from neuroswipe_models.tokenizer import COMPETITION_CHARS, char_tokens_from_text  # noqa: E402

ARCHS = ["m1_bigger", "v3_weighted_and_traj_transformer_bigger", "v3_nearest_only_transformer_bigger"]
VOCAB_WORDS = ["привет", "как-то", "съешь", "же", "мягких", "французских", "булок", "да", "выпей",
               "чаю", "щука", "юность", "эхо", "зной", "горб", "ёж"]
SEED = 20240601
#: <eos> bias increase of the long-running fixture of each of ARCHS.
LONG_EOS_BIAS = [3.0, 2.0, 1.0]
FORMAT_VERSION = 6  # bump when the fixture layout changes


def vocab_text() -> str:
    """Words covering the 33 competition characters; ``ёж`` is written with ``е`` (no ``ё`` in the vocabulary)."""
    words = [w.replace("ё", "е") for w in VOCAB_WORDS]
    text = "\n".join(words) + "\n"
    missing = set(COMPETITION_CHARS) - set(text)
    assert not missing, f"vocabulary lacks {sorted(missing)}"
    assert set(text) - {"\n"} == set(COMPETITION_CHARS)
    return text


def inputs_hash() -> str:
    """Hash of everything the fixtures depend on: the generator and its ``fixture_*`` modules, the model package
    and the torch version."""
    here = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    paths = [os.path.abspath(__file__)]
    paths += sorted(os.path.join(here, f) for f in os.listdir(here) if f.startswith("fixture_") and f.endswith(".py"))
    pkg = os.path.join(here, "neuroswipe_models")
    paths += sorted(os.path.join(pkg, f) for f in os.listdir(pkg) if f.endswith(".py"))
    for path in paths:
        digest.update(os.path.basename(path).encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    digest.update(torch.__version__.encode())
    digest.update(str(FORMAT_VERSION).encode())
    return digest.hexdigest()


class _DecodeOnly(nn.Module):
    @torch.jit.export
    def decode(self, tokens: Tensor, memory: Tensor, memory_pad_mask: Optional[Tensor]) -> Tensor:
        return memory[: tokens.size(0)]


class _BadArity(nn.Module):
    @torch.jit.export
    def encode(self, traj: Tensor, keys: Tensor) -> Tensor:
        return traj

    @torch.jit.export
    def decode(self, tokens: Tensor, memory: Tensor, memory_pad_mask: Optional[Tensor]) -> Tensor:
        return memory[: tokens.size(0)]


class _Delegating(nn.Module):
    """The contract methods of ``inner`` but ``step_weights``: a model exported before that method existed."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    @torch.jit.export
    def encode(self, traj: Tensor, keys: Tensor, src_pad_mask: Optional[Tensor]) -> Tensor:
        return self.inner.encode(traj, keys, src_pad_mask)

    @torch.jit.export
    def decode(self, tokens: Tensor, memory: Tensor, memory_pad_mask: Optional[Tensor]) -> Tensor:
        return self.inner.decode(tokens, memory, memory_pad_mask)

    @torch.jit.export
    def memory_kv(self, memory: Tensor) -> Tensor:
        return self.inner.memory_kv(memory)

    @torch.jit.export
    def decode_step(self, tokens: Tensor, self_kv: Tensor, self_len: Tensor, mem_kv: Tensor,
                    memory_pad_mask: Optional[Tensor]) -> Tuple[Tensor, Tensor]:
        return self.inner.decode_step(tokens, self_kv, self_len, mem_kv, memory_pad_mask)


class _BadStepWeights(_Delegating):
    """``step_weights`` with the output layer's weight transposed ([D, C] instead of [C, D])."""

    @torch.jit.export
    def step_weights(self) -> Dict[str, Tensor]:
        w = self.inner.step_weights()
        w["out.weight"] = w["out.weight"].t()
        return w


def generate(out: str) -> Dict[str, str]:
    """Writes every fixture; returns file name → description."""
    os.makedirs(out, exist_ok=True)
    files: Dict[str, str] = {}
    vocab = vocab_text()
    write_text(os.path.join(out, "vocab.txt"), vocab)
    files["vocab.txt"] = "vocabulary with all 33 competition characters"
    char_tokens = char_tokens_from_text(vocab)
    scripted_m1 = None
    eager_m1 = None
    meta_m1 = None
    for i, arch in enumerate(ARCHS):
        tcfg = resolve_transform(arch)
        model = prepare_model(arch, tcfg, seed=SEED + i)
        meta = make_metadata(arch, tcfg, char_tokens, ["default"])
        diff, step_diff = save_checked(model, tcfg, meta, os.path.join(out, f"{arch}.pt"))
        print(f"{arch}.pt: self-check max abs difference {diff:.3g}, incremental {step_diff:.3g}")
        files[f"{arch}.pt"] = f"random-initialised {arch} export"
        reference = {
            "architecture": arch,
            "metadata": meta,
            "pad_token": PAD_TOKEN,
            "sos_token": SOS_TOKEN,
            "cases": [
                reference_case("batch3_padded", model, tcfg, SEED + 100 + i, [7, 5, 3], [4, 2, 1], True),
                reference_case("batch1_unpadded", model, tcfg, SEED + 200 + i, [6], [3], False),
            ],
            "incremental": incremental_case(model, tcfg, SEED + 300 + i),
        }
        write_text(os.path.join(out, f"{arch}.reference.json"), json.dumps(reference, ensure_ascii=False))
        files[f"{arch}.reference.json"] = f"inputs and PyTorch outputs of {arch}.pt"
        if arch == "m1_bigger":
            scripted_m1, meta_m1, eager_m1 = to_torchscript(model), meta, model
        bias = LONG_EOS_BIAS[i]
        long_model = make_long_running(prepare_model(arch, tcfg, seed=SEED + 10 + i), bias)
        diff, step_diff = save_checked(long_model, tcfg, meta, os.path.join(out, f"long_{arch}.pt"))
        print(f"long_{arch}.pt: self-check max abs difference {diff:.3g}, incremental {step_diff:.3g}")
        files[f"long_{arch}.pt"] = f"long-running random-initialised {arch} export (output weight x8, <eos> bias +{bias})"

    write_archive(torch.jit.script(_DecodeOnly()), os.path.join(out, "no_encode.pt"),
                  {METADATA_FILE: json.dumps(meta_m1)})
    files["no_encode.pt"] = "decode but no encode"
    write_archive(torch.jit.script(_BadArity()), os.path.join(out, "bad_arity.pt"),
                  {METADATA_FILE: json.dumps(meta_m1)})
    files["bad_arity.pt"] = "encode takes 2 arguments instead of 3"
    write_archive(scripted_m1, os.path.join(out, "no_metadata.pt"), {})
    files["no_metadata.pt"] = "valid m1_bigger methods, no neuroswipe.json"
    write_archive(scripted_m1, os.path.join(out, "bad_metadata.pt"), {METADATA_FILE: "{not json: "})
    files["bad_metadata.pt"] = "neuroswipe.json is not JSON"
    lacking = {k: v for k, v in meta_m1.items() if k != "n_classes"}
    write_archive(scripted_m1, os.path.join(out, "metadata_missing_field.pt"), {METADATA_FILE: json.dumps(lacking)})
    files["metadata_missing_field.pt"] = "neuroswipe.json lacks n_classes"
    # Metadata that contradicts the weights of the archive (m1_bigger: 35 classes, d_model 128, 4 heads,
    # 4 decoder layers, nearest-key input, 299 positions).
    contradictions = {
        "n_classes": 30, "d_model": 64, "n_heads": 8, "n_decoder_layers": 3, "kv_layout": "rows",
        "max_curve_len": 500, "n_traj_feats": 9,
    }
    for field, value in contradictions.items():
        name = f"contradicts_{field}.pt"
        write_archive(scripted_m1, os.path.join(out, name), {METADATA_FILE: json.dumps({**meta_m1, field: value})})
        files[name] = f"m1_bigger weights with {field} = {value!r} in neuroswipe.json"
    write_archive(scripted_m1, os.path.join(out, "m1_bigger_two_grids.pt"),
                  {METADATA_FILE: json.dumps({**meta_m1, "grid_names": ["default", "extra"]})})
    files["m1_bigger_two_grids.pt"] = "m1_bigger made for the default and the extra grid"
    name = "contradicts_key_input.pt"
    write_archive(scripted_m1, os.path.join(out, name),
                  {METADATA_FILE: json.dumps({**meta_m1, "key_input": "weights", "n_key_columns": 37,
                                              "transform": {**meta_m1["transform"], "name": "traj_feats_and_distance_weights"}})})
    files[name] = "m1_bigger weights (nearest-key embedding) with key_input weights / 37 key columns in neuroswipe.json"
    write_archive(torch.jit.script(_Delegating(eager_m1)), os.path.join(out, "no_step_weights.pt"),
                  {METADATA_FILE: json.dumps(meta_m1)})
    files["no_step_weights.pt"] = "m1_bigger without step_weights (incremental decoding through decode_step only)"
    write_archive(torch.jit.script(_BadStepWeights(eager_m1)), os.path.join(out, "bad_step_weights.pt"),
                  {METADATA_FILE: json.dumps(meta_m1)})
    files["bad_step_weights.pt"] = "step_weights() returns out.weight transposed"
    rng = random.Random(SEED)
    write_bytes(os.path.join(out, "corrupt.pt"), bytes(rng.getrandbits(8) for _ in range(4096)))
    files["corrupt.pt"] = "random bytes"
    return files


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Write TorchScript test fixtures for the native addon.")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--force", action="store_true", help="regenerate even when the manifest matches")
    parser.add_argument("--long-running-set", type=int, metavar="N",
                        help="write only N long-running models of every registry architecture")
    parser.add_argument("--seed", type=int, default=SEED, help="first model seed of --long-running-set")
    args = parser.parse_args(argv)
    if args.long_running_set is not None:
        if args.long_running_set < 1:
            parser.error("--long-running-set: expected a positive count")
        return long_running_set(args.out, args.long_running_set, args.seed, char_tokens_from_text(vocab_text()))
    wanted = inputs_hash()
    if not args.force and up_to_date(args.out, wanted):
        print(f"{args.out}: fixtures up to date")
        return 0
    os.makedirs(args.out, exist_ok=True)
    # Concurrent test runs share DIR: one generates, the others wait and then find it up to date.
    with open(os.path.join(args.out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not args.force and up_to_date(args.out, wanted):
            print(f"{args.out}: fixtures up to date")
            return 0
        return write_all(args.out, wanted)


def write_all(out: str, wanted: str) -> int:
    """Generates every fixture and the manifest (written last)."""
    torch.set_num_threads(1)
    manifest_path = os.path.join(out, "manifest.json")
    if os.path.exists(manifest_path):
        os.remove(manifest_path)  # no stale manifest while files are being replaced
    files = generate(out)
    manifest = {
        "generator": "python/make_test_models.py",
        "inputs_hash": wanted,
        "torch": torch.__version__,
        "files": [{"file": name, "description": desc, "size": os.path.getsize(os.path.join(out, name)),
                   "sha256": sha256(os.path.join(out, name))} for name, desc in files.items()],
    }
    write_text(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1))
    print(f"{out}: wrote {len(files)} fixtures and manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
