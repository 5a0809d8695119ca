"""Checking ``memory_kv``/``decode_step`` against ``decode``: step-by-step decoding from an empty cache.

The schedule imitates a decoder that reuses batch rows: row ``b`` decodes its prefix of
``token_lengths[b]`` tokens one token per step and, when it is done, starts again from an empty cache
while the other rows go on. Rows therefore sit at different cache lengths, and a restarted row's stale
entries (and never-written slots, filled with noise) lie inside the cache slice that is passed, where
``decode_step`` must ignore them.
"""
from typing import Dict, List, Optional

import torch
from torch import Tensor


class IncrementalCheckError(RuntimeError):
    """``decode_step`` does not reproduce ``decode``, or a method breaks the layout of the contract."""


def _expect_shape(name: str, t: Tensor, shape: List[int]) -> None:
    if list(t.shape) != shape:
        raise IncrementalCheckError(f"{name}: expected shape {shape}, got {list(t.shape)}")


def run_schedule(model, tokens: Tensor, token_lengths: List[int], memory: Tensor, memory_pad_mask: Optional[Tensor],
                 n_steps: int, seed: int) -> Dict[str, object]:
    """Runs ``memory_kv`` once and ``decode_step`` ``n_steps`` times on the row-reuse schedule.

    ``model`` is the eager wrapper or its TorchScript. Returns ``mem_kv`` and one record per step:
    ``positions`` (list: each row's position in its prefix = ``self_len``), ``tokens [B]``, ``self_len [B]``,
    ``self_kv`` (the cache slice passed, ``[L,2,max(self_len),B,D]``), ``logits [B,C]``, ``new_kv [L,2,B,D]``.
    """
    s, b, d = memory.shape
    mem_kv = model.memory_kv(memory)
    n_layers = mem_kv.size(0)
    _expect_shape("memory_kv", mem_kv, [n_layers, 2, s, b, d])
    gen = torch.Generator().manual_seed(seed)
    cache = torch.randn(n_layers, 2, max(token_lengths), b, d, generator=gen)  # noise in never-written slots
    rows = torch.arange(b)
    steps = []
    for step in range(n_steps):
        positions = [step % n for n in token_lengths]
        self_len = torch.tensor(positions, dtype=torch.int64)
        step_tokens = tokens[self_len, rows]
        self_kv = cache[:, :, : max(positions)].clone()
        logits, new_kv = model.decode_step(step_tokens, self_kv, self_len, mem_kv, memory_pad_mask)
        _expect_shape("decode_step new_kv", new_kv, [n_layers, 2, b, d])
        if logits.dim() != 2 or logits.size(0) != b:
            raise IncrementalCheckError(f"decode_step logits: expected [{b}, C], got {list(logits.shape)}")
        cache[:, :, self_len, rows] = new_kv
        steps.append({"positions": positions, "tokens": step_tokens, "self_len": self_len, "self_kv": self_kv,
                      "logits": logits, "new_kv": new_kv})
    return {"mem_kv": mem_kv, "steps": steps}


def schedule_diff(reference_logits: Tensor, run: Dict[str, object]) -> float:
    """Largest absolute difference between every step's logits and ``decode``'s logits at the same positions."""
    worst = 0.0
    for rec in run["steps"]:  # type: ignore[union-attr]
        positions = rec["positions"]
        want = reference_logits[torch.tensor(positions), torch.arange(len(positions))]
        got = rec["logits"]
        if got.shape != want.shape:
            raise IncrementalCheckError(f"decode_step logits: expected {list(want.shape)}, got {list(got.shape)}")
        if not torch.isfinite(got).all():
            raise IncrementalCheckError(f"decode_step gives non-finite logits at positions {positions}")
        worst = max(worst, float((got - want).abs().max()))
    return worst


def steps_for(token_lengths: List[int]) -> int:
    """The longest prefix plus two steps, so that every shorter row restarts at least once."""
    return max(token_lengths) + 2
