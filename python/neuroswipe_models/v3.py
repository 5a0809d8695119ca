"""The v3 seed family ``EncoderDecoderTransformerLike`` (docs/SEED.md §5.2).

Every encoder-input embedding takes ``(traj, keys)``; the key-only one ignores ``traj``. Sub-module
names reproduce the seed state dict (§5.4): ``enc_in_emb_model`` (listed first), ``dec_in_emb_model``
(a ``Sequential`` of ``Embedding``, ``Dropout``, ``PositionalEncoding``), ``encoder``, ``decoder``, ``out``.
"""
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor, nn

from .common import PositionalEncoding, causal_mask, encoder_stack
from .gaussian import KeyboardKeyNormalDistributions
from .incremental import IncrementalDecoder, IncrementalDecoderLayer

CHAR_VOCAB_SIZE = 37
N_KEYS = 37  # one more than the keyboard tokenizer (seed legacy, §4.2)
N_CLASSES = CHAR_VOCAB_SIZE - 2
MAX_TOKEN_LEN = 35
MAX_CURVE_LEN = 299
D_MODEL = 128
NHEAD = 4
DIM_FEEDFORWARD = 128
N_ENCODER_LAYERS = 4
N_DECODER_LAYERS = 4
DROPOUT = 0.1


class WeightsSumEmbeddingWithPos(nn.Module):
    """``embeddings = Linear(n_keys, E)`` applied to per-key weights, then ``+ pe`` (``pos_encoder``)."""

    def __init__(self, n_keys: int, dim: int, max_len: int) -> None:
        super().__init__()
        self.embeddings = nn.Linear(n_keys, dim)
        self.pos_encoder = PositionalEncoding(dim, max_len)

    def forward(self, weights: Tensor) -> Tensor:
        return self.pos_encoder(self.embeddings(weights))


class NearestEmbeddingWithPos(nn.Module):
    """``key_emb = Embedding(n_keys, E)`` of nearest-key ids, ``+ pe``, dropout."""

    def __init__(self, n_keys: int, dim: int, max_len: int) -> None:
        super().__init__()
        self.key_emb = nn.Embedding(n_keys, dim)
        self.pos_encoder = PositionalEncoding(dim, max_len)
        self.dropout = nn.Dropout(DROPOUT)

    def embed(self, keys: Tensor) -> Tensor:
        return self.dropout(self.pos_encoder(self.key_emb(keys)))

    def forward(self, traj: Tensor, keys: Tensor) -> Tensor:
        # Key-only model (`v3_nearest_only`): the trajectory (an empty [S,B,0] tensor) is unused.
        return self.embed(keys)


class SeparateTrajAndNearestEmbeddingWithPos(nn.Module):
    """``cat(traj, key_emb(keys))`` — traj features are neither embedded nor position-encoded."""

    def __init__(self, n_keys: int, key_emb_size: int, max_len: int) -> None:
        super().__init__()
        self.key_emb = NearestEmbeddingWithPos(n_keys, key_emb_size, max_len)

    def forward(self, traj: Tensor, keys: Tensor) -> Tensor:
        return torch.cat((traj, self.key_emb.embed(keys)), dim=-1)


class SeparateTrajAndWEightedEmbeddingWithPos(nn.Module):
    """``cat(traj, dropout(weighted_sum_emb(weights)))``."""

    def __init__(self, n_keys: int, key_emb_size: int, max_len: int) -> None:
        super().__init__()
        self.weighted_sum_emb = WeightsSumEmbeddingWithPos(n_keys, key_emb_size, max_len)
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, traj: Tensor, weights: Tensor) -> Tensor:
        return torch.cat((traj, self.dropout(self.weighted_sum_emb(weights))), dim=-1)


class SeparateTrajAndTrainableWeightedEmbeddingWithPos(nn.Module):
    """Per-key Gaussian log-densities of the xy point, then as the weighted model."""

    def __init__(self, n_keys: int, key_emb_size: int, max_len: int, present_keys: Optional[list] = None) -> None:
        super().__init__()
        self.weights_getter = KeyboardKeyNormalDistributions(n_keys, present_keys)
        self.weighted_sum_emb = WeightsSumEmbeddingWithPos(n_keys, key_emb_size, max_len)
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, traj: Tensor, xy: Tensor) -> Tensor:
        weights = self.weights_getter(xy)
        return torch.cat((traj, self.dropout(self.weighted_sum_emb(weights))), dim=-1)


class EncoderDecoderTransformerLike(nn.Module):
    """Seed v3 encoder-decoder with a 4+4-layer, width-128 post-norm backbone and final norms."""

    def __init__(self, enc_in_emb_model: nn.Module) -> None:
        super().__init__()
        self.enc_in_emb_model = enc_in_emb_model
        self.dec_in_emb_model = nn.Sequential(
            nn.Embedding(CHAR_VOCAB_SIZE, D_MODEL),
            nn.Dropout(DROPOUT),
            PositionalEncoding(D_MODEL, MAX_TOKEN_LEN),
        )
        self.encoder = encoder_stack(
            nn.TransformerEncoderLayer(D_MODEL, NHEAD, DIM_FEEDFORWARD, DROPOUT), N_ENCODER_LAYERS,
            nn.LayerNorm(D_MODEL, eps=1e-5),
        )
        self.decoder = IncrementalDecoder(
            IncrementalDecoderLayer(D_MODEL, NHEAD, DIM_FEEDFORWARD, DROPOUT), N_DECODER_LAYERS,
            norm=nn.LayerNorm(D_MODEL, eps=1e-5),
        )
        self.out = nn.Linear(D_MODEL, N_CLASSES)

    def encode(self, traj: Tensor, keys: Tensor, pad_mask: Optional[Tensor]) -> Tensor:
        x = self.enc_in_emb_model(traj, keys)
        return self.encoder(x, src_key_padding_mask=pad_mask)

    def decode_hidden(self, tokens: Tensor, memory: Tensor, memory_pad_mask: Optional[Tensor]) -> Tensor:
        """Decoder output (after the final norm) before ``out``: ``(T, B, 128)``."""
        y = self.dec_in_emb_model(tokens)
        mask = causal_mask(y.size(0), y.device, y.dtype)
        return self.decoder(y, memory, tgt_mask=mask, memory_key_padding_mask=memory_pad_mask)

    def memory_kv(self, memory: Tensor) -> Tensor:
        """Every decoder layer's cross-attention key and value of the memory, split into heads:
        ``(L, 2, B, H, S, 128 / H)``."""
        return self.decoder.memory_kv(memory)

    def decode_step_hidden(self, tokens: Tensor, self_kv: Tensor, self_len: Tensor, mem_kv: Tensor,
                           memory_pad_mask: Optional[Tensor]) -> Tuple[Tensor, Tensor]:
        """One token per row at position ``self_len``: hidden ``(B, 128)`` after the final norm, before
        ``out``, and the new self-attention cache entries ``(L, 2, B, H, 128 / H)`` (eval-mode embedding)."""
        y = self.dec_in_emb_model[0](tokens) + self.dec_in_emb_model[2].pe[self_len.to(tokens.device), 0]
        return self.decoder.step(y, self_kv, self_len, mem_kv, memory_pad_mask)

    def project(self, hidden: Tensor) -> Tensor:
        return self.out(hidden)

    def step_weights(self) -> Dict[str, Tensor]:
        """The decoder's parameters under the names of docs/MODEL_FORMAT.md, "Step weights"."""
        out: Dict[str, Tensor] = {
            "token_embedding": self.dec_in_emb_model[0].weight,
            "position_embedding": self.dec_in_emb_model[2].pe[:, 0],
            "out.weight": self.out.weight,
            "out.bias": self.out.bias,
        }
        self.decoder.step_weights(out)
        return out


def build_v3(name: str, n_coord_feats: int, present_keys: Optional[list] = None) -> EncoderDecoderTransformerLike:
    """Builds the v3 model registered as ``name``; the key embedding width is ``128 − n_coord_feats``.

    ``present_keys`` (trainable-Gaussian model only): key indices that own a distribution; ``None`` =
    all 37, as the seed registry builds it (no key centres passed).
    """
    key_emb_size = D_MODEL - n_coord_feats
    if name == "v3_weighted_and_traj_transformer_bigger":
        emb: nn.Module = SeparateTrajAndWEightedEmbeddingWithPos(N_KEYS, key_emb_size, MAX_CURVE_LEN)
    elif name == "v3_nearest_and_traj_transformer_bigger":
        emb = SeparateTrajAndNearestEmbeddingWithPos(N_KEYS, key_emb_size, MAX_CURVE_LEN)
    elif name == "v3_nearest_only_transformer_bigger":
        if n_coord_feats != 0:
            raise ValueError(f"{name}: n_coord_feats must be 0, got {n_coord_feats}")
        emb = NearestEmbeddingWithPos(N_KEYS, D_MODEL, MAX_CURVE_LEN)
    elif name == "v3_trainable_gaussian_weights_and_traj_transformer_bigger":
        emb = SeparateTrajAndTrainableWeightedEmbeddingWithPos(N_KEYS, key_emb_size, MAX_CURVE_LEN, present_keys)
    else:
        raise ValueError(f"unknown v3 architecture {name!r}")
    return EncoderDecoderTransformerLike(emb)
