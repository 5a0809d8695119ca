"""Training data for python/train.py: synthetic swipes and their features, made by the neuroswipe CLI.

The features are computed by ``neuroswipe features --format binary`` (docs/FEATURES_BINARY.md), the very
code the Node predictor runs, so the model is trained on exactly what it will see when serving.
"""
import json
import os
import subprocess
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence

import numpy as np
import torch

from neuroswipe_models.tokenizer import COMPETITION_CHARS, SPECIAL_TOKENS

MAGIC = b"NSFEATS1"


class CharSet:
    """The character tokens of the model being trained: the characters in id order, then ``<eos>``, ``<unk>``,
    ``<pad>``, ``<sos>`` (docs/SEED.md §4.1). One shared instance, :data:`CHARS`, changed in place by
    :meth:`set` so that every module that imported it sees the same tokens."""

    def __init__(self, chars: str) -> None:
        self.set(chars)

    def set(self, chars: str) -> None:
        if not chars or len(set(chars)) != len(chars):
            raise ValueError(f"char tokens: expected distinct characters, got {chars!r}")
        self.chars = chars
        self.tokens: List[str] = list(chars) + list(SPECIAL_TOKENS)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        self.eos, self.unk, self.pad, self.sos = (self.ids[t] for t in SPECIAL_TOKENS)
        #: output classes of the model: every token but ``<pad>`` and ``<sos>``
        self.n_classes = len(self.tokens) - 2


#: The character tokens in use; the competition's (``-``, а…я, then the special tokens) unless set.
CHARS = CharSet(COMPETITION_CHARS)
#: Keyboard tokenizer ``<pad>`` (docs/SEED.md §4.2): fills the padded swipe positions (masked anyway).
KB_PAD = 35
FEATURE_FLAGS = ["--transform", "traj_feats_and_nearest_key", "--include-velocities", "--include-accelerations"]


def encode_word(word: str) -> List[int]:
    """``[<sos>] + ids + [<eos>]``, unknown characters as ``<unk>`` (docs/SEED.md §4.1)."""
    return [CHARS.sos] + [CHARS.ids.get(c, CHARS.unk) for c in word] + [CHARS.eos]


def decode_ids(ids: Sequence[int]) -> str:
    """Concatenated token strings (special tokens decode to their literal text, as in the seed)."""
    return "".join(CHARS.tokens[i] for i in ids)


@dataclass
class FeatureFile:
    """A binary features file: per-swipe line index and length, flat float32 traj and int32 keys."""

    index: np.ndarray  # int32 [N]
    lengths: np.ndarray  # int32 [N]
    offsets: np.ndarray  # int64 [N]: first point of each swipe
    traj: np.ndarray  # float32 [P, F]
    keys: np.ndarray  # int32 [P]

    def __len__(self) -> int:
        return int(self.lengths.shape[0])


def read_features(path: str) -> FeatureFile:
    """Reads a ``--format binary`` file with nearest-key tokens (docs/FEATURES_BINARY.md)."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:8] != MAGIC:
            raise ValueError(f"{path}: not a neuroswipe binary features file (bad magic)")
        header = json.loads(f.read(int.from_bytes(head[8:12], "little")).decode("utf-8"))
    if header.get("version") != 1:
        raise ValueError(f"{path}: header.version: expected 1, got {header.get('version')!r}")
    if header["key_kind"] != "nearest":
        raise ValueError(f"{path}: header.key_kind: expected nearest, got {header['key_kind']!r}")
    n, p, nf, sec = header["n_swipes"], header["n_points"], header["n_traj_feats"], header["sections"]
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    if mm.shape[0] != sec["end"]:
        raise ValueError(f"{path}: file has {mm.shape[0]} bytes, header.sections.end says {sec['end']}")

    def section(name: str, dtype: type, count: int) -> np.ndarray:
        return np.frombuffer(mm, dtype=dtype, count=count, offset=sec[name])

    lengths = section("length", np.int32, n)
    offsets = np.zeros(n, dtype=np.int64)
    if n > 1:
        offsets[1:] = np.cumsum(lengths[:-1], dtype=np.int64)
    return FeatureFile(section("index", np.int32, n), lengths, offsets,
                       section("traj", np.float32, p * nf).reshape(p, nf), section("keys", np.int32, p))


def read_words(path: str) -> List[str]:
    """One word per line (a ``valid.ref``-style file)."""
    with open(path, "r", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def run_cli(repo: str, args: List[str]) -> None:
    """Runs ``node bin/neuroswipe.js ARGS`` in the repository; raises with its stderr on failure."""
    proc = subprocess.run(["node", os.path.join(repo, "bin", "neuroswipe.js")] + args, cwd=repo,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"neuroswipe {args[0]} failed: {proc.stderr.strip()}")


def make_synthetic(repo: str, vocab: str, count: int, seed: int, jsonl: str, ref: str, with_word: bool = True,
                   grid: str = "default", frequency: Optional[str] = None) -> None:
    """``neuroswipe synth`` on ``grid``: JSONL plus the words one per line; words drawn uniformly, or by the
    counts of the ``frequency`` file (``synth --frequency``)."""
    args = ["synth", "--grid", grid, "--vocab", vocab, "--count", str(count), "--seed", str(seed),
            "--out", jsonl, "--ref-out", ref, "--quiet"]
    if frequency is not None:
        args += ["--frequency", frequency]
    run_cli(repo, args + ([] if with_word else ["--no-word"]))


def make_features(repo: str, jsonl: str, out: str) -> None:
    """``neuroswipe features`` with the m1 transform (F = 6, nearest keys) in the binary format."""
    run_cli(repo, ["features", "--data", jsonl] + FEATURE_FLAGS + ["--format", "binary", "--out", out])


class SwipeSet:
    """Features plus target tokens; builds padded, sequence-first batches."""

    def __init__(self, feats: FeatureFile, words: Optional[List[str]]) -> None:
        self.feats = feats
        self.words = None if words is None else [words[i] for i in feats.index]
        self.tokens = None if self.words is None else [encode_word(w) for w in self.words]

    def __len__(self) -> int:
        return len(self.feats)

    def one(self, i: int) -> "tuple[torch.Tensor, torch.Tensor]":
        """Unbatched inputs of swipe ``i`` as the seed prepares them (§6.1): traj (S,1,F), keys (S,1)."""
        o, n = int(self.feats.offsets[i]), int(self.feats.lengths[i])
        traj = torch.from_numpy(np.array(self.feats.traj[o:o + n])).unsqueeze(1)
        keys = torch.from_numpy(self.feats.keys[o:o + n].astype(np.int64)).unsqueeze(1)
        return traj, keys

    def batch(self, ids: Sequence[int]) -> dict:
        """Padded batch: traj (S,B,F) f32, keys (S,B) i64, pad mask (B,S) bool (or None), dec in/out (T,B)."""
        lens = self.feats.lengths[ids]
        s, b, nf = int(lens.max()), len(ids), self.feats.traj.shape[1]
        traj = np.zeros((s, b, nf), dtype=np.float32)
        keys = np.full((s, b), KB_PAD, dtype=np.int64)
        mask = np.ones((b, s), dtype=bool)
        for j, i in enumerate(ids):
            o, n = int(self.feats.offsets[i]), int(lens[j])
            traj[:n, j] = self.feats.traj[o:o + n]
            keys[:n, j] = self.feats.keys[o:o + n]
            mask[j, :n] = False
        out = {"traj": torch.from_numpy(traj), "keys": torch.from_numpy(keys),
               "mask": torch.from_numpy(mask) if mask.any() else None}
        if self.tokens is not None:
            toks = [self.tokens[i] for i in ids]
            t = max(len(x) for x in toks) - 1
            dec_in = np.full((t, b), CHARS.pad, dtype=np.int64)
            dec_out = np.full((t, b), CHARS.pad, dtype=np.int64)
            for j, x in enumerate(toks):
                dec_in[:len(x) - 1, j] = x[:-1]
                dec_out[:len(x) - 1, j] = x[1:]
            out["dec_in"], out["dec_out"] = torch.from_numpy(dec_in), torch.from_numpy(dec_out)
        return out


def bucketed_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator,
                     pool: int = 64) -> Iterator[np.ndarray]:
    """One epoch of batches: shuffle, sort pools of ``pool`` batches by length, shuffle the batches."""
    order = rng.permutation(lengths.shape[0])
    batches = []
    span = batch_size * pool
    for start in range(0, order.shape[0], span):
        chunk = order[start:start + span]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[k:k + batch_size] for k in range(0, chunk.shape[0], batch_size))
    for k in rng.permutation(len(batches)):
        yield batches[k]
