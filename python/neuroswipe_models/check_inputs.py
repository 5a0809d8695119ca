"""Random padded model inputs of the export's self-checks and the test fixtures, for every key input."""
from typing import List, Tuple

import torch
from torch import Tensor

from .contract import NeuroswipeModel
from .model_format import N_CLASSES, N_KB_TOKENS, PAD_TOKEN
from .registry import TransformConfig


def random_keys(tcfg: TransformConfig, model: NeuroswipeModel, s: int, b: int, gen: torch.Generator) -> Tensor:
    """Plausible random ``keys`` for the model's key input."""
    if tcfg.key_input == "nearest":
        return torch.randint(0, N_KB_TOKENS, (s, b), generator=gen, dtype=torch.int64)
    if tcfg.key_input == "weights":
        w = torch.rand(s, b, tcfg.n_key_columns, generator=gen)
        return w * (torch.rand(s, b, tcfg.n_key_columns, generator=gen) > 0.3).float()
    if tcfg.key_input == "distances":
        d = torch.rand(s, b, tcfg.n_key_columns, generator=gen) * 500
        return torch.where(torch.rand(s, b, tcfg.n_key_columns, generator=gen) > 0.2, d, torch.full_like(d, -1.0))
    # xy: points near the keys' Gaussian means, so that log-densities stay moderate
    dists = list(model.model.enc_in_emb_model.weights_getter.distributions.values())
    picks = torch.randint(0, len(dists), (s, b), generator=gen)
    xy = torch.empty(s, b, 2)
    with torch.no_grad():
        for i in range(s):
            for j in range(b):
                d = dists[int(picks[i, j])]
                std = torch.diagonal(d._psd_sym_matrix()).clamp_min(1e-6).sqrt()
                xy[i, j] = d.mean + std * torch.randn(2, generator=gen)
    return xy


def check_inputs(tcfg: TransformConfig, model: NeuroswipeModel, seed: int, lengths: List[int],
                 token_lengths: List[int]) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """Random padded batch: ``traj, keys, src_pad_mask, tokens, token lengths`` (tokens start with ``<sos>``)."""
    gen = torch.Generator().manual_seed(seed)
    s, b, t = max(lengths), len(lengths), max(token_lengths)
    traj = torch.randn(s, b, tcfg.n_traj_feats, generator=gen)
    keys = random_keys(tcfg, model, s, b, gen)
    pad = torch.zeros(b, s, dtype=torch.bool)
    for j, n in enumerate(lengths):
        pad[j, n:] = True
        traj[n:, j] = 0
        if tcfg.key_input == "nearest":
            keys[n:, j] = PAD_TOKEN
        else:
            keys[n:, j] = 0
    n_classes = model.model.char_embedding.num_embeddings - 2 if hasattr(model.model, "char_embedding") else N_CLASSES
    tokens = torch.randint(0, n_classes, (t, b), generator=gen, dtype=torch.int64)
    tokens[0] = n_classes + 1  # <sos>
    for j, n in enumerate(token_lengths):
        tokens[n:, j] = n_classes  # <pad>
    return traj, keys, pad, tokens, torch.tensor(token_lengths, dtype=torch.int64)
