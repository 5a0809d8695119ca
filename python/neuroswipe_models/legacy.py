"""The legacy seed family ``SwipeCurveTransformer``: ``m1``, ``m1_bigger``, ``m1_smaller`` (docs/SEED.md §5.3).

Sub-module names and registration order reproduce the seed state dict exactly (§5.4): ``char_embedding``,
``key_embedding``, ``encoder`` (``first_encoder_layer``, ``liner``, ``transformer_encoder``),
``char_pos_encoder``, ``key_pos_encoder``, ``decoder`` (``decoder_layer`` — the unused prototype —,
``transformer_decoder``, ``out``).
"""
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor, nn

from .common import PositionalEncoding, causal_mask, encoder_stack
from .incremental import IncrementalDecoder, IncrementalDecoderLayer

CHAR_VOCAB_SIZE = 37
N_CLASSES = CHAR_VOCAB_SIZE - 2
MAX_TOKEN_LEN = 35
MAX_CURVE_LEN = 299
N_COORD_FEATS = 6
D_MODEL = 128
DIM_FEEDFORWARD = 128
NHEAD = 4
DROPOUT = 0.1

#: name → (key_emb_size, encoder layers including the first, decoder layers)
LEGACY_HPARAMS = {
    "m1": (54, 4, 3),
    "m1_bigger": (66, 4, 4),
    "m1_smaller": (54, 3, 3),
}


class LegacyEncoder(nn.Module):
    """First encoder layer at width ``6 + E``, a linear map to 128, then ``layers − 1`` layers (no final norm)."""

    def __init__(self, input_size: int, num_layers: int) -> None:
        super().__init__()
        self.first_encoder_layer = nn.TransformerEncoderLayer(input_size, NHEAD, DIM_FEEDFORWARD, DROPOUT)
        self.liner = nn.Linear(input_size, D_MODEL)
        # Every seed legacy model has at least one layer after the first one.
        self.transformer_encoder = encoder_stack(
            nn.TransformerEncoderLayer(D_MODEL, NHEAD, DIM_FEEDFORWARD, DROPOUT), num_layers - 1, None
        )

    def forward(self, x: Tensor, pad_mask: Optional[Tensor]) -> Tensor:
        x = self.first_encoder_layer(x, src_key_padding_mask=pad_mask)
        x = self.liner(x)
        return self.transformer_encoder(x, src_key_padding_mask=pad_mask)


class LegacyDecoder(nn.Module):
    """``transformer_decoder`` (no final norm) then ``out``; ``decoder_layer`` is the seed's unused prototype."""

    def __init__(self, num_layers: int, n_classes: int = N_CLASSES) -> None:
        super().__init__()
        self.decoder_layer = IncrementalDecoderLayer(D_MODEL, NHEAD, DIM_FEEDFORWARD, DROPOUT)
        self.transformer_decoder = IncrementalDecoder(self.decoder_layer, num_layers)
        self.out = nn.Linear(D_MODEL, n_classes)


class SwipeCurveTransformer(nn.Module):
    """Seed legacy encoder-decoder. ``encode``/``decode_hidden`` follow the seed's op order exactly.

    ``n_char_tokens`` is the character tokenizer's size (the seed's 37 by default; 30 for a–z): the character
    embedding has that many rows and the output layer ``n_char_tokens − 2`` classes. The key embedding keeps
    the seed's 37 rows for every alphabet (keyboard token ids 0…35, docs/SEED.md §4.2).
    """

    def __init__(self, key_emb_size: int, num_encoder_layers: int, num_decoder_layers: int,
                 n_char_tokens: int = CHAR_VOCAB_SIZE) -> None:
        super().__init__()
        if n_char_tokens < 5:
            raise ValueError(f"n_char_tokens: expected at least 5 (one character and the 4 special tokens), got {n_char_tokens}")
        self.char_embedding_dropout = nn.Dropout(DROPOUT)
        self.key_embedding_dropout = nn.Dropout(DROPOUT)
        self.char_embedding = nn.Embedding(n_char_tokens, D_MODEL)
        self.key_embedding = nn.Embedding(CHAR_VOCAB_SIZE, key_emb_size)
        self.encoder = LegacyEncoder(N_COORD_FEATS + key_emb_size, num_encoder_layers)
        self.char_pos_encoder = PositionalEncoding(D_MODEL, MAX_TOKEN_LEN)
        self.key_pos_encoder = PositionalEncoding(key_emb_size, MAX_CURVE_LEN)
        self.decoder = LegacyDecoder(num_decoder_layers, n_char_tokens - 2)

    def encode(self, traj: Tensor, kb_tokens: Tensor, pad_mask: Optional[Tensor]) -> Tensor:
        """``key_embedding → dropout → + pe → cat(traj, k) → first layer → liner → transformer_encoder``."""
        k = self.key_embedding(kb_tokens)
        k = self.key_embedding_dropout(k)
        k = self.key_pos_encoder(k)
        x = torch.cat((traj, k), dim=-1)
        return self.encoder(x, pad_mask)

    def decode_hidden(self, tokens: Tensor, memory: Tensor, memory_pad_mask: Optional[Tensor]) -> Tensor:
        """Decoder output before ``decoder.out``: ``(T, B, 128)``."""
        y = self.char_embedding(tokens)
        y = self.char_embedding_dropout(y)
        y = self.char_pos_encoder(y)
        mask = causal_mask(y.size(0), y.device, y.dtype)
        return self.decoder.transformer_decoder(
            y, memory, tgt_mask=mask, memory_key_padding_mask=memory_pad_mask
        )

    def memory_kv(self, memory: Tensor) -> Tensor:
        """Every decoder layer's cross-attention key and value of the memory, split into heads:
        ``(L, 2, B, H, S, 128 / H)``."""
        return self.decoder.transformer_decoder.memory_kv(memory)

    def decode_step_hidden(self, tokens: Tensor, self_kv: Tensor, self_len: Tensor, mem_kv: Tensor,
                           memory_pad_mask: Optional[Tensor]) -> Tuple[Tensor, Tensor]:
        """One token per row at position ``self_len``: hidden ``(B, 128)`` before ``decoder.out`` and the
        new self-attention cache entries ``(L, 2, B, H, 128 / H)``; same embedding as ``decode_hidden`` (eval)."""
        y = self.char_embedding(tokens) + self.char_pos_encoder.pe[self_len.to(tokens.device), 0]
        return self.decoder.transformer_decoder.step(y, self_kv, self_len, mem_kv, memory_pad_mask)

    def project(self, hidden: Tensor) -> Tensor:
        """The output layer: hidden states → logits over the classes (35 with the seed's tokens)."""
        return self.decoder.out(hidden)

    def step_weights(self) -> Dict[str, Tensor]:
        """The decoder's parameters under the names of docs/MODEL_FORMAT.md, "Step weights"."""
        out: Dict[str, Tensor] = {
            "token_embedding": self.char_embedding.weight,
            "position_embedding": self.char_pos_encoder.pe[:, 0],
            "out.weight": self.decoder.out.weight,
            "out.bias": self.decoder.out.bias,
        }
        self.decoder.transformer_decoder.step_weights(out)
        return out


def build_legacy(name: str, n_char_tokens: int = CHAR_VOCAB_SIZE) -> SwipeCurveTransformer:
    """Builds the legacy model registered as ``name`` (``m1``, ``m1_bigger`` or ``m1_smaller``) for a
    character tokenizer of ``n_char_tokens`` tokens."""
    key_emb_size, n_enc, n_dec = LEGACY_HPARAMS[name]
    return SwipeCurveTransformer(key_emb_size, n_enc, n_dec, n_char_tokens)
