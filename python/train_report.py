#!/usr/bin/env python3
"""Markdown tables and an ASCII loss plot from a python/train.py work folder, for the model card.

    /usr/bin/python3 python/train_report.py --work-dir .tmp/train

Reads ``WORK/history.json`` (loss every ``--log-every`` steps, validation loss and teacher-forced word
accuracy every ``--valid-every`` steps) and, when present, ``WORK/eval.json`` (decoding metrics).
"""
import argparse
import json
import os
import sys
from typing import List, Optional


def ascii_plot(points: List["tuple[int, float]"], width: int = 60, height: int = 14) -> str:
    """Training loss against step, as text: one column per step bucket, ``*`` at the mean loss."""
    steps = [s for s, _ in points]
    losses = [v for _, v in points]
    lo, hi = min(losses), max(losses)
    s0, s1 = steps[0], steps[-1]
    cols: List[List[float]] = [[] for _ in range(width)]
    for s, v in points:
        cols[min(width - 1, int((s - s0) / max(1, s1 - s0) * (width - 1)))].append(v)
    grid = [[" "] * width for _ in range(height)]
    for c, vals in enumerate(cols):
        if vals:
            r = int(round((sum(vals) / len(vals) - lo) / max(1e-9, hi - lo) * (height - 1)))
            grid[height - 1 - r][c] = "*"
    lines = []
    for i, row in enumerate(grid):
        label = hi - (hi - lo) * i / (height - 1)
        lines.append(f"{label:6.3f} |" + "".join(row))
    lines.append("       +" + "-" * width)
    lines.append(f"        step {s0}" + " " * max(1, width - len(f"step {s0}") - len(f"{s1}")) + f"{s1}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description="Model-card tables from a training work folder.")
    p.add_argument("--work-dir", default=".tmp/train")
    p.add_argument("--every", type=int, default=100, help="training-loss table row every N steps (default 100)")
    args = p.parse_args(argv)
    with open(os.path.join(args.work_dir, "history.json"), encoding="utf-8") as f:
        history = json.load(f)
    train = [(h["step"], h["train_loss"], h.get("train_seconds")) for h in history if "train_loss" in h]
    valid = {h["step"]: (h["valid_loss"], h["valid_word_accuracy"]) for h in history if "valid_loss" in h}
    print("| step | training time (min) | train loss | held-out loss | teacher-forced word accuracy |")
    print("|---:|---:|---:|---:|---:|")
    rows = sorted({s for s, _, _ in train if s % args.every == 0} | set(valid))
    by_step = {s: (v, t) for s, v, t in train}
    for s in rows:
        tl, ts = by_step.get(s, (None, None))
        vl, va = valid.get(s, (None, None))
        cells = [str(s), "" if ts is None else f"{ts / 60:.1f}", "" if tl is None else f"{tl:.3f}",
                 "" if vl is None else f"{vl:.3f}", "" if va is None else f"{va:.3f}"]
        print("| " + " | ".join(cells) + " |")
    print()
    print("```")
    print(ascii_plot([(s, v) for s, v, _ in train]))
    print("```")
    ev = os.path.join(args.work_dir, "eval.json")
    if os.path.exists(ev):
        with open(ev, encoding="utf-8") as f:
            result = json.load(f)
        print()
        print(f"Held-out swipes: {result['n_swipes']} (decoding took {result['seconds']} s)")
        print()
        print("| decoding | accuracy | Swipe MRR |")
        print("|---|---:|---:|")
        for name in ("greedy+vocab", "beam+vocab", "greedy", "beam"):
            if name in result:
                print(f"| {name} | {result[name]['accuracy']:.3f} | {result[name]['mrr']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
