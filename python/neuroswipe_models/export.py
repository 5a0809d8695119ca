"""Scripting, checking and atomically saving a seed model in the neuroswipe contract (docs/MODEL_FORMAT.md)."""
import json
import os
import tempfile
from typing import Callable, Dict, List, Optional, Tuple

import torch
from torch import Tensor

from .checkpoint import load_strict, sha256_file
from .contract import NeuroswipeModel
from .gaussian import present_keys_from_state_dict
from .incremental_check import run_schedule, schedule_diff, steps_for
from .registry import TransformConfig, arch_spec, build_model, decoder_shape

METADATA_FILE = "neuroswipe.json"
D_MODEL = 128
N_CLASSES = 35
MAX_CURVE_LEN = 299
MAX_TOKEN_LEN = 35
N_KB_TOKENS = 36  # keyboard tokenizer ids 0..35 (§4.2)
PAD_TOKEN = 35
SOS_TOKEN = 36
TOLERANCE = 1e-5
_GAUSSIAN_PREFIX = "enc_in_emb_model.weights_getter."


class SelfCheckError(RuntimeError):
    """The saved TorchScript does not reproduce the eager model."""


#: Self-check cases: swipe lengths, token prefix lengths, whether masks are passed.
CHECK_CASES: List[Tuple[List[int], List[int], bool]] = [([11, 7, 2], [5, 3, 1], True), ([9], [4], False)]
#: Masked noise positions past the memory in the incremental check's mem_kv view.
EXTRA_MEMORY = 4


def prepare_model(arch: str, tcfg: TransformConfig, state_dict: Optional[Dict[str, Tensor]] = None,
                  source: str = "checkpoint", seed: int = 0, n_char_tokens: int = N_CLASSES + 2) -> NeuroswipeModel:
    """The eager contract wrapper of ``arch`` for ``n_char_tokens`` char tokens: random-initialised with
    ``seed``, or loaded strictly."""
    present = None
    if state_dict is not None and arch.startswith("v3_trainable_gaussian"):
        present = present_keys_from_state_dict(state_dict, _GAUSSIAN_PREFIX) or None
    torch.manual_seed(seed)
    model = build_model(arch, tcfg.n_traj_feats, present, n_char_tokens)
    if state_dict is not None:
        load_strict(model, state_dict, source)
    return NeuroswipeModel(model).eval()


def make_metadata(arch: str, tcfg: TransformConfig, char_tokens: List[str], grid_names: List[str],
                  weights_path: Optional[str] = None) -> dict:
    """The ``neuroswipe.json`` object of docs/MODEL_FORMAT.md."""
    arch_spec(arch)
    n_decoder_layers, n_heads = decoder_shape(arch)
    n_classes = len(char_tokens) - 2
    if arch_spec(arch).family != "legacy" and n_classes != N_CLASSES:
        raise ValueError(f"--vocab: the vocabulary gives {len(char_tokens)} char tokens ({n_classes} classes); "
                         f"{arch} predicts {N_CLASSES} classes, which needs {N_CLASSES + 2} tokens "
                         "(the legacy m1 family takes any number)")
    if n_classes < 3:
        raise ValueError(f"--vocab: the vocabulary gives {len(char_tokens)} char tokens; at least one character is needed")
    specials = list(char_tokens[-4:])
    if specials != ["<eos>", "<unk>", "<pad>", "<sos>"]:
        raise ValueError(f"char tokens: expected the characters then <eos>, <unk>, <pad>, <sos>; the list ends with {specials}")
    if not grid_names or any(not g for g in grid_names):
        raise ValueError(f"--grids: expected comma-separated grid names, got {grid_names!r}")
    meta = {
        "format": "neuroswipe-model",
        "format_version": 1,
        "architecture": arch,
        "transform": tcfg.to_json(),
        "n_traj_feats": tcfg.n_traj_feats,
        "key_input": tcfg.key_input,
        "n_key_columns": tcfg.n_key_columns,
        "char_tokens": list(char_tokens),
        "n_classes": n_classes,
        "d_model": D_MODEL,
        "max_curve_len": MAX_CURVE_LEN,
        "max_token_len": MAX_TOKEN_LEN,
        "incremental": True,
        "kv_layout": "heads",
        "n_decoder_layers": n_decoder_layers,
        "n_heads": n_heads,
        "grid_names": list(grid_names),
        "exported_with": {"torch": torch.__version__},
    }
    if weights_path is not None:
        meta["source_weights"] = {"path": weights_path, "sha256": sha256_file(weights_path)}
    return meta


def to_torchscript(model: NeuroswipeModel) -> torch.jit.ScriptModule:
    """``torch.jit.script`` of the eval-mode wrapper."""
    return torch.jit.script(model.eval())


def write_archive(scripted: torch.jit.ScriptModule, out_path: str, extra_files: Dict[str, str],
                  verify: Optional[Callable[[str], None]] = None) -> None:
    """Saves to a temporary file in the target directory, runs ``verify(tmp_path)``, then renames it into
    place; on any failure the temporary file is removed and an existing ``out_path`` is left untouched."""
    directory = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt", dir=directory)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        torch.jit.save(scripted, tmp, _extra_files=extra_files)
        if verify is not None:
            verify(tmp)
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


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


def _max_diff(a: Tensor, b: Tensor) -> float:
    if a.shape != b.shape:
        raise SelfCheckError(f"shape mismatch: eager {list(a.shape)} vs TorchScript {list(b.shape)}")
    return float((a - b).abs().max()) if a.numel() else 0.0


def self_check(eager: NeuroswipeModel, scripted: torch.jit.ScriptModule, tcfg: TransformConfig,
               seed: int = 1234) -> float:
    """Compares TorchScript ``encode``/``decode``/``decode_last`` with the eager model on random inputs.

    Returns the largest absolute difference; raises ``SelfCheckError`` above ``TOLERANCE``.
    """
    worst = 0.0
    cases = CHECK_CASES
    # Both graph executors: plain, then optimised (what libtorch runs by default); in this order the
    # optimised executor's first-call cost is also far smaller.
    runs = [(optimized, k, case) for optimized in (False, True) for k, case in enumerate(cases)]
    with torch.no_grad():
        for optimized, k, (lengths, token_lengths, masked) in runs:
            traj, keys, pad, tokens, tl = check_inputs(tcfg, eager, seed + k, lengths, token_lengths)
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
    runs = [(optimized, k, case) for optimized in (False, True) for k, case in enumerate(CHECK_CASES)]
    with torch.no_grad():
        for optimized, k, (lengths, token_lengths, masked) in runs:
            traj, keys, pad, tokens, _ = check_inputs(tcfg, eager, seed + k, lengths, token_lengths)
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


def save_checked(eager: NeuroswipeModel, tcfg: TransformConfig, meta: Optional[dict], out_path: str,
                 extra_files: Optional[Dict[str, str]] = None) -> Tuple[float, float]:
    """Scripts, saves to a temporary file, reloads and self-checks it (``self_check`` and
    ``incremental_self_check``), then renames it to ``out_path``.

    ``meta`` becomes ``neuroswipe.json``; ``extra_files`` (used for test fixtures) replaces it when given.
    Returns the two max abs differences: TorchScript vs eager, and ``decode_step`` vs ``decode``.
    """
    scripted = to_torchscript(eager)
    files = extra_files if extra_files is not None else {METADATA_FILE: json.dumps(meta, ensure_ascii=False, indent=1)}
    result = []

    n_decoder_layers = meta.get("n_decoder_layers") if meta is not None else None

    def verify(path: str) -> None:
        loaded = torch.jit.load(path, map_location="cpu")
        result.append(self_check(eager, loaded, tcfg))
        result.append(incremental_self_check(eager, loaded, tcfg, n_decoder_layers))
        step_weights_self_check(loaded, n_decoder_layers)

    write_archive(scripted, out_path, files, verify)
    return result[0], result[1]
