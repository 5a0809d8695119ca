#!/usr/bin/env python3
"""Prints what a neuroswipe TorchScript file holds, as JSON (one object per file, keyed by path):
its ``neuroswipe.json`` metadata (``null`` when absent), which contract methods it has, and a probe —
the ``decode_last`` logits of a fixed input — for comparing the weights of two exports.

Usage: python3 python/inspect_model.py MODEL.pt [MODEL.pt ...]
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from neuroswipe_models.export import METADATA_FILE, PAD_TOKEN, SOS_TOKEN  # noqa: E402

METHODS = ("encode", "decode", "decode_last")


def probe(model: torch.jit.ScriptModule, meta: dict) -> list:
    """``decode_last`` logits (first row) of a fixed 5-point swipe and the prefix ``<sos> 1 2``."""
    s, f, n_cols = 5, meta["n_traj_feats"], meta["n_key_columns"]
    traj = torch.linspace(0, 1, s * f).reshape(s, 1, f)
    if meta["key_input"] == "nearest":
        keys = torch.tensor([[0], [3], [7], [12], [PAD_TOKEN]], dtype=torch.int64)
    else:
        keys = torch.linspace(0, 1, s * n_cols).reshape(s, 1, n_cols)
    tokens = torch.tensor([[SOS_TOKEN], [1], [2]], dtype=torch.int64)
    with torch.no_grad(), torch.jit.optimized_execution(False):
        memory = model.encode(traj, keys, None)
        return model.decode_last(tokens, torch.tensor([3]), memory, None)[0].tolist()


def inspect(path: str) -> dict:
    extra = {METADATA_FILE: ""}
    model = torch.jit.load(path, map_location="cpu", _extra_files=extra)
    raw = extra[METADATA_FILE]
    meta = json.loads(raw) if raw else None
    methods = [m for m in METHODS if hasattr(model, m)]
    result = {"metadata": meta, "methods": methods}
    if meta is not None and len(methods) == len(METHODS):
        result["probe"] = probe(model, meta)
    return result


def main(argv: list) -> int:
    if not argv:
        print("usage: inspect_model.py MODEL.pt [MODEL.pt ...]", file=sys.stderr)
        return 2
    print(json.dumps({path: inspect(path) for path in argv}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
