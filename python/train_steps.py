"""The optimisation of python/train.py: the learning-rate schedule (warm-up, cosine decay), dropout, the loss
of a batch and the teacher-forced validation."""
import argparse
import math

import numpy as np
import torch
from torch import nn

from neuroswipe_models.contract import NeuroswipeModel
from train_data import CHARS, SwipeSet


def progress(state: dict, args: argparse.Namespace) -> float:
    """Share of the schedule done: by steps, or by training time with --schedule-minutes."""
    frac = state["step"] / max(1, args.steps)
    if args.schedule_minutes:
        frac = max(frac, state["train_seconds"] / (args.schedule_minutes * 60))
    return frac


def lr_at(step: int, frac: float, args: argparse.Namespace) -> float:
    """Linear warm-up over --warmup steps, then cosine decay over the rest of the schedule."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    start = args.warmup / max(1, args.steps)
    frac = min(1.0, max(0.0, (frac - start) / max(1e-9, 1 - start)))
    return args.lr * (args.min_lr_ratio + (1 - args.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * frac)))


def set_dropout(model: nn.Module, p: float) -> None:
    """Sets every dropout probability (modules and attention weights); the state dict is unaffected."""
    for m in model.modules():
        if isinstance(m, nn.Dropout) and m.p > 0:
            m.p = p
        elif isinstance(m, nn.MultiheadAttention):
            m.dropout = p


def loss_of(model: NeuroswipeModel, batch: dict, crit: nn.Module) -> torch.Tensor:
    logits = model(batch["traj"], batch["keys"], batch["mask"], batch["dec_in"])
    return crit(logits.reshape(-1, logits.size(-1)), batch["dec_out"].reshape(-1))


@torch.no_grad()
def validate(model: NeuroswipeModel, valid: SwipeSet, crit: nn.Module) -> "tuple[float, float]":
    """Teacher-forced loss and word-level accuracy of the argmax sequence (pad positions ignored)."""
    model.eval()
    total, n, correct = 0.0, 0, 0
    order = np.argsort(valid.feats.lengths, kind="stable")
    for k in range(0, len(order), 256):
        b = valid.batch(order[k:k + 256])
        logits = model(b["traj"], b["keys"], b["mask"], b["dec_in"])
        total += float(crit(logits.reshape(-1, logits.size(-1)), b["dec_out"].reshape(-1))) * b["traj"].shape[1]
        n += b["traj"].shape[1]
        ok = (logits.argmax(-1) == b["dec_out"]) | (b["dec_out"] == CHARS.pad)
        correct += int(ok.all(0).sum())
    model.train()
    return total / n, correct / n
