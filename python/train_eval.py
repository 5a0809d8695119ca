"""Held-out evaluation for python/train.py: the seed's greedy and best-first beam search, Swipe MRR.

Decoding follows docs/SEED.md §6: the swipe is encoded once without a padding mask; every step feeds the
full token prefix and reads the last position's logits; vocabulary masking (§6.2) sets the logits of
tokens that continue no vocabulary word to −inf before ``log_softmax``. Greedy is §6.3, beam search the
best-first algorithm of §6.4 (a heap of partial hypotheses, one expansion per iteration, pruning to the
beam size after each expansion). Metrics are §9.1: accuracy of the first word, and Swipe MRR over the
first four candidates (cut to four, de-duplicated, weights 1, 0.1, 0.09, 0.08).
"""
import heapq
import multiprocessing
import time
from collections import defaultdict
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

import torch

from neuroswipe_models.contract import NeuroswipeModel
from neuroswipe_models.registry import build_model
from train_data import CHARS, SwipeSet, decode_ids, encode_word, read_features

MRR_WEIGHTS = (1.0, 0.1, 0.09, 0.08)
Hypotheses = List[Tuple[float, str]]


class VocabMask:
    """Prefix table of a word list: which token ids may follow each token prefix."""

    def __init__(self, words: Sequence[str]) -> None:
        table: Dict[Tuple[int, ...], Set[int]] = defaultdict(set)
        for w in words:
            t = encode_word(w)
            for i in range(1, len(t)):
                table[tuple(t[:i])].add(t[i])
        self.masks: Dict[Tuple[int, ...], torch.Tensor] = {}
        for prefix, allowed in table.items():
            m = torch.ones(CHARS.n_classes, dtype=torch.bool)
            m[[a for a in allowed if a < CHARS.n_classes]] = False
            self.masks[prefix] = m

    def apply(self, prefix: List[int], logits: torch.Tensor) -> torch.Tensor:
        m = self.masks.get(tuple(prefix))
        return torch.full_like(logits, float("-inf")) if m is None else logits.masked_fill(m, float("-inf"))


class Decoder:
    """Step-by-step log-probabilities of one encoded swipe."""

    def __init__(self, model: torch.nn.Module, traj: torch.Tensor, keys: torch.Tensor,
                 vocab: Optional[VocabMask]) -> None:
        self.model = model
        self.memory = model.encode(traj, keys, None)
        self.vocab = vocab

    def log_probs(self, prefix: List[int]) -> torch.Tensor:
        tokens = torch.tensor(prefix, dtype=torch.int64).unsqueeze(1)
        logits = self.model.decode(tokens, self.memory, None)[-1, 0]
        if self.vocab is not None:
            logits = self.vocab.apply(prefix, logits)
        return torch.log_softmax(logits, dim=-1)


def greedy(dec: Decoder, max_steps: int = 35) -> Hypotheses:
    """§6.3: argmax per step, stop at ``<eos>``; score = −Σ log p (unnormalised)."""
    tokens, logp = [CHARS.sos], 0.0
    for _ in range(max_steps):
        lp = dec.log_probs(tokens)
        k = int(torch.argmax(lp))
        logp += float(lp[k])
        tokens.append(k)
        if k == CHARS.eos:
            break
    return [(-logp, decode_ids(tokens[1:-1]))]


def beam(dec: Decoder, max_steps: int = 35, beamsize: int = 6, nf: float = 0.5) -> Hypotheses:
    """§6.4: best-first beam search; results sorted by (score, word)."""
    partial: List[Tuple[float, List[int]]] = [(0, [CHARS.sos])]
    final: List[Tuple[float, List[int]]] = []
    while partial:
        s, h = heapq.heappop(partial)
        vals, ids = torch.topk(dec.log_probs(h), beamsize)
        for v, k in zip(vals.tolist(), ids.tolist()):
            if v == float("-inf"):
                continue
            n = len(h)
            s_new = (s * n ** nf - v) / (n + 1) ** nf
            h_new = h + [k]
            if k == CHARS.eos or len(h_new) - 1 >= max_steps:
                final.append((s_new, h_new))
            else:
                heapq.heappush(partial, (s_new, h_new))
        if len(partial) > beamsize:
            partial = heapq.nsmallest(beamsize, partial)
            heapq.heapify(partial)
    return sorted(((s, decode_ids(h[1:-1])) for s, h in final), key=lambda r: (r[0], r[1]))


def mrr_line(preds: Sequence[str], target: str) -> float:
    """§9.1 for one swipe: the first four candidates, duplicates removed, weighted hit."""
    seen: List[str] = []
    for p in preds[:4]:
        if p not in seen:
            seen.append(p)
    return sum(w for w, p in zip(MRR_WEIGHTS, seen) if p == target)


SETUPS = ("greedy+vocab", "greedy", "beam+vocab", "beam")


def contract_model(arch: str, chars: str) -> torch.nn.Module:
    """A fresh contract-wrapped model of a legacy architecture (F = 6) for the char tokens of ``chars``, for
    worker processes (which also take ``chars`` as their tokens)."""
    CHARS.set(chars)
    return NeuroswipeModel(build_model(arch, 6, n_char_tokens=CHARS.n_classes + 2))


@torch.no_grad()
def score_swipes(model: torch.nn.Module, data: SwipeSet, vocab_path: str, ids: Sequence[int],
                 report: Optional[Callable[[str], None]] = None) -> Dict[str, List[float]]:
    """Per setup, the summed accuracy and MRR lines over the swipes ``ids``."""
    with open(vocab_path, "r", encoding="utf-8") as f:
        vocab = VocabMask([w for w in f.read().split("\n") if w])
    setups = {"greedy+vocab": (greedy, vocab), "greedy": (greedy, None),
              "beam+vocab": (beam, vocab), "beam": (beam, None)}
    sums = {name: [0.0, 0.0] for name in SETUPS}
    for done, i in enumerate(ids, 1):
        traj, keys = data.one(i)
        target = data.words[i]
        for name, (search, mask) in setups.items():
            words = [w for _, w in search(Decoder(model, traj, keys, mask))]
            sums[name][0] += float(bool(words) and words[0] == target)
            sums[name][1] += mrr_line(words, target)
        if report is not None and done % 100 == 0:
            report(f"eval {done}/{len(ids)}: " + ", ".join(f"{k} mrr {v[1] / done:.3f}" for k, v in sums.items()))
    return sums


def _shard(job: tuple) -> Dict[str, List[float]]:
    """Worker process: rebuilds the model from its state dict and scores its share of the swipes."""
    build, state_dict, feats_path, words, vocab_path, ids = job
    torch.set_num_threads(1)
    model = build()
    model.model.load_state_dict(state_dict)
    model.eval()
    return score_swipes(model, SwipeSet(read_features(feats_path), words), vocab_path, ids)


def evaluate(model: torch.nn.Module, data: SwipeSet, vocab_path: str, n: int,
             report: Callable[[str], None], jobs: int = 1, build: Optional[Callable[[], torch.nn.Module]] = None,
             feats_path: Optional[str] = None) -> dict:
    """Accuracy and Swipe MRR of greedy and beam (with and without the vocabulary) on the first n swipes.

    With ``jobs`` > 1 (and ``build``, a picklable factory of the unloaded contract model, and
    ``feats_path``, the features file of ``data``) the swipes are split over that many processes of one
    thread each (the totals equal those of one process up to the order of the float additions).
    """
    n = min(n, len(data))
    started = time.time()
    if jobs > 1 and build is not None and feats_path is not None:
        ctx = multiprocessing.get_context("spawn")
        state = {k: v.clone() for k, v in model.model.state_dict().items()}
        words = [None] * len(data)
        for i, w in zip(data.feats.index, data.words):
            words[i] = w
        shards = [list(range(j, n, jobs)) for j in range(jobs)]
        with ctx.Pool(jobs) as pool:
            parts = pool.map(_shard, [(build, state, feats_path, words, vocab_path, ids) for ids in shards])
        sums = {name: [sum(p[name][0] for p in parts), sum(p[name][1] for p in parts)] for name in SETUPS}
    else:
        sums = score_swipes(model, data, vocab_path, range(n), report)
    out = {"n_swipes": n, "seconds": round(time.time() - started, 1),
           "decoding": {"max_steps": 35, "beamsize": 6, "normalization_factor": 0.5}}
    for name in SETUPS:
        acc, mrr = sums[name]
        out[name] = {"accuracy": acc / n, "mrr": mrr / n}
    return out
