#!/usr/bin/env python3
"""Prints, as one JSON object, the state-dict keys (in order), shapes and parameter counts of every
seed architecture as rebuilt by ``neuroswipe_models`` (compare with docs/SEED.md §5.4).

Usage: python3 python/describe_seed_models.py

Variants: every architecture with its training transform, plus ``v3_nearest_and_traj_transformer_bigger``
with F = 4 (velocities only) and F = 3 (time only); keys of the result are ``ARCH`` or ``ARCH@F``.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from neuroswipe_models.registry import ARCH_NAMES, build_model, resolve_transform  # noqa: E402

NEAREST = "v3_nearest_and_traj_transformer_bigger"
VARIANTS = [(name, name, {}) for name in ARCH_NAMES] + [
    (f"{NEAREST}@4", NEAREST, {"include_accelerations": False}),
    (f"{NEAREST}@3", NEAREST, {"include_time": True, "include_velocities": False, "include_accelerations": False}),
]


def main() -> int:
    out = {}
    for label, arch, flags in VARIANTS:
        tcfg = resolve_transform(arch, None, flags)
        model = build_model(arch, tcfg.n_traj_feats)
        sd = model.state_dict()
        out[label] = {
            "n_traj_feats": tcfg.n_traj_feats,
            "keys": [[k, list(v.shape)] for k, v in sd.items()],
            "n_keys": len(sd),
            "n_params": sum(p.numel() for p in model.parameters()),
        }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
