"""Per-key trainable 2-D Gaussians of the experimental
``v3_trainable_gaussian_weights_and_traj_transformer_bigger`` model (docs/SEED.md §5.2, §5.4).

Reading of the seed (the spec describes it loosely):

* ``weights_getter.distributions.{k}`` exists for every key index ``k`` with a real centre; a key whose
  centre is ``(−1, −1)`` has no distribution and its weight is 0. The seed registry passes no key
  centres (means start random), so every one of the 37 keys has a distribution; a checkpoint trained
  with centres may lack some indices, which ``present_keys`` reproduces.
* Each distribution has a trainable ``mean`` ``[2]`` and ``_psd_sym_matrix.matrix`` ``M`` ``[2, 2]``; the
  covariance is ``M·Mᵀ``; the weight is the log-density of the xy point under
  ``MultivariateNormal(mean, M·Mᵀ)``.
* The log-density is written out in closed form (Cholesky factor, triangular solve of the 2-vector,
  ``−½(2·ln 2π + ‖z‖²) − Σ ln Lᵢᵢ``, the same formula and op order as ``torch.distributions``) because
  ``torch.distributions`` cannot be compiled to TorchScript. ``reference_log_prob`` evaluates the
  ``torch.distributions`` version for checking.
"""
import math
from typing import List, Optional

import torch
from torch import Tensor, nn


class PSDSymmetricMatrix(nn.Module):
    """A trainable matrix ``M``; the represented positive semi-definite matrix is ``M·Mᵀ``."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.matrix = nn.Parameter(torch.randn(n, n))

    def forward(self) -> Tensor:
        return self.matrix @ self.matrix.T


class TrainableMultivariateNormal2d(nn.Module):
    """A 2-D normal distribution with trainable mean and covariance ``M·Mᵀ``; ``forward`` = log-density."""

    def __init__(self, mean: Optional[Tensor] = None) -> None:
        super().__init__()
        self.mean = nn.Parameter(torch.randn(2) if mean is None else mean.clone().float())
        self._psd_sym_matrix = PSDSymmetricMatrix(2)

    def forward(self, xy: Tensor) -> Tensor:
        cov = self._psd_sym_matrix()
        chol = torch.linalg.cholesky(cov)
        diff = xy - self.mean
        z0 = diff[..., 0] / chol[0, 0]
        z1 = (diff[..., 1] - chol[1, 0] * z0) / chol[1, 1]
        maha = z0 * z0 + z1 * z1
        half_log_det = torch.log(chol[0, 0]) + torch.log(chol[1, 1])
        return -0.5 * (2.0 * math.log(2.0 * math.pi) + maha) - half_log_det

    def reference_log_prob(self, xy: Tensor) -> Tensor:
        """The seed's ``torch.distributions.MultivariateNormal(mean, cov).log_prob`` (eager only)."""
        dist = torch.distributions.MultivariateNormal(self.mean, self._psd_sym_matrix())
        return dist.log_prob(xy)


class KeyboardKeyNormalDistributions(nn.Module):
    """Maps xy points ``(S, B, 2)`` to per-key log-densities ``(S, B, n_keys)`` (0 for absent keys)."""

    def __init__(self, n_keys: int, present_keys: Optional[List[int]] = None) -> None:
        super().__init__()
        self.n_keys = n_keys
        keys = list(range(n_keys)) if present_keys is None else sorted(set(int(k) for k in present_keys))
        if any(k < 0 or k >= n_keys for k in keys):
            raise ValueError(f"present key indices must be in [0, {n_keys}), got {keys}")
        self.distributions = nn.ModuleDict({str(k): TrainableMultivariateNormal2d() for k in keys})

    def forward(self, xy: Tensor) -> Tensor:
        shape = xy.shape[:-1]
        weights = torch.zeros(shape[0], shape[1], self.n_keys, dtype=xy.dtype, device=xy.device)
        for name, dist in self.distributions.items():
            weights[:, :, int(name)] = dist(xy)
        return weights

    def reference(self, xy: Tensor) -> Tensor:
        """Same as ``forward`` but with ``torch.distributions`` log-densities, stacked like the seed."""
        columns = [torch.zeros(xy.shape[:-1], device=xy.device) for _ in range(self.n_keys)]
        for name, dist in self.distributions.items():
            columns[int(name)] = dist.reference_log_prob(xy)
        return torch.stack(columns, dim=-1)


def present_keys_from_state_dict(state_dict: dict, prefix: str) -> List[int]:
    """Key indices that own a distribution in a checkpoint (``{prefix}distributions.{k}.mean`` keys)."""
    found = set()
    head = prefix + "distributions."
    for key in state_dict:
        if key.startswith(head):
            index = key[len(head):].split(".", 1)[0]
            if index.isdigit():
                found.add(int(index))
    return sorted(found)
