#!/usr/bin/env python3
"""Writes random-initialised, seed-style checkpoints for every seed architecture (stand-ins and tests).

Usage: python3 python/make_seed_checkpoints.py --out DIR [--seed N] [--arch ARCH ...] [--lightning]
                                                [--long-running [--eos-bias B]]

For each architecture, ``DIR/<arch>.pt`` is a plain ``torch.save(state_dict)`` file exactly like the
seed's weights files (docs/SEED.md §5.6); with ``--lightning`` also ``DIR/<arch>.ckpt``, a Lightning-style
checkpoint (``{"state_dict": {"model.<key>": tensor}, "epoch", "global_step", "hyper_parameters"}``).
Architecture ``i`` (in registry order) is initialised with seed ``N + i``, so the weights equal those of
``export_torchscript.py --random-init --seed N+i``.

``--long-running`` applies the long-running recipe (neuroswipe_models/long_running.py) before saving: the
output layer's weight multiplied by 8 and the ``<eos>`` logit's bias raised by ``--eos-bias`` (0 … 3,
default 3), so that searches with these weights run long and return long candidate lists.
"""
import argparse
import os
import sys
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from neuroswipe_models.export import prepare_model  # noqa: E402
from neuroswipe_models.long_running import EOS_BIAS_RANGE, make_long_running  # noqa: E402
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
    p.add_argument("--long-running", action="store_true", help="output weight x8 and a raised <eos> bias")
    p.add_argument("--eos-bias", type=float, default=EOS_BIAS_RANGE[1],
                   help=f"with --long-running: added to the <eos> logit's bias, {EOS_BIAS_RANGE[0]:g} to "
                        f"{EOS_BIAS_RANGE[1]:g} (default {EOS_BIAS_RANGE[1]:g})")
    args = p.parse_args(argv)
    if not EOS_BIAS_RANGE[0] <= args.eos_bias <= EOS_BIAS_RANGE[1]:
        p.error(f"--eos-bias: expected a value from {EOS_BIAS_RANGE[0]:g} to {EOS_BIAS_RANGE[1]:g}, got {args.eos_bias:g}")
    os.makedirs(args.out, exist_ok=True)
    for i, arch in enumerate(ARCH_NAMES):
        if args.arch and arch not in args.arch:
            continue
        model = prepare_model(arch, resolve_transform(arch), seed=args.seed + i)
        if args.long_running:
            make_long_running(model, args.eos_bias)
        state_dict = model.model.state_dict()
        save(state_dict, os.path.join(args.out, f"{arch}.pt"))
        if args.lightning:
            ckpt = {"epoch": 0, "global_step": 0, "hyper_parameters": {"arch": arch},
                    "state_dict": {"model." + k: v for k, v in state_dict.items()}}
            save(ckpt, os.path.join(args.out, f"{arch}.ckpt"))
        recipe = f", long-running, <eos> bias +{args.eos_bias:g}" if args.long_running else ""
        print(f"wrote {arch} (seed {args.seed + i}{recipe})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
