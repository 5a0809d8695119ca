#!/usr/bin/env python3
"""Export a seed NeuroSwipe checkpoint as a neuroswipe TorchScript model (docs/MODEL_FORMAT.md).

    python3 python/export_torchscript.py --arch ARCH --weights CKPT --vocab VOC.txt \\
        --grids default[,extra] --out MODEL.pt
    python3 python/export_torchscript.py --arch ARCH --random-init --seed N --vocab VOC.txt \\
        --out MODEL.pt [--save-state-dict SEED_STYLE.pt]
    python3 python/export_torchscript.py --arch ARCH --describe-state-dict
    python3 python/export_torchscript.py --from-model OLD.pt --out NEW.pt

The architecture is rebuilt exactly as the seed builds it (docs/SEED.md §5: same module names, so the
state-dict keys, order and shapes are those of §5.4) and the checkpoint — a plain state dict or a
Lightning checkpoint whose keys carry the ``model.`` prefix — is loaded strictly; weights that do not fit
are reported with their missing and unexpected keys. The model is wrapped in the one contract
(``encode``, ``decode``, ``decode_last`` and the incremental ``memory_kv``, ``decode_step``), scripted,
saved with ``neuroswipe.json`` to a temporary file, reloaded and compared with the eager model on random
inputs (max abs difference printed, failure above 1e-5); ``decode_step`` run token by token from an empty
cache must also give ``decode``'s logits at every step (max abs difference printed, failure above 1e-5).
Only then is the file renamed to ``--out``.

``--from-model`` exports a neuroswipe model file again with this exporter's module code: the weights are
the file's own (its wrapped model's state dict, loaded strictly), and so is ``neuroswipe.json`` (only
``exported_with`` names the PyTorch doing the re-export; ``source_weights`` still names the checkpoint the
weights came from). The architecture, transform, char tokens and grids are read from the metadata, which
must be exactly what this exporter would write for them.

Transform flags default to what the architecture was trained with (§3.6, §3.7); ``--transform`` and the
``--[no-]include-*`` flags override them. For ``v3_nearest_and_traj_transformer_bigger`` the flags also
set the key-embedding width (128 − F), so they must match the checkpoint. Works with torch 1.13 and 2.x.

Assumptions for ``v3_trainable_gaussian_weights_and_traj_transformer_bigger`` (the spec is loose):
  * input ``keys`` = the raw xy point ``[S,B,2]`` (``traj_feats_and_xy``, identity scalers);
  * per key ``k`` a distribution ``weights_getter.distributions.{k}`` with trainable ``mean`` and
    ``_psd_sym_matrix.matrix`` ``M``; covariance ``M·Mᵀ``; the key weight is the log-density of the
    point (closed-form 2-D normal, checked against ``torch.distributions`` during export);
  * keys without a distribution get weight 0; which keys have one is read from the checkpoint (the seed
    registry builds all 37, which is what ``--random-init`` does);
  * the 37 weights then go through ``weighted_sum_emb`` (Linear 37→E, + positional table) and dropout,
    and are concatenated after the trajectory features, as in the weighted model.
"""
import argparse
import json
import os
import sys
import warnings
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings("ignore", message=".*ScriptModule constants.*")
warnings.filterwarnings("ignore", message=".*enable_nested_tensor.*")

import torch  # noqa: E402

from neuroswipe_models.checkpoint import CheckpointMismatch, read_state_dict  # noqa: E402
from neuroswipe_models.export import (METADATA_FILE, SelfCheckError, gaussian_reference_diff,  # noqa: E402
                                      make_metadata, prepare_model, save_checked)
from neuroswipe_models.registry import ARCH_NAMES, FLAG_NAMES, resolve_transform  # noqa: E402
from neuroswipe_models.tokenizer import char_tokens_from_file  # noqa: E402

GAUSSIAN_TOLERANCE = 1e-4


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Export a seed checkpoint as a neuroswipe TorchScript model.")
    p.add_argument("--arch", choices=ARCH_NAMES, metavar="ARCH",
                   help=f"seed registry name: {', '.join(ARCH_NAMES)}")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--weights", help="seed checkpoint: state dict .pt or Lightning .ckpt")
    src.add_argument("--random-init", action="store_true", help="export a randomly initialised model")
    src.add_argument("--from-model", metavar="MODEL.pt",
                     help="re-export a neuroswipe model file with its own weights and metadata")
    p.add_argument("--seed", type=int, default=0, help="seed for --random-init (default 0)")
    p.add_argument("--vocab", help="vocabulary file (one word per line) defining the char tokens (the legacy m1 family takes any number; the v3 family the competition's 37)")
    p.add_argument("--grids", default="default", help="comma-separated grid names the model was trained for")
    p.add_argument("--out", help="output TorchScript file")
    p.add_argument("--save-state-dict", metavar="PATH", help="also write the model's state dict as a seed-style .pt")
    p.add_argument("--describe-state-dict", action="store_true",
                   help="print the architecture's state-dict keys, shapes and parameter count as JSON and exit")
    p.add_argument("--transform", help="transform name (default: the one the architecture was trained with)")
    for flag in FLAG_NAMES:
        opt = flag.replace("_", "-")
        p.add_argument(f"--{opt}", dest=flag, action="store_true", default=None, help=f"set {flag} true")
        p.add_argument(f"--no-{opt}", dest=flag, action="store_false", help=f"set {flag} false")
    args = p.parse_args(argv)
    if args.from_model:
        if args.arch or args.vocab or args.transform or any(getattr(args, f) is not None for f in FLAG_NAMES):
            p.error("--from-model takes the architecture, transform and char tokens from the model's metadata")
        if not args.out:
            p.error("--out is required")
        return args
    if not args.arch:
        p.error("--arch is required")
    if not args.describe_state_dict:
        if not args.weights and not args.random_init:
            p.error("one of --weights or --random-init is required")
        if not args.vocab:
            p.error("--vocab is required")
        if not args.out:
            p.error("--out is required")
    return args


def describe(model: torch.nn.Module) -> dict:
    """State-dict keys in order with shapes, and the parameter count."""
    sd = model.state_dict()
    return {
        "keys": [[k, list(v.shape)] for k, v in sd.items()],
        "n_keys": len(sd),
        "n_params": sum(p.numel() for p in model.parameters()),
    }


def save_state_dict(state_dict: dict, path: str) -> None:
    """``torch.save`` to a temporary file, then rename."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".tmp-{os.getpid()}-{os.path.basename(path)}")
    try:
        torch.save(state_dict, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read_model_file(path: str) -> "tuple[dict, dict]":
    """``neuroswipe.json`` and the wrapped model's state dict of a neuroswipe TorchScript file."""
    files = {METADATA_FILE: ""}
    try:
        loaded = torch.jit.load(path, map_location="cpu", _extra_files=files)
    except RuntimeError as exc:
        raise ValueError(f"--from-model {path}: not a loadable TorchScript file ({str(exc).splitlines()[0]})")
    try:
        meta = json.loads(files[METADATA_FILE])
    except ValueError as exc:
        raise ValueError(f"--from-model {path}: {METADATA_FILE} is missing or not JSON ({exc})")
    if not isinstance(meta, dict) or meta.get("format") != "neuroswipe-model":
        raise ValueError(f"--from-model {path}: {METADATA_FILE}: field format: expected \"neuroswipe-model\"")
    if not hasattr(loaded, "model"):
        raise ValueError(f"--from-model {path}: the file has no wrapped submodule 'model'")
    return meta, dict(loaded.model.state_dict())


def run_from_model(args: argparse.Namespace) -> None:
    old_meta, state_dict = read_model_file(args.from_model)
    for field in ("architecture", "transform", "char_tokens", "grid_names"):
        if field not in old_meta:
            raise ValueError(f"--from-model {args.from_model}: {METADATA_FILE}: field {field} is missing")
    arch = old_meta["architecture"]
    if arch not in ARCH_NAMES:
        raise ValueError(f"--from-model {args.from_model}: {METADATA_FILE}: field architecture: unknown {arch!r}")
    transform = old_meta["transform"]
    tcfg = resolve_transform(arch, transform.get("name"), {f: transform.get(f) for f in FLAG_NAMES})
    rebuilt = make_metadata(arch, tcfg, old_meta["char_tokens"], old_meta["grid_names"])
    for field, value in rebuilt.items():
        if field != "exported_with" and old_meta.get(field) != value:
            raise ValueError(f"--from-model {args.from_model}: {METADATA_FILE}: field {field} is "
                             f"{json.dumps(old_meta.get(field), ensure_ascii=False)}, but this exporter writes "
                             f"{json.dumps(value, ensure_ascii=False)} for {arch}")
    meta = dict(old_meta)
    meta["exported_with"] = rebuilt["exported_with"]
    model = prepare_model(arch, tcfg, state_dict, source=args.from_model, n_char_tokens=len(old_meta["char_tokens"]))
    diff, step_diff = save_checked(model, tcfg, meta, args.out)
    print(f"self-check: max abs difference between TorchScript and eager outputs {diff:.3g} (limit 1e-05)")
    print(f"incremental self-check: max abs difference between decode_step and decode logits {step_diff:.3g} "
          f"(limit 1e-05)")
    print(f"wrote {args.out}: {arch} re-exported from {args.from_model} with its weights and metadata, "
          f"torch {torch.__version__}")


def run(args: argparse.Namespace) -> None:
    if args.from_model:
        run_from_model(args)
        return
    overrides = {flag: getattr(args, flag) for flag in FLAG_NAMES}
    tcfg = resolve_transform(args.arch, args.transform, overrides)
    if args.describe_state_dict:
        model = prepare_model(args.arch, tcfg, seed=args.seed)
        print(json.dumps({"architecture": args.arch, "n_traj_feats": tcfg.n_traj_feats, **describe(model.model)}))
        return
    char_tokens = char_tokens_from_file(args.vocab)
    grid_names = [g.strip() for g in args.grids.split(",")]
    meta = make_metadata(args.arch, tcfg, char_tokens, grid_names, args.weights)
    if args.weights:
        state_dict = read_state_dict(args.weights)
        model = prepare_model(args.arch, tcfg, state_dict, source=args.weights, n_char_tokens=len(char_tokens))
    else:
        model = prepare_model(args.arch, tcfg, seed=args.seed, n_char_tokens=len(char_tokens))
    if args.save_state_dict:
        save_state_dict(model.model.state_dict(), args.save_state_dict)
        print(f"wrote state dict {args.save_state_dict}")
    if tcfg.key_input == "xy":
        rel = gaussian_reference_diff(model, tcfg)
        print(f"gaussian log-density check: max relative difference to torch.distributions {rel:.3g}")
        if rel > GAUSSIAN_TOLERANCE:
            raise SelfCheckError(f"closed-form log-densities differ from torch.distributions by {rel:.3g}")
    diff, step_diff = save_checked(model, tcfg, meta, args.out)
    print(f"self-check: max abs difference between TorchScript and eager outputs {diff:.3g} (limit 1e-05)")
    print(f"incremental self-check: max abs difference between decode_step and decode logits {step_diff:.3g} "
          f"(limit 1e-05)")
    print(f"wrote {args.out}: {args.arch}, transform {tcfg.name} (F={tcfg.n_traj_feats}, keys {tcfg.key_input}), "
          f"{len(char_tokens)} char tokens, grids {','.join(grid_names)}, torch {torch.__version__}")


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except (CheckpointMismatch, SelfCheckError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
