"""Incremental decoding: one decoder step with key/value caches (docs/MODEL_FORMAT.md, "Incremental decoding").

``IncrementalDecoderLayer`` and ``IncrementalDecoder`` are ``nn.TransformerDecoderLayer`` and
``nn.TransformerDecoder`` with the same parameters, state-dict keys and ``forward``; they add two
eval-mode methods that reproduce the post-norm, ReLU layer math for a single new token:

* ``memory_kv(memory [S,B,D]) → [L,2,S,B,D]``: every layer's cross-attention key and value projections
  of the memory, computed once per swipe;
* ``step(x [B,D], self_kv [L,2,T,B,D], self_len [B], mem_kv, memory_pad_mask) → (hidden [B,D],
  new_kv [L,2,B,D])``: the new token's hidden state (after the final norm when there is one) and its
  per-layer self-attention key and value, to be appended to the cache.

Dropout is not applied (the contract is eval-only). Attention is computed with batched matmuls on
``[B, H, *, D/H]`` heads; the only Python loop is over layers.
"""
import math
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def step_biases(self_len: Tensor, cached: int, memory_pad_mask: Optional[Tensor],
                dtype: torch.dtype, device: torch.device) -> Tuple[Tensor, Optional[Tensor]]:
    """Additive attention biases for one step, shared by every layer, on ``device``.

    Self-attention bias ``[B,1,1,T+1]``: ``-inf`` at cache slots ``t`` with ``self_len[b] <= t < T``
    (padding), 0 at the valid slots and at slot ``T`` (the new token). Cross-attention bias
    ``[B,1,1,S]``: ``-inf`` where ``memory_pad_mask`` is true; ``None`` without a mask.
    """
    lengths = self_len.to(device)
    slots = torch.arange(cached + 1, device=device)
    pad = (slots.unsqueeze(0) >= lengths.unsqueeze(1)) & (slots.unsqueeze(0) < cached)
    self_bias = torch.zeros(pad.shape, dtype=dtype, device=device).masked_fill(pad, float("-inf"))
    mem_bias: Optional[Tensor] = None
    if memory_pad_mask is not None:
        mask = memory_pad_mask.to(device)
        mem_bias = torch.zeros(mask.shape, dtype=dtype, device=device)
        mem_bias = mem_bias.masked_fill(mask, float("-inf")).unsqueeze(1).unsqueeze(1)
    return self_bias.unsqueeze(1).unsqueeze(1), mem_bias


def attend(q: Tensor, k: Tensor, v: Tensor, bias: Optional[Tensor], n_heads: int) -> Tensor:
    """Multi-head attention of one query per row: ``q [B,D]``, ``k, v [N,B,D]`` (after in-projection),
    ``bias [B,1,1,N]`` or ``None`` → the concatenated heads ``[B,D]`` (before the output projection)."""
    b, d = q.size(0), q.size(1)
    n = k.size(0)
    dh = d // n_heads
    qh = q.reshape(b, n_heads, 1, dh) / math.sqrt(dh)
    kh = k.reshape(n, b, n_heads, dh).permute(1, 2, 0, 3)  # [B,H,N,dh]
    vh = v.reshape(n, b, n_heads, dh).permute(1, 2, 0, 3)
    scores = torch.matmul(qh, kh.transpose(-2, -1))  # [B,H,1,N]
    if bias is not None:
        scores = scores + bias
    return torch.matmul(torch.softmax(scores, dim=-1), vh).reshape(b, d)


class IncrementalDecoderLayer(nn.TransformerDecoderLayer):
    """``nn.TransformerDecoderLayer`` (post-norm, ReLU) with ``memory_kv`` and ``step`` for one token."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int, dropout: float) -> None:
        super().__init__(d_model, nhead, dim_feedforward, dropout)
        check_layer_config(self)

    def memory_kv(self, memory: Tensor) -> Tensor:
        """Cross-attention ``[K, V]`` of the memory: ``[2,S,B,D]``."""
        d = memory.size(-1)
        w = self.multihead_attn.in_proj_weight
        b = self.multihead_attn.in_proj_bias
        k = F.linear(memory, w[d:2 * d], b[d:2 * d])
        v = F.linear(memory, w[2 * d:], b[2 * d:])
        return torch.stack([k, v])

    def step(self, x: Tensor, past_k: Tensor, past_v: Tensor, self_bias: Tensor, mem_k: Tensor, mem_v: Tensor,
             mem_bias: Optional[Tensor]) -> Tuple[Tensor, Tensor, Tensor]:
        """One token ``x [B,D]`` through the layer; ``past_k, past_v [T,B,D]`` are the cached self-attention
        keys and values. Returns the layer output and the new token's self-attention key and value."""
        d = x.size(1)
        heads = self.self_attn.num_heads
        qkv = F.linear(x, self.self_attn.in_proj_weight, self.self_attn.in_proj_bias)
        q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
        keys = torch.cat([past_k, k.unsqueeze(0)], dim=0)
        values = torch.cat([past_v, v.unsqueeze(0)], dim=0)
        x = self.norm1(x + self.self_attn.out_proj(attend(q, keys, values, self_bias, heads)))
        w = self.multihead_attn.in_proj_weight
        b = self.multihead_attn.in_proj_bias
        q2 = F.linear(x, w[:d], b[:d])
        x = self.norm2(x + self.multihead_attn.out_proj(attend(q2, mem_k, mem_v, mem_bias, heads)))
        x = self.norm3(x + self.linear2(F.relu(self.linear1(x))))
        return x, k, v


class IncrementalDecoder(nn.TransformerDecoder):
    """``nn.TransformerDecoder`` of ``IncrementalDecoderLayer`` with ``memory_kv`` and ``step``."""

    def memory_kv(self, memory: Tensor) -> Tensor:
        """``[L,2,S,B,D]``: layer ``l``'s cross-attention key (index 0) and value (index 1) of the memory."""
        out: List[Tensor] = []
        for layer in self.layers:
            out.append(layer.memory_kv(memory))
        return torch.stack(out)

    def step(self, x: Tensor, self_kv: Tensor, self_len: Tensor, mem_kv: Tensor,
             memory_pad_mask: Optional[Tensor]) -> Tuple[Tensor, Tensor]:
        """The embedded new token ``x [B,D]`` through every layer (and the final norm when present)."""
        self_bias, mem_bias = step_biases(self_len, self_kv.size(2), memory_pad_mask, x.dtype, x.device)
        new: List[Tensor] = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer.step(x, self_kv[i, 0], self_kv[i, 1], self_bias, mem_kv[i, 0], mem_kv[i, 1], mem_bias)
            new.append(torch.stack([k, v]))
        if self.norm is not None:
            x = self.norm(x)
        return x, torch.stack(new)


def check_layer_config(layer: nn.TransformerDecoderLayer) -> None:
    """The step math assumes the seed's layer configuration: post-norm, ReLU, packed in-projection."""
    if getattr(layer, "norm_first", False):
        raise ValueError("incremental decoding supports post-norm decoder layers only")
    if not layer.self_attn._qkv_same_embed_dim or not layer.multihead_attn._qkv_same_embed_dim:
        raise ValueError("incremental decoding needs packed attention in-projections")
    if layer.self_attn.in_proj_bias is None or layer.multihead_attn.in_proj_bias is None:
        raise ValueError("incremental decoding needs attention in-projection biases")
    if layer.activation is not F.relu:
        raise ValueError("incremental decoding supports ReLU decoder layers only")
