#!/usr/bin/env python3
"""Train a small seed-architecture model on synthetic swipes (CPU), export it, and evaluate it.

    /usr/bin/python3 python/train.py --work-dir .tmp/train --steps 2400 --minutes 45
    /usr/bin/python3 python/train.py --work-dir .tmp/train --resume --minutes 20      # continue
    /usr/bin/python3 python/train.py --work-dir .tmp/train --resume --steps 0 \\
        --export examples/model.pt --eval 1000                                          # export + evaluate

Data (made on first use under ``WORK/data``, with the neuroswipe CLI, which must be built): ``synth``
writes ``--train-count`` swipes on ``--grid`` (default ``default``) with ``--train-seed`` from ``--vocab``,
words drawn uniformly or, with ``--frequency FILE``, by its counts (``synth --frequency``); ``features
--format binary`` computes the serving features (``traj_feats_and_nearest_key``, velocities and
accelerations, F = 6). The held-out set is ``--valid`` / ``--valid-ref`` (its features are made the same
way); it gives the validation loss during training and the final decoding metrics.

Model: ``--arch`` (default ``m1_bigger``) built by ``python/neuroswipe_models`` exactly as the seed
(state-dict keys and shapes of docs/SEED.md §5.4), trained in the export contract's ``forward``. Its char
tokens are ``--chars`` (default the competition's 33 characters: 37 tokens, 35 classes; ``--chars
abcdefghijklmnopqrstuvwxyz`` gives 30 tokens, 28 classes) then ``<eos>, <unk>, <pad>, <sos>``.
Loss: cross-entropy over the classes, ``<pad>`` ignored, label smoothing 0.045 (§5.7). Optimiser:
AdamW, linear warm-up then cosine decay to ``--min-lr-ratio`` over ``--steps``, gradient clipping at 1.

Checkpoints (``WORK/checkpoint.pt``: weights, optimiser, step, epoch position, loss history) are written
every ``--checkpoint-minutes`` and at the end, to a temporary file then renamed; ``--resume`` continues
from it. ``WORK/weights.pt`` is the plain seed-style state dict that ``export_torchscript.py`` reads.
``--minutes`` caps the wall-clock time of this invocation (training stops at the next step boundary).

Evaluation (``--eval N``): the first N held-out swipes decoded one by one with the seed's greedy (§6.3)
and best-first beam search (§6.4: beam 6, normalisation 0.5, 35 steps), with and without vocabulary
masking (§6.2); accuracy and Swipe MRR over the first four candidates (§9.1) go to ``WORK/eval.json``.
"""
import argparse
import functools
import json
import os
import subprocess
import sys
import time
import warnings
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
warnings.filterwarnings("ignore", message=".*enable_nested_tensor.*")
# Idle OpenMP threads sleep instead of spinning: on a shared 2-core machine spinning threads slow every
# parallel region down several times.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from neuroswipe_models.contract import NeuroswipeModel  # noqa: E402
from neuroswipe_models.registry import build_model  # noqa: E402
from neuroswipe_models.tokenizer import COMPETITION_CHARS  # noqa: E402
from train_data import (CHARS, SwipeSet, bucketed_batches, make_features, make_synthetic,  # noqa: E402
                        read_features, read_words)
from train_eval import contract_model, evaluate  # noqa: E402
from train_steps import loss_of, lr_at, progress, set_dropout, validate  # noqa: E402


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Train a seed-architecture swipe model on synthetic swipes (CPU).")
    p.add_argument("--work-dir", default=".tmp/train", help="data, checkpoints and logs (default .tmp/train)")
    p.add_argument("--arch", default="m1_bigger", help="legacy seed architecture: m1, m1_bigger, m1_smaller")
    p.add_argument("--vocab", default="examples/vocab.txt", help="word list for synthesis and decoding")
    p.add_argument("--grid", default="default", help="grid of the training swipes and of the exported model (default default)")
    p.add_argument("--chars", default=COMPETITION_CHARS,
                   help="the characters of the char tokens, in id order (default the competition's 33: -а…я)")
    p.add_argument("--frequency", default=None, metavar="FILE",
                   help="draw the training words by the counts of this word<TAB>count file (default: uniformly)")
    p.add_argument("--frequency-power", type=float, default=1.0, metavar="P",
                   help="with --frequency, draw words by count^P: 1 (default) by the counts, 0.5 by their square "
                        "roots (less skewed: rare words are seen more often), 0 uniformly over the listed words")
    p.add_argument("--train-count", type=int, default=300_000, help="synthetic training swipes (default 300000)")
    p.add_argument("--train-seed", type=int, default=1001, help="seed of the training swipes (default 1001)")
    p.add_argument("--valid", default="examples/valid.jsonl", help="held-out swipes (separated-grid JSONL)")
    p.add_argument("--valid-ref", default="examples/valid.ref", help="their words, one per line")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (default 1e-3)")
    p.add_argument("--warmup", type=int, default=200, help="linear warm-up steps (default 200)")
    p.add_argument("--min-lr-ratio", type=float, default=0.05, help="final LR as a share of the peak")
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--label-smoothing", type=float, default=0.045)
    p.add_argument("--steps", type=int, default=2400, help="total optimiser steps of the schedule (default 2400)")
    p.add_argument("--schedule-minutes", type=float, default=None,
                   help="end the schedule (and training) after this much training time, if before --steps")
    p.add_argument("--dropout", type=float, default=0.0,
                   help="dropout during training (default 0: the short run is far from overfitting; the seed used 0.1)")
    p.add_argument("--minutes", type=float, default=45.0, help="wall-clock cap of this invocation (default 45)")
    p.add_argument("--checkpoint-minutes", type=float, default=4.0)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--valid-every", type=int, default=200, help="validation loss every N steps")
    p.add_argument("--resume", action="store_true", help="continue from WORK/checkpoint.pt")
    p.add_argument("--seed", type=int, default=12, help="initialisation and shuffling seed (default 12)")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    p.add_argument("--export", metavar="MODEL.pt", help="export the final weights with export_torchscript.py")
    p.add_argument("--eval", type=int, default=0, metavar="N", help="decode the first N held-out swipes at the end")
    p.add_argument("--eval-jobs", type=int, default=2, help="processes (one thread each) for --eval (default 2)")
    return p.parse_args(argv)


def log(work: str, text: str) -> None:
    line = f"[{time.strftime('%H:%M:%S')}] {text}"
    print(line, flush=True)
    with open(os.path.join(work, "log.txt"), "a", encoding="utf-8") as f:
        f.write(line + "\n")


def atomic_save(obj: object, path: str) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def powered_counts(path: str, power: float, out: str) -> str:
    """Writes ``path``'s ``word<TAB>count`` lines with every count raised to ``power`` to ``out``."""
    lines = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            word, _, count = line.partition("\t")
            try:
                value = float(count)
            except ValueError:
                raise SystemExit(f"{path}:{n}: count: expected a number, got {count!r}")
            lines.append(f"{word}\t{value ** power:.6g}\n" if value > 0 else f"{word}\t0\n")
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(lines)
    os.replace(tmp, out)
    return out


def prepare_data(args: argparse.Namespace, work: str) -> "tuple[SwipeSet, SwipeSet]":
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    vocab = os.path.abspath(args.vocab)
    jsonl, ref, feats = (os.path.join(data, f"train-{args.train_seed}-{args.train_count}.{e}")
                         for e in ("jsonl", "ref", "bin"))
    if not os.path.exists(feats):
        if not os.path.exists(ref):
            frequency = os.path.abspath(args.frequency) if args.frequency else None
            drawn = f"by the counts of {args.frequency}" if args.frequency else "uniformly"
            if frequency is not None and args.frequency_power != 1.0:
                frequency = powered_counts(frequency, args.frequency_power, os.path.join(data, "frequency-powered.tsv"))
                drawn = f"by the counts of {args.frequency} to the power {args.frequency_power:g}"
            log(work, f"synthesising {args.train_count} training swipes on grid {args.grid} "
                      f"(seed {args.train_seed}, words drawn {drawn})")
            make_synthetic(REPO, vocab, args.train_count, args.train_seed, jsonl, ref, grid=args.grid,
                           frequency=frequency)
        log(work, "computing training features with `neuroswipe features --format binary`")
        make_features(REPO, jsonl, feats)
    valid_feats = os.path.join(data, "valid.bin")
    if not os.path.exists(valid_feats) or os.path.getmtime(valid_feats) < os.path.getmtime(args.valid):
        make_features(REPO, os.path.abspath(args.valid), valid_feats)
    train = SwipeSet(read_features(feats), read_words(ref))
    valid = SwipeSet(read_features(valid_feats), read_words(args.valid_ref))
    return train, valid


def export(args: argparse.Namespace, weights: str, work: str) -> None:
    """Runs export_torchscript.py on the weights, for the grid ``--grid``.

    The char tokens are those of ``--chars`` (by default the competition's 37, docs/SEED.md §4.1), given to the
    exporter as a one-line file of the characters: the Russian example word list has no ``-``, so it alone
    would give 36 tokens.
    """
    tokens = os.path.join(work, "char-tokens.txt")
    with open(tokens, "w", encoding="utf-8") as f:
        f.write(CHARS.chars + "\n")
    # Paths relative to the repository, so the model's metadata names no machine-specific folder.
    cmd = [sys.executable, os.path.join(HERE, "export_torchscript.py"), "--arch", args.arch,
           "--weights", os.path.relpath(weights, REPO), "--vocab", os.path.relpath(tokens, REPO),
           "--grids", args.grid, "--out", os.path.abspath(args.export)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"export failed: {proc.stderr.strip()}")
    log(work, proc.stdout.strip().replace("\n", " | "))


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    CHARS.set(args.chars)
    work = os.path.abspath(args.work_dir)
    os.makedirs(work, exist_ok=True)
    torch.set_num_threads(args.threads)
    started = time.time()
    train, valid = prepare_data(args, work)
    log(work, f"train {len(train)} swipes, held-out {len(valid)}; arch {args.arch}, batch {args.batch_size}")

    torch.manual_seed(args.seed)
    model = NeuroswipeModel(build_model(args.arch, 6, n_char_tokens=len(CHARS.tokens)))
    set_dropout(model, args.dropout)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    crit = nn.CrossEntropyLoss(ignore_index=CHARS.pad, label_smoothing=args.label_smoothing)
    ckpt_path, weights_path = os.path.join(work, "checkpoint.pt"), os.path.join(work, "weights.pt")
    state = {"step": 0, "epoch": 0, "in_epoch": 0, "history": [], "train_seconds": 0.0}
    if args.resume:
        if not os.path.exists(ckpt_path):
            raise SystemExit(f"--resume: no checkpoint at {ckpt_path}")
        ckpt = torch.load(ckpt_path, map_location="cpu")
        model.model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        state = ckpt["state"]
        log(work, f"resumed at step {state['step']} (epoch {state['epoch']}, batch {state['in_epoch']})")

    def save() -> None:
        atomic_save({"model": model.model.state_dict(), "optimizer": opt.state_dict(), "state": state,
                     "args": vars(args)}, ckpt_path)
        atomic_save(model.model.state_dict(), weights_path)

    last_ckpt = time.time()
    window: List[float] = []
    t_window = time.time()
    deadline = started + args.minutes * 60
    while progress(state, args) < 1 and time.time() < deadline:
        rng = np.random.default_rng(args.seed * 1000 + state["epoch"])
        batches = list(bucketed_batches(train.feats.lengths, args.batch_size, rng))
        for ids in batches[state["in_epoch"]:]:
            if progress(state, args) >= 1 or time.time() >= deadline:
                break
            t0 = time.time()
            for g in opt.param_groups:
                g["lr"] = lr = lr_at(state["step"], progress(state, args), args)
            loss = loss_of(model, train.batch(ids), crit)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            state["step"] += 1
            state["in_epoch"] += 1
            state["train_seconds"] += time.time() - t0
            window.append(float(loss))
            if state["step"] % args.log_every == 0:
                rate = len(window) / (time.time() - t_window)
                log(work, f"step {state['step']} loss {np.mean(window):.4f} lr {lr:.2e} "
                          f"{rate:.2f} steps/s")
                state["history"].append({"step": state["step"], "train_loss": float(np.mean(window)),
                                         "train_seconds": round(state["train_seconds"], 1)})
                window, t_window = [], time.time()
            if state["step"] % args.valid_every == 0:
                vl, va = validate(model, valid, crit)
                state["history"].append({"step": state["step"], "valid_loss": vl, "valid_word_accuracy": va})
                log(work, f"step {state['step']} valid loss {vl:.4f} word accuracy (teacher-forced argmax) {va:.3f}")
            if time.time() - last_ckpt >= args.checkpoint_minutes * 60:
                save()
                last_ckpt = time.time()
                log(work, f"checkpoint at step {state['step']}")
        else:
            state["epoch"] += 1
            state["in_epoch"] = 0
    if state["step"] > 0 and (not state["history"] or "valid_loss" not in state["history"][-1]
                              or state["history"][-1]["step"] != state["step"]):
        vl, va = validate(model, valid, crit)
        state["history"].append({"step": state["step"], "valid_loss": vl, "valid_word_accuracy": va})
        log(work, f"step {state['step']} valid loss {vl:.4f} word accuracy (teacher-forced argmax) {va:.3f}")
    save()
    log(work, f"saved step {state['step']}; training time so far {state['train_seconds'] / 60:.1f} min")
    with open(os.path.join(work, "history.json"), "w", encoding="utf-8") as f:
        json.dump(state["history"], f, indent=1)
    if args.export:
        export(args, weights_path, work)
    if args.eval > 0:
        model.eval()
        result = evaluate(model, valid, args.vocab, args.eval, lambda s: log(work, s), jobs=args.eval_jobs,
                          build=functools.partial(contract_model, args.arch, CHARS.chars),
                          feats_path=os.path.join(work, "data", "valid.bin"))
        result.update({"step": state["step"], "train_seconds": state["train_seconds"]})
        with open(os.path.join(work, "eval.json"), "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
        log(work, "eval: " + json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
