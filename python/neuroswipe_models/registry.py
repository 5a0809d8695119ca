"""Seed architecture registry: how each name is built and which transform it was trained with.

Transforms and flags: docs/SEED.md §3.6, §3.7; feature count: §3.10.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from torch import nn

from .legacy import LEGACY_HPARAMS, build_legacy
from .legacy import NHEAD as LEGACY_NHEAD
from .v3 import N_DECODER_LAYERS as V3_DECODER_LAYERS
from .v3 import NHEAD as V3_NHEAD
from .v3 import build_v3

#: transform name → (key_input, n_key_columns, has trajectory features)
TRANSFORMS: Dict[str, Tuple[str, int, bool]] = {
    "traj_feats_and_nearest_key": ("nearest", 0, True),
    "traj_feats_and_distance_weights": ("weights", 37, True),
    "nearest_key_only": ("nearest", 0, False),
    "traj_feats_and_distances__actual": ("distances", 37, True),
    "traj_feats_and_xy": ("xy", 2, True),
}

FLAG_NAMES = ("include_time", "include_velocities", "include_accelerations", "include_coords")

_TRAJ6 = {"include_time": False, "include_velocities": True, "include_accelerations": True, "include_coords": True}
_NO_TRAJ = {"include_time": False, "include_velocities": False, "include_accelerations": False, "include_coords": False}


@dataclass(frozen=True)
class ArchSpec:
    """One registry entry: family, default transform and the transforms its key input accepts."""

    family: str  # "legacy" or "v3"
    default_transform: str
    allowed_transforms: Tuple[str, ...]
    default_flags: Dict[str, bool] = field(default_factory=dict)
    fixed_n_traj_feats: Optional[int] = None  # legacy models and the key-only model accept one F only


ARCHS: Dict[str, ArchSpec] = {
    **{
        name: ArchSpec("legacy", "traj_feats_and_nearest_key", ("traj_feats_and_nearest_key",), _TRAJ6, 6)
        for name in LEGACY_HPARAMS
    },
    "v3_weighted_and_traj_transformer_bigger": ArchSpec(
        "v3", "traj_feats_and_distance_weights",
        ("traj_feats_and_distance_weights", "traj_feats_and_distances__actual"), _TRAJ6),
    "v3_nearest_and_traj_transformer_bigger": ArchSpec(
        "v3", "traj_feats_and_nearest_key", ("traj_feats_and_nearest_key",), _TRAJ6),
    "v3_nearest_only_transformer_bigger": ArchSpec(
        "v3", "nearest_key_only", ("nearest_key_only",), _NO_TRAJ, 0),
    "v3_trainable_gaussian_weights_and_traj_transformer_bigger": ArchSpec(
        "v3", "traj_feats_and_xy", ("traj_feats_and_xy",), _TRAJ6),
}

ARCH_NAMES: List[str] = list(ARCHS)


@dataclass(frozen=True)
class TransformConfig:
    """A resolved transform: name, flags, trajectory feature count and key input kind."""

    name: str
    flags: Dict[str, bool]
    n_traj_feats: int
    key_input: str
    n_key_columns: int

    def to_json(self) -> dict:
        return {"name": self.name, **{k: bool(self.flags[k]) for k in FLAG_NAMES}}


def n_coord_feats(flags: Dict[str, bool]) -> int:
    """``2·(coords + velocities + accelerations) + time`` (docs/SEED.md §3.10)."""
    return 2 * (int(flags["include_coords"]) + int(flags["include_velocities"])
                + int(flags["include_accelerations"])) + int(flags["include_time"])


def resolve_transform(arch: str, transform: Optional[str] = None,
                      overrides: Optional[Dict[str, Optional[bool]]] = None) -> TransformConfig:
    """The architecture's training transform with optional name / flag overrides, validated.

    Raises ``ValueError`` naming the offending option when the combination cannot feed the model.
    """
    spec = arch_spec(arch)
    name = transform or spec.default_transform
    if name not in TRANSFORMS:
        raise ValueError(f"--transform: unknown transform {name!r}; known: {', '.join(TRANSFORMS)}")
    if name not in spec.allowed_transforms:
        raise ValueError(f"--transform: {arch} takes {' or '.join(spec.allowed_transforms)}, not {name!r}")
    flags = dict(spec.default_flags)
    for key, value in (overrides or {}).items():
        if key not in FLAG_NAMES:
            raise ValueError(f"unknown transform flag {key!r}")
        if value is not None:
            flags[key] = bool(value)
    key_input, n_key_columns, has_traj = TRANSFORMS[name]
    if flags["include_accelerations"] and not flags["include_velocities"]:
        raise ValueError("--include-accelerations needs --include-velocities (docs/SEED.md §3.2)")
    if has_traj and not flags["include_coords"]:
        raise ValueError(f"--no-include-coords: transform {name} always emits coordinates (docs/SEED.md §3.2)")
    if not has_traj and any(flags[k] for k in FLAG_NAMES):
        raise ValueError(f"transform {name} has no trajectory features; all include_* flags must be false")
    f = n_coord_feats(flags)
    if spec.fixed_n_traj_feats is not None and f != spec.fixed_n_traj_feats:
        raise ValueError(f"{arch} takes exactly {spec.fixed_n_traj_feats} trajectory features, the flags give {f}")
    if f >= 128:
        raise ValueError(f"{f} trajectory features leave no room for the key embedding (d_model 128)")
    return TransformConfig(name, flags, f, key_input, n_key_columns)


def arch_spec(arch: str) -> ArchSpec:
    """The registry entry for ``arch``; ``ValueError`` listing the known names otherwise."""
    if arch not in ARCHS:
        raise ValueError(f"--arch: unknown architecture {arch!r}; known: {', '.join(ARCH_NAMES)}")
    return ARCHS[arch]


def decoder_shape(arch: str) -> Tuple[int, int]:
    """``(decoder layers, attention heads)`` of ``arch``: the ``L`` and ``H`` of the incremental-decoding caches."""
    spec = arch_spec(arch)
    if spec.family == "legacy":
        return LEGACY_HPARAMS[arch][2], LEGACY_NHEAD
    return V3_DECODER_LAYERS, V3_NHEAD


def build_model(arch: str, n_traj_feats: int, present_keys: Optional[List[int]] = None,
                n_char_tokens: int = 37) -> nn.Module:
    """A freshly initialised seed model for ``arch`` (eval mode) and a character tokenizer of
    ``n_char_tokens`` tokens (the legacy family takes any count; the v3 family only the seed's 37)."""
    spec = arch_spec(arch)
    if spec.family == "legacy":
        model = build_legacy(arch, n_char_tokens)
    else:
        if n_char_tokens != 37:
            raise ValueError(f"{arch}: the v3 architectures take the seed's 37 char tokens, got {n_char_tokens} "
                             "(the legacy m1 family takes any number)")
        model = build_v3(arch, n_traj_feats, present_keys)
    return model.eval()
