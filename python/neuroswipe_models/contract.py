"""The one model contract of docs/MODEL_FORMAT.md, wrapped around either seed family.

``encode(traj, keys, src_pad_mask)``, ``decode(tokens, memory, memory_pad_mask)``,
``decode_last(tokens, lengths, memory, memory_pad_mask)`` and the incremental pair ``memory_kv(memory)``,
``decode_step(tokens, self_kv, self_len, mem_kv, memory_pad_mask)``. The legacy family's memory-first ``decode``
is adapted here so that both families expose the same signatures.
"""
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor, nn


class NeuroswipeModel(nn.Module):
    """TorchScript-able wrapper; ``model`` is a seed model with ``encode``, ``decode_hidden``, ``project``."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model.eval()

    def forward(self, traj: Tensor, keys: Tensor, src_pad_mask: Optional[Tensor], tokens: Tensor) -> Tensor:
        """Teacher-forced logits ``(T, B, C)`` (the seed's ``forward`` without a target padding mask)."""
        memory = self.encode(traj, keys, src_pad_mask)
        return self.decode(tokens, memory, src_pad_mask)

    @torch.jit.export
    def encode(self, traj: Tensor, keys: Tensor, src_pad_mask: Optional[Tensor]) -> Tensor:
        """``traj [S,B,F]`` float32, ``keys`` (int64 ``[S,B]`` or float32 ``[S,B,K]``) → memory ``[S,B,D]``."""
        return self.model.encode(traj, keys, src_pad_mask)

    @torch.jit.export
    def decode(self, tokens: Tensor, memory: Tensor, memory_pad_mask: Optional[Tensor]) -> Tensor:
        """``tokens [T,B]`` int64 → logits ``[T,B,C]`` under a causal mask."""
        hidden = self.model.decode_hidden(tokens, memory, memory_pad_mask)
        return self.model.project(hidden)

    @torch.jit.export
    def decode_last(self, tokens: Tensor, lengths: Tensor, memory: Tensor,
                    memory_pad_mask: Optional[Tensor]) -> Tensor:
        """Logits ``[B,C]``: row ``b`` at position ``lengths[b] − 1``; the output layer runs on those rows only."""
        hidden = self.model.decode_hidden(tokens, memory, memory_pad_mask)
        batch = torch.arange(hidden.size(1), device=hidden.device)
        rows = hidden[lengths.to(hidden.device).long() - 1, batch]
        return self.model.project(rows)

    @torch.jit.export
    def memory_kv(self, memory: Tensor) -> Tensor:
        """``memory [S,B,D]`` → ``[L,2,B,H,S,Dh]`` (contiguous): each decoder layer's cross-attention K (0)
        and V (1), split into heads."""
        return self.model.memory_kv(memory)

    @torch.jit.export
    def decode_step(self, tokens: Tensor, self_kv: Tensor, self_len: Tensor, mem_kv: Tensor,
                    memory_pad_mask: Optional[Tensor]) -> Tuple[Tensor, Tensor]:
        """One decoder step: ``tokens [B]`` at positions ``self_len [B]`` after the cached prefixes
        ``self_kv [L,2,B,H,T,Dh]`` (slots ``t >= self_len[b]`` ignored), ``mem_kv [L,2,B,H,S,Dh]`` (both may be
        views narrowed along ``T``/``S``) → ``(logits [B,C], new_kv [L,2,B,H,Dh])``."""
        hidden, new_kv = self.model.decode_step_hidden(tokens, self_kv, self_len, mem_kv, memory_pad_mask)
        return self.model.project(hidden), new_kv

    @torch.jit.export
    def step_weights(self) -> Dict[str, Tensor]:
        """The decoder's parameters by name (docs/MODEL_FORMAT.md, "Step weights"): what a native
        implementation of ``decode_step`` needs, the same tensors ``decode_step`` itself uses."""
        return self.model.step_weights()
