"""Checking ``memory_kv``/``decode_step`` against ``decode``: step-by-step decoding from an empty cache.

The schedule imitates a decoder that reuses batch rows: row ``b`` decodes its prefix of
``token_lengths[b]`` tokens one token per step and, when it is done, starts again from an empty cache
while the other rows go on. Rows therefore sit at different cache lengths, and a restarted row's stale
entries (and never-written slots, filled with noise) lie inside the cache slice that is passed, where
``decode_step`` must ignore them.

Both caches are passed the way a decoder with preallocated buffers passes them: as non-contiguous views
narrowed along their ``T``/``S`` axis. ``mem_kv`` is copied into a buffer longer than the memory, and with
``extra_memory > 0`` the view also takes that many noise positions past the memory, hidden by the padding
mask (extended with ``true``).
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
                 n_steps: int, seed: int, extra_memory: int = 0) -> Dict[str, object]:
    """Runs ``memory_kv`` once and ``decode_step`` ``n_steps`` times on the row-reuse schedule.

    ``model`` is the eager wrapper or its TorchScript; ``extra_memory`` (needs a mask) is the number of masked
    noise positions appended to ``mem_kv``'s view. Returns ``mem_kv`` (``memory_kv``'s output,
    ``[L,2,B,H,S,Dh]``) and one record per step: ``positions`` (list: each row's position in its prefix =
    ``self_len``), ``tokens [B]``, ``self_len [B]``, ``self_kv`` (a copy of the cache slice passed,
    ``[L,2,B,H,max(self_len),Dh]``), ``logits [B,C]``, ``new_kv [L,2,B,H,Dh]``.
    """
    if extra_memory > 0 and memory_pad_mask is None:
        raise ValueError("extra_memory needs a memory padding mask to hide the extra positions")
    s, b, d = memory.shape
    mem_kv = model.memory_kv(memory)
    if mem_kv.dim() != 6:
        raise IncrementalCheckError(f"memory_kv: expected [L, 2, B, H, S, D/H], got {list(mem_kv.shape)}")
    n_layers, heads = mem_kv.size(0), mem_kv.size(3)
    if heads < 1 or d % heads != 0:
        raise IncrementalCheckError(f"memory_kv: {heads} heads do not divide d_model {d}")
    dh = d // heads
    _expect_shape("memory_kv", mem_kv, [n_layers, 2, b, heads, s, dh])
    if not mem_kv.is_contiguous():
        raise IncrementalCheckError("memory_kv: the result is not contiguous")
    gen = torch.Generator().manual_seed(seed)
    # mem_kv in a longer buffer (noise after the memory), passed as a view narrowed along S.
    buffer = torch.randn(n_layers, 2, b, heads, s + extra_memory + 3, dh, generator=gen)
    buffer[:, :, :, :, :s] = mem_kv
    mem_view = buffer[:, :, :, :, : s + extra_memory]
    mask = memory_pad_mask
    if memory_pad_mask is not None and extra_memory > 0:
        mask = torch.cat([memory_pad_mask, torch.ones(b, extra_memory, dtype=torch.bool)], dim=1)
    cache = torch.randn(n_layers, 2, b, heads, max(token_lengths) + 1, dh, generator=gen)  # noise in unused slots
    rows = torch.arange(b)
    steps = []
    for step in range(n_steps):
        positions = [step % n for n in token_lengths]
        self_len = torch.tensor(positions, dtype=torch.int64)
        step_tokens = tokens[self_len, rows]
        self_kv = cache[:, :, :, :, : max(positions)]  # a view narrowed along T, not contiguous
        passed = self_kv.clone()
        logits, new_kv = model.decode_step(step_tokens, self_kv, self_len, mem_view, mask)
        _expect_shape("decode_step new_kv", new_kv, [n_layers, 2, b, heads, dh])
        if logits.dim() != 2 or logits.size(0) != b:
            raise IncrementalCheckError(f"decode_step logits: expected [{b}, C], got {list(logits.shape)}")
        # Row b's entry goes to slot self_len[b]. The two index tensors are not adjacent, so the indexed view
        # is [B,L,2,H,Dh] (indexed axis first): new_kv is permuted to match.
        cache[:, :, rows, :, self_len] = new_kv.permute(2, 0, 1, 3, 4)
        steps.append({"positions": positions, "tokens": step_tokens, "self_len": self_len, "self_kv": passed,
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
