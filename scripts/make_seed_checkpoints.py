#!/usr/bin/env python3
"""Writes random-initialised, seed-style checkpoints for every seed architecture (stand-ins and tests).

Usage: python3 scripts/make_seed_checkpoints.py --out DIR [--seed N] [--arch ARCH ...] [--lightning]

For each architecture, ``DIR/<arch>.pt`` is a plain ``torch.save(state_dict)`` file exactly like the
seed's weights files (docs/SEED.md §5.6); with ``--lightning`` also ``DIR/<arch>.ckpt``, a Lightning-style
checkpoint (``{"state_dict": {"model.<key>": tensor}, "epoch", "global_step", "hyper_parameters"}``).
Architecture ``i`` (in registry order) is initialised with seed ``N + i``, so the weights equal those of
``export_torchscript.py --random-init --seed N+i``.
"""
import argparse
import os
import sys
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from neuroswipe_models.export import prepare_model  # noqa: E402
from neuroswipe_models.registry import ARCH_NAMES, resolve_transform  # noqa: E402


def save(obj: object, path: str) -> None:
    """``torch.save`` to a temporary file, then rename."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description="Write random-initialised seed-style checkpoints.")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=1, help="seed of the first architecture (default 1)")
    p.add_argument("--arch", action="append", choices=ARCH_NAMES, help="only these architectures (repeatable)")
    p.add_argument("--lightning", action="store_true", help="also write Lightning-style .ckpt files")
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for i, arch in enumerate(ARCH_NAMES):
        if args.arch and arch not in args.arch:
            continue
        state_dict = prepare_model(arch, resolve_transform(arch), seed=args.seed + i).model.state_dict()
        save(state_dict, os.path.join(args.out, f"{arch}.pt"))
        if args.lightning:
            ckpt = {"epoch": 0, "global_step": 0, "hyper_parameters": {"arch": arch},
                    "state_dict": {"model." + k: v for k, v in state_dict.items()}}
            save(ckpt, os.path.join(args.out, f"{arch}.ckpt"))
        print(f"wrote {arch} (seed {args.seed + i})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
