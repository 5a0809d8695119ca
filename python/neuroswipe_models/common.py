"""Pieces shared by both seed model families: the sinusoidal positional table and the causal mask.

Everything here is TorchScript-compatible and uses only APIs present in torch 1.13 and 2.x.
"""
import math
from typing import Optional

import torch
from torch import Tensor, nn


class PositionalEncoding(nn.Module):
    """Adds a fixed sinusoidal table to a sequence-first input (docs/SEED.md §5.1).

    The table is the persistent buffer ``pe`` of shape ``(max_len, 1, d_model)``; it is part of every
    seed state dict and is loaded from the checkpoint, not recomputed. ``forward`` returns
    ``x + pe[:S]`` followed by a dropout with p = 0 (a no-op kept for structural fidelity).
    """

    def __init__(self, d_model: int, max_len: int) -> None:
        super().__init__()
        position = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term[: d_model // 2])
        self.register_buffer("pe", pe)
        self.dropout = nn.Dropout(p=0.0)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.pe[: x.size(0)]
        return self.dropout(x)


def causal_mask(length: int, device: torch.device, dtype: torch.dtype) -> Tensor:
    """The decoder's float causal mask ``(L, L)``: 0 on and below the diagonal, ``-inf`` above.

    Built exactly like the seed (``triu(ones, 1)`` then ``masked_fill(== 1, -inf)``) but on the
    device of the input (docs/SEED.md §5.5) and in the dtype of the activations it is added to. The
    mask is made in float32 and then converted (a no-op for float32, so float32 models compute
    exactly what the seed computes); its values 0 and ``-inf`` are exact in every float dtype. A mask
    in the activations' dtype is what attention under libtorch 2.x requires: its ``baddbmm`` refuses
    a float32 mask next to bfloat16 or float16 queries and keys.
    """
    mask = torch.triu(torch.ones(length, length, device=device), diagonal=1)
    return mask.masked_fill(mask == 1, float("-inf")).to(dtype)


def encoder_stack(layer: nn.TransformerEncoderLayer, num_layers: int, norm: Optional[nn.Module]) -> nn.TransformerEncoder:
    """``nn.TransformerEncoder`` without the nested-tensor fast path (it is never taken for
    sequence-first inputs; disabling it only silences a warning and keeps the same numerics)."""
    try:
        return nn.TransformerEncoder(layer, num_layers, norm=norm, enable_nested_tensor=False)
    except TypeError:  # very old torch without the argument
        return nn.TransformerEncoder(layer, num_layers, norm=norm)
