"""Self-checks of a saved TorchScript model against its eager source: full decoding, incremental decoding,
the ``step_weights`` layout and the closed-form key Gaussians."""
from typing import List, Optional, Tuple

import torch
from torch import Tensor

from .check_inputs import check_inputs, random_keys
from .contract import NeuroswipeModel
from .incremental_check import run_schedule, schedule_diff, steps_for
from .registry import TransformConfig

TOLERANCE = 1e-5


class SelfCheckError(RuntimeError):
    """The saved TorchScript does not reproduce the eager model."""


#: Self-check cases: swipe lengths, token prefix lengths, whether masks are passed.
CHECK_CASES: List[Tuple[List[int], List[int], bool]] = [([11, 7, 2], [5, 3, 1], True), ([9], [4], False)]
#: Masked noise positions past the memory in the incremental check's mem_kv view.
EXTRA_MEMORY = 4


def _max_diff(a: Tensor, b: Tensor) -> float:
    if a.shape != b.shape:
        raise SelfCheckError(f"shape mismatch: eager {list(a.shape)} vs TorchScript {list(b.shape)}")
    return float((a - b).abs().max()) if a.numel() else 0.0


def _check_runs(tcfg: TransformConfig, eager: NeuroswipeModel, seed: int):
    """Every check case under both graph executors, plain then optimised (what libtorch runs by default; in
    this order the optimised executor's first-call cost is also far smaller): whether optimised, the case
    ``(lengths, token_lengths, masked)`` and its inputs ``(traj, keys, pad, tokens, token_lengths tensor)``."""
    for optimized in (False, True):
        for k, (lengths, token_lengths, masked) in enumerate(CHECK_CASES):
            yield optimized, (lengths, token_lengths, masked), check_inputs(tcfg, eager, seed + k, lengths, token_lengths)


def self_check(eager: NeuroswipeModel, scripted: torch.jit.ScriptModule, tcfg: TransformConfig,
               seed: int = 1234) -> float:
    """Compares TorchScript ``encode``/``decode``/``decode_last`` with the eager model on random inputs.

    Returns the largest absolute difference; raises ``SelfCheckError`` above ``TOLERANCE``.
    """
    worst = 0.0
    with torch.no_grad():
        for optimized, (lengths, _, masked), (traj, keys, pad, tokens, tl) in _check_runs(tcfg, eager, seed):
            mask = pad if masked else None
            mem_e = eager.encode(traj, keys, mask)
            log_e = eager.decode(tokens, mem_e, mask)
            last_e = log_e[tl - 1, torch.arange(len(lengths))]
            with torch.jit.optimized_execution(optimized):
                mem_s = scripted.encode(traj, keys, mask)
                log_s = scripted.decode(tokens, mem_e, mask)
                last_s = scripted.decode_last(tokens, tl, mem_e, mask)
            if not torch.isfinite(mem_e).all() or not torch.isfinite(log_e).all():
                raise SelfCheckError("the eager model gives non-finite outputs on the check inputs")
            worst = max(worst, _max_diff(mem_e, mem_s), _max_diff(log_e, log_s), _max_diff(last_e, last_s))
    if worst > TOLERANCE:
        raise SelfCheckError(f"TorchScript differs from the eager model: max abs difference {worst:.3g} > {TOLERANCE}")
    return worst


def incremental_self_check(eager: NeuroswipeModel, scripted: torch.jit.ScriptModule, tcfg: TransformConfig,
                           n_decoder_layers: Optional[int] = None, seed: int = 4321) -> float:
    """Decodes the check inputs token by token with the TorchScript ``memory_kv``/``decode_step`` (row-reuse
    schedule of ``incremental_check``, caches passed as narrowed non-contiguous views; the masked case's
    ``mem_kv`` view also holds ``EXTRA_MEMORY`` masked noise positions) under both graph executors and
    compares every step's logits with the eager ``decode`` at the same positions.

    Returns the largest absolute difference; raises ``SelfCheckError`` above ``TOLERANCE``, on a broken
    layout, or when the cache has another layer count than ``n_decoder_layers`` (the metadata).
    """
    worst = 0.0
    with torch.no_grad():
        for optimized, (_, token_lengths, masked), (traj, keys, pad, tokens, _) in _check_runs(tcfg, eager, seed):
            mask = pad if masked else None
            memory = eager.encode(traj, keys, mask)
            reference = eager.decode(tokens, memory, mask)
            try:
                with torch.jit.optimized_execution(optimized):
                    run = run_schedule(scripted, tokens, token_lengths, memory, mask, steps_for(token_lengths), seed,
                                       extra_memory=EXTRA_MEMORY if masked else 0)
                worst = max(worst, schedule_diff(reference, run))
            except RuntimeError as exc:  # IncrementalCheckError, or a TorchScript error inside the methods
                raise SelfCheckError(f"incremental decoding: {exc}") from exc
            layers = run["mem_kv"].size(0)
            if n_decoder_layers is not None and layers != n_decoder_layers:
                raise SelfCheckError(f"incremental decoding: memory_kv has {layers} layers, "
                                     f"the metadata says n_decoder_layers = {n_decoder_layers}")
    if worst > TOLERANCE:
        raise SelfCheckError(f"decode_step differs from decode: max abs difference {worst:.3g} > {TOLERANCE}")
    return worst


#: Per-layer entries of ``step_weights`` (docs/MODEL_FORMAT.md, "Step weights") and their shapes in D and FF.
STEP_LAYER_SHAPES = {
    "self_attn.in_proj_weight": ("3D", "D"), "self_attn.in_proj_bias": ("3D",),
    "self_attn.out_proj.weight": ("D", "D"), "self_attn.out_proj.bias": ("D",),
    "multihead_attn.in_proj_weight": ("3D", "D"), "multihead_attn.in_proj_bias": ("3D",),
    "multihead_attn.out_proj.weight": ("D", "D"), "multihead_attn.out_proj.bias": ("D",),
    "linear1.weight": ("FF", "D"), "linear1.bias": ("FF",), "linear2.weight": ("D", "FF"), "linear2.bias": ("D",),
    "norm1.weight": ("D",), "norm1.bias": ("D",), "norm2.weight": ("D",), "norm2.bias": ("D",),
    "norm3.weight": ("D",), "norm3.bias": ("D",),
}


def step_weights_self_check(scripted: torch.jit.ScriptModule, n_decoder_layers: Optional[int]) -> None:
    """``step_weights()`` of the saved model has exactly the documented names and consistent shapes."""
    w = scripted.step_weights()
    d = w["token_embedding"].size(1)
    ff = w["layers.0.linear1.weight"].size(0)
    layers = 0
    while f"layers.{layers}.norm1.weight" in w:
        layers += 1
    if n_decoder_layers is not None and layers != n_decoder_layers:
        raise SelfCheckError(f"step_weights: {layers} layers, the metadata says n_decoder_layers = {n_decoder_layers}")
    sizes = {"D": d, "3D": 3 * d, "FF": ff}
    expected = {"token_embedding": None, "position_embedding": None, "out.weight": None, "out.bias": None}
    for i in range(layers):
        for key, dims in STEP_LAYER_SHAPES.items():
            expected[f"layers.{i}.{key}"] = tuple(sizes[x] for x in dims)
    if "norm.weight" in w:
        expected["norm.weight"] = expected["norm.bias"] = (d,)
    if set(w) != set(expected):
        raise SelfCheckError(f"step_weights: unexpected names {sorted(set(w) ^ set(expected))}")
    for key, shape in expected.items():
        if shape is not None and tuple(w[key].shape) != shape:
            raise SelfCheckError(f"step_weights: {key} has shape {tuple(w[key].shape)}, expected {shape}")
    if w["position_embedding"].size(1) != d or w["out.weight"].size(1) != d:
        raise SelfCheckError("step_weights: position_embedding and out.weight must have D columns")


def gaussian_reference_diff(eager: NeuroswipeModel, tcfg: TransformConfig, seed: int = 99) -> float:
    """Largest relative difference between the closed-form log-densities and ``torch.distributions``."""
    getter = eager.model.enc_in_emb_model.weights_getter
    gen = torch.Generator().manual_seed(seed)
    xy = random_keys(tcfg, eager, 13, 2, gen)
    with torch.no_grad():
        ours, ref = getter(xy), getter.reference(xy)
    return float(((ours - ref).abs() / ref.abs().clamp_min(1.0)).max())
