"""Incremental decoding: one decoder step with key/value caches (docs/MODEL_FORMAT.md, "Incremental decoding").

``IncrementalDecoderLayer`` and ``IncrementalDecoder`` are ``nn.TransformerDecoderLayer`` and
``nn.TransformerDecoder`` with the same parameters, state-dict keys and ``forward``; they add two
eval-mode methods that reproduce the post-norm, ReLU layer math for a single new token:

* ``memory_kv(memory [S,B,D]) → [L,2,B,H,S,Dh]``: every layer's cross-attention key and value projections
  of the memory, split into heads, computed once per swipe;
* ``step(x [B,D], self_kv [L,2,B,H,T,Dh], self_len [B], mem_kv, memory_pad_mask) → (hidden [B,D],
  new_kv [L,2,B,H,Dh])``: the new token's hidden state (after the final norm when there is one) and its
  per-layer self-attention key and value, to be appended to the cache.

The caches are kept in the ``[B,H,N,Dh]`` layout the attention matmuls consume, so a step never permutes or
copies them; ``mem_kv`` and ``self_kv`` may be views narrowed along their ``S``/``T`` axis. Dropout is not
applied (the contract is eval-only); the only Python loop is over layers.
"""
import math
from typing import Dict, List, Optional, Tuple

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


def attend(q: Tensor, k: Tensor, v: Tensor, bias: Optional[Tensor]) -> Tensor:
    """Attention of one query per row and head: ``q [B,H,1,Dh]`` (already scaled by ``1/sqrt(Dh)``),
    ``k, v [B,H,N,Dh]`` (any strides: narrowed views are used as they are), ``bias [B,1,1,N]`` or ``None``
    → the concatenated heads ``[B,D]`` (before the output projection)."""
    scores = torch.matmul(q, k.transpose(-2, -1))  # [B,H,1,N]
    if bias is not None:
        scores = scores + bias
    out = torch.matmul(torch.softmax(scores, dim=-1), v)  # [B,H,1,Dh]
    return out.reshape(q.size(0), q.size(1) * q.size(3))


def split_heads(x: Tensor, n_heads: int) -> Tensor:
    """``[B,D]`` → ``[B,H,1,Dh]``: one token's projection split into heads (a view)."""
    return x.reshape(x.size(0), n_heads, 1, x.size(1) // n_heads)


class IncrementalDecoderLayer(nn.TransformerDecoderLayer):
    """``nn.TransformerDecoderLayer`` (post-norm, ReLU) with ``memory_kv`` and ``step`` for one token."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int, dropout: float) -> None:
        super().__init__(d_model, nhead, dim_feedforward, dropout)
        check_layer_config(self)

    def memory_kv(self, memory: Tensor) -> Tensor:
        """Cross-attention ``[K, V]`` of the memory ``[S,B,D]``, split into heads: ``[2,B,H,S,Dh]``."""
        s, b, d = memory.size(0), memory.size(1), memory.size(2)
        heads = self.multihead_attn.num_heads
        w = self.multihead_attn.in_proj_weight
        bias = self.multihead_attn.in_proj_bias
        k = F.linear(memory, w[d:2 * d], bias[d:2 * d]).reshape(s, b, heads, d // heads).permute(1, 2, 0, 3)
        v = F.linear(memory, w[2 * d:], bias[2 * d:]).reshape(s, b, heads, d // heads).permute(1, 2, 0, 3)
        return torch.stack([k, v])

    def step(self, x: Tensor, past_k: Tensor, past_v: Tensor, self_bias: Tensor, mem_k: Tensor, mem_v: Tensor,
             mem_bias: Optional[Tensor]) -> Tuple[Tensor, Tensor, Tensor]:
        """One token ``x [B,D]`` through the layer; ``past_k, past_v [B,H,T,Dh]`` are the cached self-attention
        keys and values, ``mem_k, mem_v [B,H,S,Dh]`` the memory's. Returns the layer output and the new
        token's self-attention key and value, ``[B,H,1,Dh]`` each."""
        d = x.size(1)
        heads = self.self_attn.num_heads
        root = math.sqrt(d // heads)
        qkv = F.linear(x, self.self_attn.in_proj_weight, self.self_attn.in_proj_bias)
        q = split_heads(qkv[:, :d], heads) / root
        k = split_heads(qkv[:, d:2 * d], heads)
        v = split_heads(qkv[:, 2 * d:], heads)
        keys = torch.cat([past_k, k], dim=2)
        values = torch.cat([past_v, v], dim=2)
        x = self.norm1(x + self.self_attn.out_proj(attend(q, keys, values, self_bias)))
        w = self.multihead_attn.in_proj_weight
        b = self.multihead_attn.in_proj_bias
        q2 = split_heads(F.linear(x, w[:d], b[:d]), heads) / root
        x = self.norm2(x + self.multihead_attn.out_proj(attend(q2, mem_k, mem_v, mem_bias)))
        x = self.norm3(x + self.linear2(F.relu(self.linear1(x))))
        return x, k, v


class IncrementalDecoder(nn.TransformerDecoder):
    """``nn.TransformerDecoder`` of ``IncrementalDecoderLayer`` with ``memory_kv`` and ``step``."""

    def memory_kv(self, memory: Tensor) -> Tensor:
        """``[L,2,B,H,S,Dh]`` (contiguous): layer ``l``'s cross-attention key (index 0) and value (index 1) of
        the memory, split into heads."""
        out: List[Tensor] = []
        for layer in self.layers:
            out.append(layer.memory_kv(memory))
        return torch.stack(out)

    def step(self, x: Tensor, self_kv: Tensor, self_len: Tensor, mem_kv: Tensor,
             memory_pad_mask: Optional[Tensor]) -> Tuple[Tensor, Tensor]:
        """The embedded new token ``x [B,D]`` through every layer (and the final norm when present), with
        ``self_kv [L,2,B,H,T,Dh]`` and ``mem_kv [L,2,B,H,S,Dh]``; returns it and ``new_kv [L,2,B,H,Dh]``."""
        self_bias, mem_bias = step_biases(self_len, self_kv.size(4), memory_pad_mask, x.dtype, x.device)
        new: List[Tensor] = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer.step(x, self_kv[i, 0], self_kv[i, 1], self_bias, mem_kv[i, 0], mem_kv[i, 1], mem_bias)
            new.append(torch.stack([k.squeeze(2), v.squeeze(2)]))
        if self.norm is not None:
            x = self.norm(x)
        return x, torch.stack(new)

    def step_weights(self, out: Dict[str, Tensor]) -> None:
        """Adds every layer's parameters under ``layers.<i>.<nn.TransformerDecoderLayer key>`` and the final
        norm's under ``norm.weight``/``norm.bias`` (absent without one) to ``out`` (docs/MODEL_FORMAT.md,
        "Step weights")."""
        for i, layer in enumerate(self.layers):
            p = "layers." + str(i) + "."
            out[p + "self_attn.in_proj_weight"] = layer.self_attn.in_proj_weight
            out[p + "self_attn.in_proj_bias"] = layer.self_attn.in_proj_bias
            out[p + "self_attn.out_proj.weight"] = layer.self_attn.out_proj.weight
            out[p + "self_attn.out_proj.bias"] = layer.self_attn.out_proj.bias
            out[p + "multihead_attn.in_proj_weight"] = layer.multihead_attn.in_proj_weight
            out[p + "multihead_attn.in_proj_bias"] = layer.multihead_attn.in_proj_bias
            out[p + "multihead_attn.out_proj.weight"] = layer.multihead_attn.out_proj.weight
            out[p + "multihead_attn.out_proj.bias"] = layer.multihead_attn.out_proj.bias
            out[p + "linear1.weight"] = layer.linear1.weight
            out[p + "linear1.bias"] = layer.linear1.bias
            out[p + "linear2.weight"] = layer.linear2.weight
            out[p + "linear2.bias"] = layer.linear2.bias
            out[p + "norm1.weight"] = layer.norm1.weight
            out[p + "norm1.bias"] = layer.norm1.bias
            out[p + "norm2.weight"] = layer.norm2.weight
            out[p + "norm2.bias"] = layer.norm2.bias
            out[p + "norm3.weight"] = layer.norm3.weight
            out[p + "norm3.bias"] = layer.norm3.bias
        if self.norm is not None:
            out["norm.weight"] = self.norm.weight
            out["norm.bias"] = self.norm.bias


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
    if not (layer.norm1.eps == layer.norm2.eps == layer.norm3.eps == 1e-5):
        raise ValueError("incremental decoding assumes layer-norm eps 1e-5 (the step weights declare no other)")
