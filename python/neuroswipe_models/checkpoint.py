"""Reading seed checkpoints and loading them strictly (docs/SEED.md §5.6)."""
import hashlib
from collections import OrderedDict
from typing import Dict

import torch
from torch import Tensor, nn

LIGHTNING_PREFIX = "model."


class CheckpointMismatch(ValueError):
    """The weights do not fit the architecture; the message lists missing and unexpected keys."""


def _load(path: str) -> object:
    """``torch.load`` on CPU; tensors-only loading first where supported (torch >= 1.13), then full
    unpickling, which Lightning checkpoints need (they also store hyper-parameters and callback state)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # torch without weights_only
        return torch.load(path, map_location="cpu")
    except Exception:  # noqa: BLE001 - not loadable as tensors only: a Lightning checkpoint or not a checkpoint
        return torch.load(path, map_location="cpu", weights_only=False)


def read_state_dict(path: str) -> "OrderedDict[str, Tensor]":
    """A seed weights file as a state dict.

    Accepts a plain ``torch.save(state_dict)`` file or a Lightning checkpoint (a dict with a
    ``state_dict`` member whose keys carry the ``model.`` prefix, stripped once like ``ckpt_to_pt.py``).
    """
    try:
        obj = _load(path)
    except Exception as exc:  # noqa: BLE001 - torch raises many kinds for unreadable files
        raise ValueError(f"{path}: cannot read the checkpoint: {exc}") from exc
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        raw = obj["state_dict"]
        out = OrderedDict()
        for key, value in raw.items():
            out[key[len(LIGHTNING_PREFIX):] if key.startswith(LIGHTNING_PREFIX) else key] = value
        obj = out
    if not isinstance(obj, dict):
        raise ValueError(f"{path}: expected a state dict or a Lightning checkpoint, got {type(obj).__name__}")
    bad = [k for k, v in obj.items() if not isinstance(k, str) or not isinstance(v, Tensor)]
    if bad:
        raise ValueError(f"{path}: not a state dict: entries that are not (name, tensor): {bad[:5]}")
    return OrderedDict(obj)


def load_strict(model: nn.Module, state_dict: Dict[str, Tensor], source: str) -> None:
    """``load_state_dict(strict=True)`` with a readable error listing missing/unexpected keys and bad shapes."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    shapes = [f"{k}: checkpoint {list(state_dict[k].shape)}, model {list(v.shape)}"
              for k, v in expected.items() if k in state_dict and state_dict[k].shape != v.shape]
    if missing or unexpected or shapes:
        lines = [f"{source}: the weights do not fit the architecture"]
        lines.append(f"  missing keys ({len(missing)}): {', '.join(missing) if missing else '(none)'}")
        lines.append(f"  unexpected keys ({len(unexpected)}): {', '.join(unexpected) if unexpected else '(none)'}")
        if shapes:
            lines.append(f"  shape mismatches ({len(shapes)}): {'; '.join(shapes)}")
        raise CheckpointMismatch("\n".join(lines))
    model.load_state_dict(state_dict, strict=True)


def sha256_file(path: str) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
