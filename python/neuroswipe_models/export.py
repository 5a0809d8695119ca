"""Scripting and atomically saving a seed model in the neuroswipe contract (docs/MODEL_FORMAT.md), checked
on the way (``self_check``); also the package's export API: the format constants, the check inputs and the
self-checks are importable from here."""
import json
import os
import tempfile
from typing import Callable, Dict, List, Optional, Tuple

import torch
from torch import Tensor

from .check_inputs import check_inputs, random_keys
from .checkpoint import load_strict, sha256_file
from .contract import NeuroswipeModel
from .gaussian import present_keys_from_state_dict
from .model_format import (D_MODEL, MAX_CURVE_LEN, MAX_TOKEN_LEN, METADATA_FILE, N_CLASSES, N_KB_TOKENS, PAD_TOKEN,
                           SOS_TOKEN)
from .registry import TransformConfig, arch_spec, build_model, decoder_shape
from .self_check import (CHECK_CASES, EXTRA_MEMORY, STEP_LAYER_SHAPES, TOLERANCE, SelfCheckError, gaussian_reference_diff,
                         incremental_self_check, self_check, step_weights_self_check)

__all__ = [
    "METADATA_FILE", "D_MODEL", "N_CLASSES", "MAX_CURVE_LEN", "MAX_TOKEN_LEN", "N_KB_TOKENS", "PAD_TOKEN", "SOS_TOKEN",
    "TOLERANCE", "CHECK_CASES", "EXTRA_MEMORY", "STEP_LAYER_SHAPES", "SelfCheckError",
    "prepare_model", "make_metadata", "to_torchscript", "write_archive", "random_keys", "check_inputs",
    "self_check", "incremental_self_check", "step_weights_self_check", "gaussian_reference_diff", "save_checked",
]

_GAUSSIAN_PREFIX = "enc_in_emb_model.weights_getter."


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
